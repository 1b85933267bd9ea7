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
#include "weimin/core/work_calendar.hpp"
#include "weimin/platform/data_files.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/access_register.hpp"
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
    std::string community, catalog = platform::shared_data_file("catalog/wuhua.json").string(),
                           director, director_name;
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
      "check",
      "is a task a department pushes onto the station on the community work list, or approved or "
      "refused by the leading group already?");
  auto text = std::make_shared<std::string>();
  check->add_option("TEXT", *text, "the task, in Chinese")->required();
  access->require_subcommand(1);
  check->callback([&ctx, text] {
    ctx.action = [&ctx, text] {
      return with_station(ctx, [&](station::Station& station) {
        auto decision = station::AccessRegister(station).check(*text);
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
        nlohmann::json out = {{"verdict", core::to_string(decision->verdict)},
                              {"reason", core::to_string(decision->reason)},
                              {"explanation", decision->explanation.zh},
                              {"explanation_en", decision->explanation.en},
                              {"matches", matches}};
        std::string headline = "needs work-access approval (需准入审批)";
        if (decision->verdict == core::WorkAccessVerdict::OnList) {
          headline = "on the work list (在清单内)";
        }
        if (const auto& r = decision->registered) {
          out["application"] = {{"id", r->application},
                                {"department", r->department},
                                {"task", r->task},
                                {"approved", r->approved},
                                {"decided_by", r->decided_by},
                                {"decided_on", r->decided_on},
                                {"score", r->score}};
          headline = r->approved ? "approved on " + r->decided_on + " by " + r->decided_by +
                                       " (application " + r->application + ") (已准入)"
                                 : "refused on " + r->decided_on + " by " + r->decided_by +
                                       " (application " + r->application + ") (不予准入)";
        }
        return ctx.print(out, headline + "\n" + decision->explanation.zh + "\n" +
                                  decision->explanation.en + "\n" + lines);
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
    std::vector<std::string> grids;
  };
  auto o = std::make_shared<Options>();
  auto& [by, no, name, role, grids] = *o;
  add->add_option("--as", by, "a director's staff number")->required();
  add->add_option("--no", no, "the new member's staff number")->required();
  add->add_option("--name", name, "their name")->required();
  add->add_option("--role", role, "director, deputy_head, staff, grid_worker or social_worker")
      ->required();
  add->add_option("--grid", grids, "a grid (网格) they work; repeat for more (grid workers)");
  add->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      // Named references, not structured bindings: clang 14 lets no lambda capture a binding.
      const std::string& no = o->no;
      const std::string& name = o->name;
      const std::string& role = o->role;
      const auto& grids = o->grids;
      auto parsed = core::parse_role(role);
      if (!parsed.is_ok()) return ctx.refuse(parsed.status());
      return with_staff(ctx, o->by, [&](station::Station& station, const station::Session& s) {
        std::string pin = ctx.read_secret_line("New PIN for " + no + ": ");
        station::StaffDesk desk(station);
        Status st = desk.put_staff(s, {no, name, *parsed, true, grids}, pin);
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
      return with_permission(
          ctx, "weimin staff list", *list_as, core::Permission::ViewRecords,
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
                           {"active", r.active},
                           {"grids", r.grids}});
              text += r.staff_no + "  " + r.name + "  " + std::string(core::to_string(r.role)) +
                      (r.grids.empty() ? "" : "  " + station::join_grids(r.grids)) +
                      (r.active ? "" : "  (inactive)") + "\n";
            }
            return ctx.print(j, text);
          });
    };
  });
}

// [SECTION] Figures

std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

nlohmann::json minutes_json(std::optional<std::int64_t> ms) {
  if (!ms) return nullptr;
  return static_cast<double>(*ms) / 60000.0;
}

std::string minutes_text(std::optional<std::int64_t> ms) {
  return ms ? one_decimal(static_cast<double>(*ms) / 60000.0) : std::string("—");
}

nlohmann::json optional_json(std::optional<double> v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string percent_text(std::optional<double> rate) {
  return rate ? one_decimal(*rate * 100) + "%" : std::string("—");
}

// Columns a terminal gives the text: two for CJK and full-width characters, one otherwise.
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (std::size_t k = 1; k < n && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += (cp >= 0x1100 &&
              (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
               (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
               (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000))
                 ? 2
                 : 1;
    i += n;
  }
  return width;
}

// A table as text: a header row and rows, each column as wide as its widest cell; the first
// `left_columns` columns left-aligned, the others right-aligned (numbers), two spaces between
// and two before.
std::string text_table(const std::vector<std::vector<std::string>>& rows,
                       std::size_t left_columns = 1) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - display_width(row[c]), ' ');
      line += "  " + (c < left_columns ? row[c] + pad : pad + row[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// Every case of the station by grid, and the calendar warning, for both figures commands.
void add_case_grids(nlohmann::json& j, std::string& text,
                    const std::vector<station::GridCaseCount>& grids,
                    const std::vector<int>& fallback_years) {
  nlohmann::json rows = nlohmann::json::array();
  std::string line;
  for (const auto& g : grids) {
    rows.push_back({{"grid", g.grid},
                    {"collected", g.collected},
                    {"closed", g.closed},
                    {"overdue", g.overdue}});
    line += (line.empty() ? "" : "; ") + (g.grid.empty() ? std::string("no grid") : g.grid) + " " +
            std::to_string(g.collected) + " (" + std::to_string(g.closed) + " closed, " +
            std::to_string(g.overdue) + " overdue)";
  }
  j["cases_by_grid"] = rows;
  j["deadline_fallback_years"] = fallback_years;
  if (!line.empty()) text += "cases by grid: " + line + "\n";
  const std::string warning = core::fallback_warning(fallback_years, false);
  if (!warning.empty()) text += warning + "\n";
}

int print_day_figures(Context& ctx, const station::DayFigures& f) {
  nlohmann::json j = {{"day", f.day},
                      {"tickets_taken", f.queue.taken},
                      {"tickets_served", f.queue.served},
                      {"tickets_waiting", f.queue.waiting},
                      {"no_shows", f.queue.no_shows},
                      {"no_show_rate", f.no_show_rate},
                      {"average_wait_minutes", minutes_json(f.queue.average_wait_ms)},
                      {"longest_wait_minutes", minutes_json(f.queue.longest_wait_ms)},
                      {"cases_by_stage", f.cases_by_stage},
                      {"cases_collected", f.cases_collected_today},
                      {"cases_overdue", f.cases_overdue},
                      {"evaluations", f.satisfaction.total},
                      {"satisfaction_rate", optional_json(f.satisfaction.satisfaction_rate())},
                      {"average_score", optional_json(f.satisfaction.average_score)}};
  nlohmann::json staff = nlohmann::json::array();
  for (const auto& sf : f.staff) {
    staff.push_back({{"staff_no", sf.staff},
                     {"served", sf.served},
                     {"ratings", sf.satisfaction.total},
                     {"satisfaction_rate", optional_json(sf.satisfaction.satisfaction_rate())}});
  }
  j["staff"] = staff;
  std::string text = "figures of " + f.day + "\n";
  text += "tickets: " + std::to_string(f.queue.taken) + " taken, " +
          std::to_string(f.queue.served) + " served, " + std::to_string(f.queue.waiting) +
          " waiting, " + std::to_string(f.queue.no_shows) + " no-shows (" +
          one_decimal(f.no_show_rate * 100) + "%)\n";
  if (f.queue.average_wait_ms) {
    text += "wait: average " + minutes_text(f.queue.average_wait_ms) + " min, longest " +
            minutes_text(f.queue.longest_wait_ms) + " min\n";
  }
  text += "cases:";
  for (const auto& [stage, n] : f.cases_by_stage) text += " " + stage + " " + std::to_string(n);
  text += "; " + std::to_string(f.cases_overdue) + " overdue; " +
          std::to_string(f.cases_collected_today) + " new today\n";
  add_case_grids(j, text, f.grids, f.deadline_fallback_years);
  const auto rate = f.satisfaction.satisfaction_rate();
  text +=
      "satisfaction: " +
      (rate ? one_decimal(*rate * 100) + "% of " + std::to_string(f.satisfaction.total) + " ratings"
            : std::string("no ratings yet")) +
      "\n";
  for (const auto& sf : f.staff) {
    const auto r = sf.satisfaction.satisfaction_rate();
    text += "staff " + sf.staff + ": served " + std::to_string(sf.served) +
            (r ? ", " + one_decimal(*r * 100) + "% satisfied" : std::string()) + "\n";
  }
  return ctx.print(j, text);
}

nlohmann::json totals_json(const core::QueueTotals& t) {
  return {{"tickets", t.tickets},
          {"served", t.served},
          {"no_shows", t.no_shows},
          {"called", t.called},
          {"average_wait_minutes", minutes_json(t.average_wait_ms())},
          {"longest_wait_minutes", minutes_json(t.longest_wait_ms)}};
}

std::vector<std::string> totals_cells(std::string first, std::string name,
                                      const core::QueueTotals& t) {
  return {std::move(first),
          std::move(name),
          std::to_string(t.tickets),
          std::to_string(t.served),
          std::to_string(t.no_shows),
          minutes_text(t.average_wait_ms()),
          minutes_text(t.longest_wait_ms)};
}

int print_period_figures(Context& ctx, station::Station& station, const station::PeriodFigures& f) {
  const core::Catalog& catalog = station.catalog();
  const auto& q = f.queue;
  nlohmann::json j = {{"from", f.from},
                      {"to", f.to},
                      {"days", f.days.size()},
                      {"tickets_taken", q.tickets},
                      {"tickets_served", q.served},
                      {"tickets_called", q.called},
                      {"no_shows", q.no_shows},
                      {"no_show_rate", f.no_show_rate},
                      {"average_wait_minutes", minutes_json(q.average_wait_ms())},
                      {"longest_wait_minutes", minutes_json(q.longest_wait_ms)},
                      {"cases_collected", f.cases_collected},
                      {"cases_closed", f.cases_closed},
                      {"cases_by_stage", f.cases_by_stage},
                      {"cases_overdue", f.cases_overdue},
                      {"evaluations", f.satisfaction.total},
                      {"satisfied", f.satisfaction.satisfied},
                      {"basically_satisfied", f.satisfaction.basically_satisfied},
                      {"dissatisfied", f.satisfaction.dissatisfied},
                      {"satisfaction_rate", optional_json(f.satisfaction.satisfaction_rate())},
                      {"average_score", optional_json(f.satisfaction.average_score)}};
  std::vector<std::vector<std::string>> line_rows = {
      {"line", "", "tickets", "served", "no-shows", "avg wait", "longest"}};
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& [number, t] : f.lines) {
    const auto* line = catalog.line_by_number(number);
    const std::string name = line ? line->name.zh : std::string();
    nlohmann::json row = totals_json(t);
    row["line"] = number;
    row["name"] = name;
    lines.push_back(std::move(row));
    line_rows.push_back(totals_cells(std::to_string(number), name, t));
  }
  j["lines"] = lines;
  std::vector<std::vector<std::string>> window_rows = {
      {"window", "", "tickets", "served", "no-shows", "avg wait", "longest"}};
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& [number, t] : f.windows) {
    const auto* window = catalog.window_by_number(number, station.community());
    const std::string name = window ? window->name.zh : std::string();
    nlohmann::json row = totals_json(t);
    row["window"] = number;
    row["name"] = name;
    windows.push_back(std::move(row));
    window_rows.push_back(totals_cells(std::to_string(number), name, t));
  }
  j["windows"] = windows;
  std::vector<std::vector<std::string>> staff_rows = {
      {"staff", "name", "served", "cases handled", "cases closed", "ratings", "satisfied"}};
  nlohmann::json staff = nlohmann::json::array();
  for (const auto& r : f.staff) {
    staff.push_back({{"staff_no", r.staff},
                     {"name", r.name},
                     {"served", r.served},
                     {"cases_handled", r.cases_handled},
                     {"cases_closed", r.cases_closed},
                     {"ratings", r.satisfaction.total},
                     {"satisfaction_rate", optional_json(r.satisfaction.satisfaction_rate())},
                     {"average_score", optional_json(r.satisfaction.average_score)}});
    staff_rows.push_back({r.staff, r.name, std::to_string(r.served),
                          std::to_string(r.cases_handled), std::to_string(r.cases_closed),
                          std::to_string(r.satisfaction.total),
                          percent_text(r.satisfaction.satisfaction_rate())});
  }
  j["staff"] = staff;
  nlohmann::json days = nlohmann::json::array();
  std::vector<std::vector<std::string>> day_rows = {{"day", "tickets", "served", "new cases"}};
  for (const auto& d : f.days) {
    days.push_back({{"day", d.day},
                    {"tickets", d.tickets},
                    {"served", d.served},
                    {"cases_collected", d.cases_collected}});
    if (d.tickets || d.served || d.cases_collected) {
      day_rows.push_back({d.day, std::to_string(d.tickets), std::to_string(d.served),
                          std::to_string(d.cases_collected)});
    }
  }
  j["by_day"] = days;

  std::string text = "figures of " + f.from + " to " + f.to + " (" + std::to_string(f.days.size()) +
                     (f.days.size() == 1 ? " day" : " days") + ")\n";
  text += "tickets: " + std::to_string(q.tickets) + " taken, " + std::to_string(q.served) +
          " served, no-shows " + std::to_string(q.no_shows) + " (" +
          one_decimal(f.no_show_rate * 100) + "% of " + std::to_string(q.called) + " called)\n";
  if (q.called > 0) {
    text += "wait from taking a number to the first call: average " +
            minutes_text(q.average_wait_ms()) + " min, longest " + minutes_text(q.longest_wait_ms) +
            " min\n";
  }
  if (!f.lines.empty()) text += "by line:\n" + text_table(line_rows, 2);
  if (!f.windows.empty()) {
    text += "by window (the window that called the ticket last):\n" + text_table(window_rows, 2);
  }
  text += "cases: " + std::to_string(f.cases_collected) + " new, " +
          std::to_string(f.cases_closed) + " closed in the period; now";
  for (const auto& [stage, n] : f.cases_by_stage) text += " " + stage + " " + std::to_string(n);
  if (f.cases_by_stage.empty()) text += " none";
  text += ", " + std::to_string(f.cases_overdue) + " overdue\n";
  add_case_grids(j, text, f.grids, f.deadline_fallback_years);
  const auto& sat = f.satisfaction;
  text += "satisfaction: " +
          (sat.total ? percent_text(sat.satisfaction_rate()) + " of " + std::to_string(sat.total) +
                           " ratings (satisfied " + std::to_string(sat.satisfied) +
                           ", basically satisfied " + std::to_string(sat.basically_satisfied) +
                           ", dissatisfied " + std::to_string(sat.dissatisfied) + ")"
                     : std::string("no ratings in the period")) +
          "\n";
  text += "staff assessment (每月考核):\n" + text_table(staff_rows, 2);
  if (day_rows.size() > 1) text += "by day (days with activity):\n" + text_table(day_rows);
  return ctx.print(j, text);
}

void add_figures(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "figures",
      "the station's figures: tickets, waits per line and window, cases, satisfaction and the "
      "staff assessment sheet (每月考核), for a day (default today), a month or any period up to "
      "366 days (director or deputy head: --as STAFF_NO)");
  struct Options {
    std::string day, from, to, month, as;
  };
  auto o = std::make_shared<Options>();
  auto* day = cmd->add_option("--day,--date", o->day, "one day, YYYY-MM-DD (default: today)");
  auto* month = cmd->add_option("--month", o->month, "a whole month, YYYY-MM (e.g. 2026-11)");
  auto* from = cmd->add_option("--from", o->from, "first day of the period, YYYY-MM-DD");
  auto* to = cmd->add_option("--to", o->to, "last day of the period, YYYY-MM-DD (inclusive)");
  from->needs(to);
  to->needs(from);
  month->excludes(from)->excludes(to)->excludes(day);
  day->excludes(from)->excludes(to);
  cmd->add_option("--as", o->as, "your staff number");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      return with_permission(
          ctx, "weimin figures", o->as, core::Permission::ViewFigures,
          [&](station::Station& station, const station::Session&) {
            std::string first = o->from, last = o->to;
            if (!o->month.empty()) {
              auto period = station::month_period(o->month);
              if (!period.is_ok()) return ctx.refuse(period.status());
              std::tie(first, last) = *period;
            }
            if (!first.empty()) {
              auto f = station::period_figures(station, first, last);
              if (!f.is_ok()) return ctx.refuse(f.status());
              return print_period_figures(ctx, station, *f);
            }
            auto f = station::day_figures(
                station, o->day.empty() ? std::nullopt : std::optional<std::string>(o->day));
            if (!f.is_ok()) return ctx.refuse(f.status());
            return print_day_figures(ctx, *f);
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
