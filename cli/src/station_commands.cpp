// weimin init | access check | verify | export | rekey | staff add | staff list | figures
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "context.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/work_access.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/export.hpp"
#include "weimin/station/figures.hpp"
#include "weimin/storage/keyed_store.hpp"
#include "weimin/storage/outbox.hpp"

namespace weimin::cli {
namespace {

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(ErrorCode::NotFound,
                  "cannot read the catalog file '" + path + "'; check the path given to --catalog");
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string file_name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void add_init(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("init",
                         "set up a new station in the data folder (the director's PIN is read from "
                         "standard input)");
  struct Options {
    std::string community, catalog = WEIMIN_DEFAULT_CATALOG, director, director_name;
  };
  auto o = std::make_shared<Options>();
  auto& [community, catalog, director, director_name] = *o;
  cmd->add_option("--community", community, "12-digit community code from the catalog")->required();
  cmd->add_option("--catalog", catalog, "the district's catalog JSON")->capture_default_str();
  cmd->add_option("--director", director, "staff number of the first director")->required();
  cmd->add_option("--director-name", director_name, "the director's name");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      auto& [community, catalog, director, director_name] = *o;
      auto text = read_text_file(catalog);
      if (!text.is_ok()) return ctx.refuse(text.status());
      std::string pin = ctx.read_secret_line("New PIN for director " + director + ": ");
      station::InitOptions options{community,
                                   *text,
                                   file_name_of(catalog),
                                   director,
                                   director_name.empty() ? director : director_name,
                                   pin};
      wipe(pin);
      platform::FileKeyStore keys(ctx.resolved_key_file(), ctx.data_dir);
      auto station = station::Station::init(ctx.data_dir, keys, ctx.clock, options);
      wipe(options.director_pin);
      if (!station.is_ok()) return ctx.refuse(station.status());
      const auto* c = (*station)->catalog().community_by_code(community);
      return ctx.print({{"community", community},
                        {"name", c->name.zh},
                        {"data", ctx.data_dir},
                        {"key_file", ctx.resolved_key_file()},
                        {"director", director}},
                       "station of " + c->name.zh + " (" + community + ") set up in " +
                           ctx.data_dir + "\nkey file: " + ctx.resolved_key_file() +
                           " (keep it off the data folder's backups)\ndirector: " + director);
    };
  });
}

void add_access(CLI::App& app, Context& ctx) {
  auto* access = app.add_subcommand("access", "community work-access checks (社区工作准入)");
  auto* check = access->add_subcommand(
      "check", "is a task a department pushes onto the station on the community work list?");
  auto text = std::make_shared<std::string>();
  check->add_option("TEXT", *text, "the task, in Chinese")->required();
  access->require_subcommand(1);
  check->callback([&ctx, text] {
    ctx.action = [&ctx, text] {
      return with_station(ctx, [&](station::Station& station) {
        auto decision = core::check_work_access(station.catalog(), *text);
        if (!decision.is_ok()) return ctx.refuse(decision.status());
        nlohmann::json matches = nlohmann::json::array();
        std::string lines;
        for (const auto& m : decision->matches) {
          matches.push_back({{"item", m.item_id},
                             {"name", m.name.zh},
                             {"score", m.score},
                             {"keywords", m.matched_keywords}});
          lines += "  " + m.item_id + "  " + m.name.zh + "  (" +
                   std::to_string(static_cast<int>(m.score * 100)) + "%)\n";
        }
        const bool on_list = decision->verdict == core::WorkAccessVerdict::OnList;
        return ctx.print({{"verdict", core::to_string(decision->verdict)},
                          {"reason", core::to_string(decision->reason)},
                          {"explanation", decision->explanation.zh},
                          {"explanation_en", decision->explanation.en},
                          {"matches", matches}},
                         std::string(on_list ? "on the work list (在清单内)"
                                             : "needs work-access approval (需准入审批)") +
                             "\n" + decision->explanation.zh + "\n" + decision->explanation.en +
                             "\n" + lines);
      });
    };
  });
}

void add_verify(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "verify", "check the station's database (integrity, schema, outbox) without changing it");
  cmd->callback([&ctx] {
    ctx.action = [&ctx] {
      return with_station(ctx, [&](station::Station& station) {
        auto integrity = station.db().integrity_check();
        if (!integrity.is_ok()) return ctx.refuse(integrity.status());
        auto facts = storage::Facts::count(station.db());
        auto outbox = storage::Outbox::stats(station.db());
        if (!facts.is_ok()) return ctx.refuse(facts.status());
        if (!outbox.is_ok()) return ctx.refuse(outbox.status());
        const bool ok = *integrity == "ok";
        ctx.print({{"integrity", *integrity},
                   {"facts", *facts},
                   {"outbox_pending", outbox->pending()},
                   {"outbox_last_seq", outbox->last_seq}},
                  "integrity: " + *integrity + "\nfacts: " + std::to_string(*facts) +
                      "\nwaiting to sync: " + std::to_string(outbox->pending()));
        return ok ? 0 : 1;
      });
    };
  });
}

// A new file only its owner may read (0600 whatever the umask); an existing one is emptied
// and narrowed to 0600.
Status open_private_output(const std::string& path, std::ofstream& file) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Status(ErrorCode::ReadOnly,
                  "cannot write '" + path + "': " + std::strerror(err) + "; choose another --out");
  }
  ::close(fd);
  file.open(path, std::ios::binary | std::ios::trunc);
  if (!file)
    return Status(ErrorCode::ReadOnly, "cannot write '" + path + "'; choose another --out");
  return Status::ok();
}

void add_export(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "export",
      "write every fact as JSON lines with personal numbers masked (a director's "
      "action: --as STAFF_NO)");
  struct Options {
    std::string out, as;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--out", o->out,
                  "file to write, readable by you alone (default: standard output)");
  cmd->add_option("--as", o->as, "a director's staff number");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      const std::string& out_file = o->out;
      return with_permission(
          ctx, "weimin export", o->as, core::Permission::ExportRecords,
          [&](station::Station& station, const station::Session& by) {
            std::ofstream file;
            if (!out_file.empty()) {
              Status opened = open_private_output(out_file, file);
              if (!opened.is_ok()) return ctx.refuse(opened);
            }
            auto count = station::export_masked(station, by, out_file.empty() ? ctx.io.out : file);
            if (!count.is_ok()) return ctx.refuse(count.status());
            if (!out_file.empty()) {
              ctx.io.err << "exported " << *count << " facts to " << out_file << "\n";
            }
            return 0;
          });
    };
  });
}

void add_rekey(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "rekey", "re-encrypt the station under a new data key (close the kiosk first)");
  auto as = std::make_shared<std::string>();
  cmd->add_option("--as", *as, "a director's staff number")->required();
  cmd->callback([&ctx, as] {
    ctx.action = [&ctx, as] {
      const std::string& staff_no = *as;
      {
        const int rc = with_staff(ctx, staff_no, [&](station::Station&, const station::Session& s) {
          Status allowed = station::StaffDesk::require(s, core::Permission::ManageStaff);
          return allowed.is_ok() ? 0 : ctx.refuse(allowed);
        });
        if (rc != 0) return rc;
      }
      platform::FileKeyStore keys(ctx.resolved_key_file(), ctx.data_dir);
      auto kek = keys.load_or_create();
      if (!kek.is_ok()) return ctx.refuse(kek.status());
      Status st = storage::KeyedStore::rekey(ctx.data_dir, station::Station::kStoreName, *kek);
      if (!st.is_ok()) return ctx.refuse(st);
      return ctx.print({{"rekeyed", true}}, "the station now uses a new data key");
    };
  });
}

void add_staff(CLI::App& app, Context& ctx) {
  auto* staff = app.add_subcommand("staff", "the station's staff roster");
  staff->require_subcommand(1);
  auto* add = staff->add_subcommand(
      "add", "add or replace a member of staff (their new PIN is read from standard input)");
  struct Options {
    std::string by, no, name, role;
  };
  auto o = std::make_shared<Options>();
  auto& [by, no, name, role] = *o;
  add->add_option("--as", by, "a director's staff number")->required();
  add->add_option("--no", no, "the new member's staff number")->required();
  add->add_option("--name", name, "their name")->required();
  add->add_option("--role", role, "director, deputy_head, staff, grid_worker or social_worker")
      ->required();
  add->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      auto& [by, no, name, role] = *o;
      auto parsed = core::parse_role(role);
      if (!parsed.is_ok()) return ctx.refuse(parsed.status());
      return with_staff(ctx, by, [&](station::Station& station, const station::Session& s) {
        std::string pin = ctx.read_secret_line("New PIN for " + no + ": ");
        station::StaffDesk desk(station);
        Status st = desk.put_staff(s, {no, name, *parsed, true}, pin);
        wipe(pin);
        if (!st.is_ok()) return ctx.refuse(st);
        return ctx.print({{"staff_no", no}, {"role", role}}, "added " + no + " (" + role + ")");
      });
    };
  });
  auto* list = staff->add_subcommand("list", "show the roster (staff only: --as STAFF_NO)");
  auto list_as = std::make_shared<std::string>();
  list->add_option("--as", *list_as, "your staff number");
  list->callback([&ctx, list_as] {
    ctx.action = [&ctx, list_as] {
      return with_permission(ctx, "weimin staff list", *list_as, core::Permission::ViewRecords,
                             [&](station::Station& station, const station::Session&) {
                               station::StaffDesk desk(station);
                               auto roster = desk.roster();
                               if (!roster.is_ok()) return ctx.refuse(roster.status());
                               nlohmann::json j = nlohmann::json::array();
                               std::string text;
                               for (const auto& r : *roster) {
                                 j.push_back({{"staff_no", r.staff_no},
                                              {"name", r.name},
                                              {"role", core::to_string(r.role)},
                                              {"active", r.active}});
                                 text += r.staff_no + "  " + r.name + "  " +
                                         std::string(core::to_string(r.role)) +
                                         (r.active ? "" : "  (inactive)") + "\n";
                               }
                               return ctx.print(j, text);
                             });
    };
  });
}

void add_figures(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("figures",
                         "a day's figures: tickets, waits, cases, satisfaction (director or deputy "
                         "head: --as STAFF_NO)");
  auto day = std::make_shared<std::string>();
  auto as = std::make_shared<std::string>();
  cmd->add_option("--date", *day, "YYYY-MM-DD (default: today)");
  cmd->add_option("--as", *as, "your staff number");
  cmd->callback([&ctx, day, as] {
    ctx.action = [&ctx, day, as] {
      return with_permission(
          ctx, "weimin figures", *as, core::Permission::ViewFigures,
          [&](station::Station& station, const station::Session&) {
            auto f = station::day_figures(
                station, day->empty() ? std::nullopt : std::optional<std::string>(*day));
            if (!f.is_ok()) return ctx.refuse(f.status());
            auto minutes = [](std::optional<std::int64_t> ms) -> nlohmann::json {
              if (!ms) return nullptr;
              return static_cast<double>(*ms) / 60000.0;
            };
            nlohmann::json j = {
                {"day", f->day},
                {"tickets_taken", f->queue.taken},
                {"tickets_served", f->queue.served},
                {"tickets_waiting", f->queue.waiting},
                {"no_shows", f->queue.no_shows},
                {"no_show_rate", f->no_show_rate},
                {"average_wait_minutes", minutes(f->queue.average_wait_ms)},
                {"longest_wait_minutes", minutes(f->queue.longest_wait_ms)},
                {"cases_by_stage", f->cases_by_stage},
                {"cases_collected", f->cases_collected_today},
                {"cases_overdue", f->cases_overdue},
                {"evaluations", f->satisfaction.total},
                {"satisfaction_rate", f->satisfaction.satisfaction_rate()
                                          ? nlohmann::json(*f->satisfaction.satisfaction_rate())
                                          : nlohmann::json(nullptr)},
                {"average_score", f->satisfaction.average_score
                                      ? nlohmann::json(*f->satisfaction.average_score)
                                      : nlohmann::json(nullptr)}};
            nlohmann::json staff = nlohmann::json::array();
            for (const auto& sf : f->staff) {
              staff.push_back(
                  {{"staff_no", sf.staff},
                   {"served", sf.served},
                   {"ratings", sf.satisfaction.total},
                   {"satisfaction_rate", sf.satisfaction.satisfaction_rate()
                                             ? nlohmann::json(*sf.satisfaction.satisfaction_rate())
                                             : nlohmann::json(nullptr)}});
            }
            j["staff"] = staff;
            auto fmt = [](double v) {
              char buf[32];
              std::snprintf(buf, sizeof buf, "%.1f", v);
              return std::string(buf);
            };
            std::string text = "figures of " + f->day + "\n";
            text += "tickets: " + std::to_string(f->queue.taken) + " taken, " +
                    std::to_string(f->queue.served) + " served, " +
                    std::to_string(f->queue.waiting) + " waiting, " +
                    std::to_string(f->queue.no_shows) + " no-shows (" + fmt(f->no_show_rate * 100) +
                    "%)\n";
            if (f->queue.average_wait_ms) {
              text += "wait: average " + fmt(*f->queue.average_wait_ms / 60000.0) +
                      " min, longest " + fmt(*f->queue.longest_wait_ms / 60000.0) + " min\n";
            }
            text += "cases:";
            for (const auto& [stage, n] : f->cases_by_stage)
              text += " " + stage + " " + std::to_string(n);
            text += "; " + std::to_string(f->cases_overdue) + " overdue; " +
                    std::to_string(f->cases_collected_today) + " new today\n";
            const auto rate = f->satisfaction.satisfaction_rate();
            text += "satisfaction: " +
                    (rate ? fmt(*rate * 100) + "% of " + std::to_string(f->satisfaction.total) +
                                " ratings"
                          : std::string("no ratings yet")) +
                    "\n";
            for (const auto& sf : f->staff) {
              const auto r = sf.satisfaction.satisfaction_rate();
              text += "staff " + sf.staff + ": served " + std::to_string(sf.served) +
                      (r ? ", " + fmt(*r * 100) + "% satisfied" : std::string()) + "\n";
            }
            return ctx.print(j, text);
          });
    };
  });
}

}  // namespace

void add_station_commands(CLI::App& app, Context& ctx) {
  add_init(app, ctx);
  add_access(app, ctx);
  add_verify(app, ctx);
  add_export(app, ctx);
  add_rekey(app, ctx);
  add_staff(app, ctx);
  add_figures(app, ctx);
}

}  // namespace weimin::cli
