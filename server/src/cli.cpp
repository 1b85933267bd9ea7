// weimin-district (cli.hpp).
#include "weimin/server/cli.hpp"

#include <signal.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "console/figure_table.hpp"
#include "district_doctor.hpp"
#include "pg_connection.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/secret.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/platform/terminal.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/figures_json.hpp"
#include "weimin/server/https.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/server/service.hpp"

namespace weimin::server {

namespace {

struct Ctx {
  explicit Ctx(DistrictIo io) : io(io) {}
  DistrictIo io;
  std::string data_dir;
  std::string store;  // --store: a data folder, or postgresql://… for PostgreSQL
  std::string key_file;
  std::string district;
  bool json = false;
  platform::SystemClock clock;
  std::function<int()> action;

  std::string resolved_key_file() const {
    if (!key_file.empty()) return key_file;
    if (const char* env = std::getenv("WEIMIN_KEY_FILE")) return env;
    std::string dir = data_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir + ".kek";
  }

  int fail(const Status& s) {
    io.err << "weimin-district: " << s.message() << "\n";
    return 1;
  }

  // serving: the store is for `serve` (the embedded store then checkpoints in the background).
  Result<std::unique_ptr<DistrictStore>> open_store(bool serving = false) {
    if (is_postgres_url(store)) {  // a city: PostgreSQL (docs/DEPLOY.md)
      return open_pg_store(store, PgStoreOptions{district, clock.now_ms()});
    }
    if (!store.empty()) data_dir = store;
    platform::FileKeyStore keys(resolved_key_file(), data_dir);
    return open_embedded_store(data_dir, keys,
                               EmbeddedStoreOptions{district, clock.now_ms(), serving});
  }

  // Runs `work` with a service over the opened store.
  int with_service(const std::function<int(DistrictService&)>& work) {
    auto store = open_store();
    if (!store.is_ok()) return fail(store.status());
    DistrictService service(**store, clock);
    return work(service);
  }
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::NotFound, "cannot read " + path + "; check the path");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void print_case(Ctx& ctx, const CaseView& v) {
  if (ctx.json) {
    ctx.io.out << to_json(v).dump() << "\n";
    return;
  }
  ctx.io.out << v.case_id << "  " << core::to_string(v.state.stage) << "  community " << v.community
             << "  " << v.state.description << "\n";
  for (const auto& d : v.state.departments) {
    ctx.io.out << "    " << d.department << (d.reported ? " reported" : " not reported")
               << (d.feedback ? ", feedback given" : "") << "\n";
  }
}

// A PostgreSQL URL without its password, for messages.
std::string shown_store(const std::string& url) {
  auto parsed = pg::parse_store_url(url);
  return parsed.is_ok() ? parsed->shown : std::string("the PostgreSQL store");
}

// backup and restore copy the embedded store's file; a PostgreSQL store has its own tools.
int embedded_only(Ctx& ctx, const char* command) {
  ctx.io.err << "weimin-district: " << command
             << " is for the embedded store; on PostgreSQL use pg_basebackup/PITR or pg_dump, then "
                "the epoch rule (docs/DEPLOY.md; weimin-district new-epoch)\n";
  return 1;
}

// `tuning`: the front's limits and timeouts from the command line (HttpsOptions' defaults
// otherwise); host, port, files and on_listening are set here.
int serve(Ctx& ctx, const std::string& listen, bool dev, const std::string& cert,
          const std::string& key, HttpsOptions tuning, ConsoleOptions console_options) {
  auto where = parse_listen(listen);
  if (!where.is_ok()) {
    ctx.io.err << "weimin-district: " << where.status().message() << "\n";
    return 2;
  }
  TlsFiles tls;
  if (dev && ctx.data_dir.empty()) {
    ctx.io.err << "weimin-district: serve --dev keeps its local CA and certificate in the data "
                  "folder: give --data DIR\n";
    return 2;
  }
  if (dev) {
    auto made = ensure_dev_tls(ctx.data_dir);
    if (!made.is_ok()) return ctx.fail(made.status());
    tls = *made;
  } else {
    if (cert.empty() || key.empty()) {
      ctx.io.err << "weimin-district: serve needs --cert FILE --key FILE, or --dev to make a "
                    "local CA and certificate\n";
      return 2;
    }
    tls = TlsFiles{"", cert, key};
  }
  auto store = ctx.open_store(/*serving=*/true);
  if (!store.is_ok()) return ctx.fail(store.status());
  std::ostream& err = ctx.io.err;
  std::mutex log_mutex;
  DistrictService service(**store, ctx.clock, ServiceOptions{}, [&](const RequestLog& log) {
    std::lock_guard lock(log_mutex);
    err << log.to_line() << "\n" << std::flush;
  });
  // The web console under /console/ (docs/CONSOLE.md), on the same listener.
  Accounts accounts(service);
  Console console(service, accounts, console_options);
  Console::mount(service, console);
  // SIGINT/SIGTERM stop the server; a thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  HttpsOptions options = std::move(tuning);
  options.host = where->first;
  options.port = where->second;
  options.tls = tls;
  options.on_listening = [&](int port) {
    if (dev) ctx.io.out << "ca: " << tls.ca_cert.string() << "\n";
    ctx.io.out << "listening: https://" << where->first << ":" << port << "\n" << std::flush;
  };
  HttpsServer server(service, options);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
  });
  Status s = server.run();
  if (!s.is_ok()) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return ctx.fail(s);
  }
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}

// [SECTION] Console accounts, station revocation and the audit

// What `account …`, `station revoke` and `audit` are given on the command line.
struct AccountArgs {
  std::string user;
  std::string role;
  std::string scope;
  bool one_time = false;
  std::string station;
  int limit = 50;
  std::int64_t before = 0;
};

// Who acts from the command line, as the audit records it.
constexpr const char* kCliActor = "cli";

// A password from standard input: typed twice without echo when it is a terminal, else its
// first line. Empty when none was given (or the two differ: then `mismatch` is set).
std::string read_password(Ctx& ctx, const std::string& user, bool& mismatch) {
  mismatch = false;
  if (&ctx.io.in == &std::cin && ::isatty(STDIN_FILENO)) {
    ctx.io.err << std::flush;
    auto first =
        platform::read_hidden_line(STDIN_FILENO, STDERR_FILENO, "New password for " + user + ": ");
    if (!first.is_ok()) return {};
    auto second = platform::read_hidden_line(STDIN_FILENO, STDERR_FILENO, "Type it again: ");
    if (!second.is_ok() || *second != *first) {
      mismatch = true;
      std::string a = std::move(first).value();
      wipe(a);
      return {};
    }
    std::string typed = std::move(second).value();
    std::string other = std::move(first).value();
    wipe(other);
    return typed;
  }
  std::string line;
  std::getline(ctx.io.in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

std::string account_state(const AccountRecord& a, std::int64_t now_ms) {
  if (a.disabled) return "disabled";
  if (a.locked_until_ms > now_ms) return "locked until " + core::local_date_time(a.locked_until_ms);
  if (a.must_change_password) return "must change password";
  return "active";
}

void add_account_commands(CLI::App& app, Ctx& ctx, AccountArgs& args) {
  auto* account = app.add_subcommand(
      "account",
      "console accounts (street office, department and admin clerks): add, list, "
      "disable, reset");
  account->require_subcommand(1);

  auto* add = account->add_subcommand(
      "add",
      "add an account; its password is read from standard input (typed twice, hidden, "
      "at a terminal), or made with --one-time and printed once");
  add->add_option("--user", args.user, "the user name: 3 to 32 of a-z, 0-9, '.', '_', '-'")
      ->required();
  add->add_option("--role", args.role, "office, department or admin")->required();
  add->add_option("--scope", args.scope,
                  "office: a 9-digit street office code of the published catalog; department: a "
                  "catalog department id; admin: the district code")
      ->required();
  add->add_flag("--one-time", args.one_time,
                "make a one-time password, print it once; it must be changed at the first "
                "sign-in");
  add->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto role = parse_console_role(args.role);
        if (!role.is_ok()) return ctx.fail(role.status());
        std::string password;
        if (!args.one_time) {
          bool mismatch = false;
          password = read_password(ctx, args.user, mismatch);
          if (password.empty()) {
            return ctx.fail(Status(
                ErrorCode::Invalid,
                mismatch ? "the two passwords differ; run the command again and type the same "
                           "password twice"
                         : "no password was given on standard input; type one (or pipe it in), "
                           "or use --one-time to have one made"));
          }
        }
        Accounts accounts(s);
        auto made = accounts.add(args.user, *role, args.scope, password, kCliActor);
        wipe(password);
        if (!made.is_ok()) return ctx.fail(made.status());
        ctx.io.out << "account " << args.user << " added (" << args.role << " " << args.scope
                   << ")\n";
        if (!made->empty()) {
          ctx.io.out << "one-time password (shown once; to be changed at the first sign-in): "
                     << *made << "\n";
        }
        return 0;
      });
    };
  });

  auto* list = account->add_subcommand("list", "every account: user, role, scope, state, created");
  list->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        Accounts accounts(s);
        auto all = accounts.list();
        if (!all.is_ok()) return ctx.fail(all.status());
        const std::int64_t now = ctx.clock.now_ms();
        for (const AccountRecord& a : *all) {
          const std::string state = account_state(a, now);
          if (ctx.json) {
            ctx.io.out << nlohmann::json{{"user", a.user},
                                         {"role", a.role},
                                         {"scope", a.scope},
                                         {"state", state},
                                         {"created_ms", a.created_ms}}
                              .dump()
                       << "\n";
          } else {
            ctx.io.out << a.user << "  " << a.role << " " << a.scope << "  " << state
                       << "  created " << core::local_date_time(a.created_ms) << "\n";
          }
        }
        if (all->empty() && !ctx.json) {
          ctx.io.out << "no accounts; add one with: weimin-district account add --user U --role "
                        "admin --scope DISTRICT\n";
        }
        return 0;
      });
    };
  });

  auto* disable = account->add_subcommand("disable", "disable an account and end its sessions");
  disable->add_option("USER", args.user, "the user name")->required();
  disable->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        Accounts accounts(s);
        Status st = accounts.disable(args.user, kCliActor);
        if (!st.is_ok()) return ctx.fail(st);
        ctx.io.out << "account " << args.user
                   << " disabled; its sessions ended (weimin-district account reset " << args.user
                   << " enables it again)\n";
        return 0;
      });
    };
  });

  auto* reset = account->add_subcommand(
      "reset",
      "give an account a new one-time password (printed once); unlocks and enables it "
      "and ends its sessions");
  reset->add_option("USER", args.user, "the user name")->required();
  reset->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        Accounts accounts(s);
        auto made = accounts.reset(args.user, kCliActor);
        if (!made.is_ok()) return ctx.fail(made.status());
        ctx.io.out << "account " << args.user
                   << " reset; one-time password (shown once; to be changed at the first "
                      "sign-in): "
                   << *made << "\n";
        return 0;
      });
    };
  });

  auto* station = app.add_subcommand("station", "one enrolled station: revoke");
  station->require_subcommand(1);
  auto* revoke = station->add_subcommand(
      "revoke",
      "refuse every request of a station from now on (its data stays); enrolling "
      "it again with a new token lifts this");
  revoke
      ->add_option("STATION", args.station,
                   "the station id as 'weimin-district stations' shows it "
                   "(station:530102001001), or its 12-digit community code")
      ->required();
  revoke->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        const std::string id = sync::is_community_code(args.station)
                                   ? sync::station_id_for(args.station)
                                   : args.station;
        const std::int64_t now = ctx.clock.now_ms();
        Status st =
            s.with_store([&](DistrictStore& store) { return store.revoke_station(id, now); });
        if (!st.is_ok()) return ctx.fail(st);
        Accounts accounts(s);
        Status audited = accounts.audit(kCliActor, "cli", "station_revoke", id, "");
        if (!audited.is_ok()) return ctx.fail(audited);
        ctx.io.out << "station " << id
                   << " revoked: its requests are refused from now on and its facts stay. To let "
                      "it work again, issue an enrol token (weimin-district enroll-token) and "
                      "enrol it again\n";
        return 0;
      });
    };
  });

  auto* audit = app.add_subcommand(
      "audit",
      "the audit of console and account actions, newest first (id, time, user, address, "
      "action, target, detail)");
  audit->add_option("--limit", args.limit, "how many records (default 50)")
      ->check(CLI::Range(1, 10000));
  audit->add_option("--before", args.before, "only records with an id below this (paging)");
  audit->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        Accounts accounts(s);
        auto log = accounts.audit_log(args.before, args.limit);
        if (!log.is_ok()) return ctx.fail(log.status());
        for (const AuditRecord& r : *log) {
          if (ctx.json) {
            ctx.io.out << nlohmann::json{{"id", r.id},         {"at_ms", r.at_ms},
                                         {"user", r.user},     {"address", r.address},
                                         {"action", r.action}, {"target", r.target},
                                         {"detail", r.detail}}
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                       << "\n";
          } else {
            ctx.io.out << r.id << "  " << core::local_date_time(r.at_ms) << "  " << r.user << "  "
                       << r.address << "  " << r.action;
            if (!r.target.empty()) ctx.io.out << "  " << r.target;
            if (!r.detail.empty()) ctx.io.out << "  (" << r.detail << ")";
            ctx.io.out << "\n";
          }
        }
        if (log->empty() && !ctx.json) ctx.io.out << "no audit records\n";
        return 0;
      });
    };
  });
}

// [SECTION] figures (docs/FIGURES.md): the admin's view of the district's figures

struct FiguresArgs {
  std::string from;
  std::string to;
  std::string by;
  std::string office;
  std::string department;
  std::string community;
  std::string month;
};

// Columns a terminal gives `text`: two for a wide (CJK) character, one otherwise.
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += (cp >= 0x1100 &&
              (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
               (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
               (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)))
                 ? 2
                 : 1;
    i += len;
  }
  return width;
}

// A figure table as aligned text: its title, a header line, one line per row.
void print_table(std::ostream& out, const console::FigureTable& tb) {
  out << "\n" << tb.title << " [" << tb.id << "]\n";
  if (tb.rows.empty()) {
    out << "  (none)\n";
    return;
  }
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> head;
  for (const console::Column& c : tb.columns) head.push_back(c.title);
  lines.push_back(head);
  for (const auto& row : tb.rows) {
    std::vector<std::string> cells;
    for (const console::Cell& cell : row) cells.push_back(console::cell_text(cell));
    lines.push_back(std::move(cells));
  }
  std::vector<std::size_t> widths(head.size(), 0);
  for (const auto& l : lines) {
    for (std::size_t i = 0; i < l.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(l[i]));
    }
  }
  for (const auto& l : lines) {
    std::string text = " ";
    for (std::size_t i = 0; i < l.size() && i < widths.size(); ++i) {
      const std::string pad(widths[i] - display_width(l[i]), ' ');
      const bool right = tb.columns[i].kind != console::CellKind::Text;
      text += " " + (right ? pad + l[i] : l[i] + pad);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
}

// `catalog deadlines`: each whistle kind's deadlines with their unit, the working-day calendar
// and the years (this one and the next) it does not cover, counted Monday–Friday.
int print_deadlines(Ctx& ctx, const core::Catalog& c) {
  const int year = core::local_date(ctx.clock.now_ms()).year;
  std::vector<int> missing;
  for (int y : {year, year + 1}) {
    if (!c.work_calendar.covers(y)) missing.push_back(y);
  }
  if (ctx.json) {
    nlohmann::json out = {{"deadlines", nlohmann::json::array()},
                          {"calendar_years", nlohmann::json::array()},
                          {"not_published", missing},
                          {"warning", core::fallback_warning(missing, false)}};
    for (const core::Deadline& d : c.deadlines) {
      out["deadlines"].push_back({{"kind", std::string(core::to_string(d.kind))},
                                  {"unit", std::string(core::to_string(d.unit))},
                                  {"report_in", d.report_in},
                                  {"feedback", d.feedback},
                                  {"verify", d.verify}});
    }
    for (const core::CalendarYear& y : c.work_calendar.years) {
      nlohmann::json holidays = nlohmann::json::array();
      for (const core::Holiday& h : y.holidays) {
        holidays.push_back({{"zh", h.zh},
                            {"en", h.en},
                            {"first", h.first.to_string()},
                            {"last", h.last.to_string()}});
      }
      nlohmann::json workdays = nlohmann::json::array();
      for (const core::CivilDate& w : y.workdays) workdays.push_back(w.to_string());
      out["calendar_years"].push_back({{"year", y.year},
                                       {"notice", y.notice},
                                       {"holidays", std::move(holidays)},
                                       {"workdays", std::move(workdays)}});
    }
    ctx.io.out << out.dump() << "\n";
    return 0;
  }
  static constexpr const char* kDays[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  auto amount = [](int n, core::DeadlineUnit unit) {
    return std::to_string(n) +
           (unit == core::DeadlineUnit::WorkingDays ? " working days" : " hours");
  };
  ctx.io.out << "deadlines (from the step before):\n";
  for (const core::Deadline& d : c.deadlines) {
    std::string kind(core::to_string(d.kind));
    kind.resize(10, ' ');
    ctx.io.out << "  " << kind << "report in " << amount(d.report_in, d.unit) << ", feedback "
               << amount(d.feedback, d.unit) << ", verify " << amount(d.verify, d.unit) << "\n";
  }
  if (c.work_calendar.years.empty()) {
    ctx.io.out << "working-day calendar: none published (Monday–Friday)\n";
  }
  for (const core::CalendarYear& y : c.work_calendar.years) {
    ctx.io.out << "working-day calendar " << y.year << " (" << y.notice << "):\n";
    for (const core::Holiday& h : y.holidays) {
      const auto days = h.last.days_since_epoch() - h.first.days_since_epoch() + 1;
      ctx.io.out << "  holiday  " << h.first.to_string() << " … " << h.last.to_string() << "  "
                 << h.zh << (h.en.empty() ? "" : " " + h.en) << " (" << days << " days)\n";
    }
    for (const core::CivilDate& w : y.workdays) {
      ctx.io.out << "  workday  " << w.to_string() << " " << kDays[w.weekday()] << " (调休上班)\n";
    }
  }
  if (!missing.empty()) {
    ctx.io.out << "warning: " << core::fallback_warning(missing, false) << "\n";
  }
  return 0;
}

// The published catalog, or null when none is.
Result<std::shared_ptr<const core::Catalog>> published_catalog(DistrictService& s) {
  auto ref = s.with_store([](DistrictStore& store) { return store.latest_reference("catalog"); });
  if (!ref.is_ok()) return ref.status();
  if (!*ref) return std::shared_ptr<const core::Catalog>();
  auto parsed = core::parse_catalog((*ref)->json, "the published catalog");
  if (!parsed.is_ok()) return parsed.status();
  return std::make_shared<const core::Catalog>(std::move(*parsed));
}

bool all_digits(const std::string& s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_figures_commands(CLI::App& app, Ctx& ctx, FiguresArgs& args) {
  auto* figures = app.add_subcommand(
      "figures",
      "the district's figures over a period (docs/FIGURES.md): whistles by level, kind, source, "
      "street office, community and department; the three rates with their counts; open and "
      "overdue cases now; returns; rankings; queues, as tables (--json: the figures as JSON). "
      "'figures staff' prints a station's monthly staff sheet");
  figures->require_subcommand(0, 1);
  figures->add_option("--from", args.from, "the first day, YYYY-MM-DD (Beijing date)");
  figures->add_option("--to", args.to, "the last day, YYYY-MM-DD (inclusive)");
  figures->add_option("--by", args.by, "the series' buckets: day, week or month (default: day)");
  figures->add_option("--office", args.office,
                      "only the cases of this street office's communities (9-digit code)");
  figures->add_option("--department", args.department,
                      "only this department's part (catalog department id)");
  auto* staff = figures->add_subcommand(
      "staff", "the monthly staff assessment sheet (每月考核) of one station");
  staff->add_option("--community", args.community, "the station's community (12 digits)");
  staff->add_option("--month", args.month, "the month, YYYY-MM");

  staff->callback([&] {
    ctx.action = [&] {
      if (!all_digits(args.community, 12) || args.month.size() != 7 ||
          !core::CivilDate::parse(args.month + "-01").is_ok()) {
        ctx.io.err << "weimin-district: figures staff needs --community CODE (12 digits) and "
                      "--month YYYY-MM, e.g. figures staff --community 530102001001 --month "
                      "2026-11\n";
        return 2;
      }
      return ctx.with_service([&](DistrictService& s) {
        auto sheet = s.staff_sheet(args.community, args.month);
        if (!sheet.is_ok()) return ctx.fail(sheet.status());
        if (ctx.json) {
          ctx.io.out << staff_sheet_to_json(*sheet).dump(2) << "\n";
          return 0;
        }
        ctx.io.out << "staff sheet of community " << sheet->community << ", " << sheet->month
                   << "\n";
        print_table(ctx.io.out, console::staff_table(*sheet, console::Lang::En));
        return 0;
      });
    };
  });
  // `staff` by value: the callback runs after this function has returned.
  figures->callback([&, staff] {
    if (staff->parsed()) return;
    ctx.action = [&] {
      if (args.from.empty() || args.to.empty()) {
        ctx.io.err << "weimin-district: figures needs a period: --from YYYY-MM-DD --to "
                      "YYYY-MM-DD, e.g. figures --from 2026-11-01 --to 2026-11-30\n";
        return 2;
      }
      if (!args.office.empty() && !all_digits(args.office, 9)) {
        ctx.io.err << "weimin-district: --office takes a street office's 9-digit code, e.g. "
                      "--office 530102001\n";
        return 2;
      }
      FigureQuery q;
      q.from = args.from;
      q.to = args.to;
      q.by = args.by.empty() ? "day" : args.by;
      q.office = args.office;
      q.department = args.department;
      q.now_ms = ctx.clock.now_ms();
      if (Status ok = check_figure_query(q); !ok.is_ok()) {
        ctx.io.err << "weimin-district: " << ok.message() << "\n";
        return 2;
      }
      return ctx.with_service([&](DistrictService& s) {
        auto cat = published_catalog(s);
        if (!cat.is_ok()) return ctx.fail(cat.status());
        const core::Catalog* catalog = cat->get();
        if (catalog != nullptr) {
          if (!q.office.empty() && catalog->street_office_by_code(q.office) == nullptr) {
            ctx.io.err << "weimin-district: street office " << q.office
                       << " is not in the published catalog; give one of its 9-digit street "
                          "office codes\n";
            return 1;
          }
          if (!q.department.empty() && catalog->department_by_id(q.department) == nullptr) {
            ctx.io.err << "weimin-district: department '" << q.department
                       << "' is not in the published catalog; give one of its department ids\n";
            return 1;
          }
        }
        auto f = s.figures(q);
        if (!f.is_ok()) return ctx.fail(f.status());
        if (ctx.json) {
          ctx.io.out << figures_to_json(*f, q).dump(2) << "\n";
          return 0;
        }
        ctx.io.out << "figures from " << q.from << " to " << q.to << " (by " << q.by << ")";
        if (!q.office.empty()) ctx.io.out << ", street office " << q.office;
        if (!q.department.empty()) ctx.io.out << ", department " << q.department;
        ctx.io.out << "; open and overdue as of " << core::local_date_time(q.now_ms) << "\n";
        const Rates& r = f->total.rates;
        ctx.io.out << "whistles " << f->total.whistles << "  responded on time "
                   << console::percent_text(r.responded) << " (" << r.responded.met << "/"
                   << r.responded.due << ")  resolved on time " << console::percent_text(r.resolved)
                   << " (" << r.resolved.met << "/" << r.resolved.due << ")  satisfied "
                   << console::percent_text(r.satisfied) << " (" << r.satisfied.met << "/"
                   << r.satisfied.due << ")\n";
        ctx.io.out << "open cases " << f->open_cases << ", of them overdue " << f->overdue_cases
                   << "\n";
        for (const console::FigureTable& tb :
             console::figure_tables(*f, catalog, console::Lang::En, q.now_ms)) {
          print_table(ctx.io.out, tb);
        }
        return 0;
      });
    };
  });
}

}  // namespace

int run_district_cli(const std::vector<std::string>& args, DistrictIo io) {
  Ctx ctx(io);
  CLI::App app{
      "weimin-district — the district server of Weimin: stations enrol, push and pull over "
      "HTTPS; the street office and departments act on whistled cases. Console accounts "
      "(account …), station revocation (station revoke) and the audit (audit) are managed "
      "here.\n"
      "Exit codes: 0 done, 1 refused (reason on standard error), 2 usage.",
      "weimin-district"};
  app.require_subcommand(1);
  app.fallthrough();
  if (const char* env = std::getenv("WEIMIN_DISTRICT_DATA")) ctx.data_dir = env;
  if (const char* env = std::getenv("WEIMIN_DISTRICT_STORE")) ctx.store = env;  // as --store
  app.add_option("--data", ctx.data_dir, "the district's data folder (or WEIMIN_DISTRICT_DATA)");
  app.add_option(
      "--store", ctx.store,
      "the store: a data folder (as --data) or postgresql://USER@HOST:PORT/DB[?schema=S] "
      "for PostgreSQL (docs/DEPLOY.md)");
  app.add_option("--key-file", ctx.key_file,
                 "the key-encryption key file, outside the data folder (default: DATA.kek, or "
                 "WEIMIN_KEY_FILE)");
  app.add_option("--district", ctx.district,
                 "the district code (6 digits, e.g. 530102); needed when the store is new");
  app.add_flag("--json", ctx.json, "print results as JSON");

  // serve
  std::string listen = "127.0.0.1:8443", cert, key;
  bool dev = false;
  auto* serve_cmd = app.add_subcommand("serve", "serve the HTTPS API until SIGINT/SIGTERM");
  serve_cmd->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)");
  serve_cmd->add_flag("--dev", dev,
                      "make a local CA and server certificate in DATA/tls on first "
                      "run and print the CA file for stations");
  serve_cmd->add_option("--cert", cert, "the server certificate chain (PEM)");
  serve_cmd->add_option("--key", key, "the server's private key (PEM)");
  HttpsOptions tuning;
  serve_cmd->add_option("--max-connections", tuning.max_connections,
                        "open connections at most, in total (default 1024); more are closed at "
                        "once");
  serve_cmd->add_option("--max-connections-per-address", tuning.max_connections_per_address,
                        "open connections at most from one client address (default 256)");
  // Test-only: short deadlines so the attack suite need not wait the real ones (hidden).
  serve_cmd->add_option("--handshake-timeout-ms", tuning.handshake_timeout_ms)->group("");
  serve_cmd->add_option("--header-timeout-ms", tuning.header_timeout_ms)->group("");
  serve_cmd->add_option("--body-timeout-ms", tuning.body_timeout_ms)->group("");
  serve_cmd->add_option("--idle-timeout-ms", tuning.idle_timeout_ms)->group("");
  ConsoleOptions console_options;
  serve_cmd
      ->add_option("--console-page-size", console_options.page_size,
                   "rows per page of the console's lists (default 50)")
      ->check(CLI::Range(1, 200));
  serve_cmd->callback([&] {
    ctx.action = [&] { return serve(ctx, listen, dev, cert, key, tuning, console_options); };
  });

  // init
  auto* init_cmd = app.add_subcommand("init", "create the district store (needs --district)");
  init_cmd->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService&) {
        ctx.io.out << "district store ready in "
                   << (is_postgres_url(ctx.store) ? shown_store(ctx.store) : ctx.data_dir) << "\n";
        return 0;
      });
    };
  });

  // health / epoch
  auto* health_cmd = app.add_subcommand("health", "print the store's district and epoch");
  health_cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store();
      if (!store.is_ok()) return ctx.fail(store.status());
      auto e = (*store)->epoch();
      auto d = (*store)->district();
      auto n = (*store)->fact_count();
      if (!e.is_ok() || !d.is_ok() || !n.is_ok())
        return ctx.fail(Status(ErrorCode::Corrupt, "the store cannot be read"));
      ctx.io.out << "district " << *d << " epoch " << *e << " facts " << *n << "\n";
      return 0;
    };
  });

  // doctor
  std::string doctor_cert, doctor_key;
  auto* doctor_cmd = app.add_subcommand(
      "doctor",
      "check the district: data folder and key file modes, the store and its catalog, the "
      "server certificate, the clock and disk space; says what to do about each problem (exit 1 "
      "if any fails)");
  doctor_cmd->add_option("--cert", doctor_cert, "also check this server certificate chain (PEM)");
  doctor_cmd->add_option("--key", doctor_key, "and that this private key is the certificate's");
  doctor_cmd->callback([&] {
    ctx.action = [&] {
      DistrictDoctorInput in;
      if (!is_postgres_url(ctx.store)) {
        in.data_dir = ctx.store.empty() ? ctx.data_dir : ctx.store;
        in.key_file = ctx.resolved_key_file();
      }
      in.cert = doctor_cert;
      in.key = doctor_key;
      in.now_ms = ctx.clock.now_ms();
      in.open_store = [&] { return ctx.open_store(); };
      const auto found = district_doctor(in);
      const bool failed = platform::any_failed(found);
      if (ctx.json) {
        ctx.io.out << platform::findings_json(found).dump(2) << "\n";
      } else {
        ctx.io.out << platform::findings_text(found, "the district looks healthy") << "\n";
      }
      return failed ? 1 : 0;
    };
  });

  auto* epoch_cmd = app.add_subcommand(
      "new-epoch",
      "PostgreSQL store: make a new epoch now, after a restore the server could not "
      "detect (docs/DEPLOY.md, the epoch rule); every station re-pulls once");
  epoch_cmd->callback([&] {
    ctx.action = [&] {
      if (!is_postgres_url(ctx.store)) {
        ctx.io.err << "weimin-district: new-epoch is for a PostgreSQL store (--store "
                      "postgresql://…); the embedded store takes a new epoch when a backup is put "
                      "back with 'weimin-district restore FILE'\n";
        return 1;
      }
      auto e = new_pg_epoch(ctx.store, ctx.clock.now_ms());
      if (!e.is_ok()) return ctx.fail(e.status());
      ctx.io.out << "new epoch " << *e << " (stations will re-bootstrap at their next sync)\n";
      return 0;
    };
  });

  // enroll-token
  std::string community;
  auto* token_cmd = app.add_subcommand("enroll-token", "print a one-time, expiring enrol token");
  token_cmd->add_option("--community", community, "the station's 12-digit community code")
      ->required();
  token_cmd->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto t = s.issue_enroll_token(community);
        if (!t.is_ok()) return ctx.fail(t.status());
        ctx.io.out << *t << "\n";
        return 0;
      });
    };
  });

  // catalog / roster publish
  std::string file;
  for (const char* kind : {"catalog", "roster"}) {
    auto* group = app.add_subcommand(kind, std::string("reference data: the ") + kind);
    group->require_subcommand(1);
    auto* pub = group->add_subcommand(
        "publish", std::string("publish a ") + kind + " JSON file to every station");
    pub->add_option("FILE", file, "the JSON file")->required();
    std::string k = kind;
    pub->callback([&ctx, &file, k] {
      ctx.action = [&ctx, &file, k] {
        return ctx.with_service([&](DistrictService& s) {
          auto text = read_file(file);
          if (!text.is_ok()) return ctx.fail(text.status());
          auto g = k == "catalog" ? s.publish_catalog(*text) : s.publish_roster(*text);
          if (!g.is_ok()) return ctx.fail(g.status());
          ctx.io.out << k << " published as change " << *g << "\n";
          return 0;
        });
      };
    });
  }

  // catalog deadlines [FILE]: the deadlines with their units and the working-day calendar
  auto* deadlines_cmd = app.get_subcommand("catalog")->add_subcommand(
      "deadlines",
      "the deadlines per whistle kind (hours or working days) and the working-day calendar of "
      "the published catalog, or of FILE");
  deadlines_cmd->add_option("FILE", file, "a catalog JSON file instead of the published one");
  deadlines_cmd->callback([&ctx, &file] {
    ctx.action = [&ctx, &file] {
      if (!file.empty()) {
        auto text = read_file(file);
        if (!text.is_ok()) return ctx.fail(text.status());
        auto c = core::parse_catalog(*text, file);
        if (!c.is_ok()) return ctx.fail(c.status());
        return print_deadlines(ctx, *c);
      }
      return ctx.with_service([&](DistrictService& s) {
        auto c = published_catalog(s);
        if (!c.is_ok()) return ctx.fail(c.status());
        if (!*c) {
          return ctx.fail(Status(ErrorCode::NotFound,
                                 "no catalog is published; publish one with weimin-district "
                                 "catalog publish FILE"));
        }
        return print_deadlines(ctx, **c);
      });
    };
  });

  // dept
  std::string department, case_id, text, office, kind = "routine";
  int ttl_days = 90;
  auto ttl_ms = [&] { return static_cast<std::int64_t>(ttl_days) * 24 * 3600 * 1000; };
  std::vector<std::string> departments;
  auto* dept = app.add_subcommand("dept", "the departments' side of the loop (职能部门报到)");
  dept->require_subcommand(1);
  auto* dtoken = dept->add_subcommand("token", "print a bearer token for a department's API use");
  dtoken->add_option("--department", department, "the department id (of the published catalog)")
      ->required();
  dtoken->add_option("--ttl-days", ttl_days, "days the token is valid (default 90)")
      ->check(CLI::Range(1, 3650));
  dtoken->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto t = s.issue_actor_token(department, core::Role::Department, ttl_ms());
        if (!t.is_ok()) return ctx.fail(t.status());
        ctx.io.out << *t << "\n";
        return 0;
      });
    };
  });
  auto* dlist =
      dept->add_subcommand("list", "cases whistled to a department (all without --department)");
  dlist->add_option("--department", department, "the department id");
  dlist->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto list = s.cases_for(department);
        if (!list.is_ok()) return ctx.fail(list.status());
        for (const CaseView& v : *list) print_case(ctx, v);
        if (list->empty() && !ctx.json) ctx.io.out << "no whistled cases\n";
        return 0;
      });
    };
  });
  auto* dreport = dept->add_subcommand("report", "the department reports in on a case (报到)");
  dreport->add_option("--department", department, "the department id")->required();
  dreport->add_option("--case", case_id, "the case id")->required();
  dreport->add_option("--note", text, "a note");
  dreport->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto v = s.report(department, case_id, text);
        if (!v.is_ok()) return ctx.fail(v.status());
        print_case(ctx, *v);
        return 0;
      });
    };
  });
  auto* dfeedback = dept->add_subcommand("feedback", "the department says what it did (反馈)");
  dfeedback->add_option("--department", department, "the department id")->required();
  dfeedback->add_option("--case", case_id, "the case id")->required();
  dfeedback->add_option("--action", text, "what the department did")->required();
  dfeedback->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto v = s.feedback(department, case_id, text);
        if (!v.is_ok()) return ctx.fail(v.status());
        print_case(ctx, *v);
        return 0;
      });
    };
  });

  // office
  auto* off = app.add_subcommand("office", "the street office's side of the loop (街道吹哨)");
  off->require_subcommand(1);
  auto* otoken = off->add_subcommand("token", "print a bearer token for the street office");
  otoken
      ->add_option("--office", office,
                   "the street office's 9-digit code (of the published catalog)")
      ->required();
  otoken->add_option("--ttl-days", ttl_days, "days the token is valid (default 90)")
      ->check(CLI::Range(1, 3650));
  otoken->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto t = s.issue_actor_token(office, core::Role::StreetOffice, ttl_ms());
        if (!t.is_ok()) return ctx.fail(t.status());
        ctx.io.out << *t << "\n";
        return 0;
      });
    };
  });
  auto* owhistle = off->add_subcommand("whistle", "blow a district-level whistle on a case");
  owhistle->add_option("--office", office, "the street office's code")->required();
  owhistle->add_option("--case", case_id, "the case id")->required();
  owhistle->add_option("--department", departments, "a department to whistle (repeat)")->required();
  owhistle->add_option("--kind", kind, "emergency, key or routine");
  owhistle->add_option("--note", text, "a note");
  owhistle->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto k = core::parse_whistle_kind(kind);
        if (!k.is_ok()) return ctx.fail(k.status());
        auto v = s.whistle(office, case_id, departments, *k, text);
        if (!v.is_ok()) return ctx.fail(v.status());
        print_case(ctx, *v);
        return 0;
      });
    };
  });

  // token list / revoke
  std::string prefix;
  auto* tok = app.add_subcommand("token", "department and street office tokens: list, revoke");
  tok->require_subcommand(1);
  auto* tlist = tok->add_subcommand(
      "list", "every department and street office token (hash prefix, who, until)");
  tlist->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto list = s.actor_tokens();
        if (!list.is_ok()) return ctx.fail(list.status());
        const std::int64_t now = ctx.clock.now_ms();
        for (const auto& t : *list) {
          const std::string state = t.revoked_ms          ? "revoked"
                                    : t.expires_ms <= now ? "expired"
                                                          : "valid";
          if (ctx.json) {
            ctx.io.out << nlohmann::json{{"hash", t.token_hash},
                                         {"actor", t.actor},
                                         {"role", t.role},
                                         {"created_ms", t.created_ms},
                                         {"expires_ms", t.expires_ms},
                                         {"state", state}}
                              .dump()
                       << "\n";
          } else {
            ctx.io.out << t.token_hash.substr(0, 12) << "  " << t.role << " " << t.actor << "  "
                       << state << " (until " << t.expires_ms << " unix ms)\n";
          }
        }
        if (list->empty() && !ctx.json) ctx.io.out << "no tokens\n";
        return 0;
      });
    };
  });
  auto* trevoke = tok->add_subcommand("revoke", "revoke the tokens whose hash starts with PREFIX");
  trevoke->add_option("PREFIX", prefix, "at least 8 hex digits of the hash 'token list' shows")
      ->required();
  trevoke->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto n = s.revoke_actor_tokens(prefix);
        if (!n.is_ok()) return ctx.fail(n.status());
        ctx.io.out << "revoked " << *n << " token" << (*n == 1 ? "" : "s") << "\n";
        return 0;
      });
    };
  });

  // case show
  auto* show = app.add_subcommand("case", "show one case as the district sees it");
  show->add_option("CASE", case_id, "the case id")->required();
  show->callback([&] {
    ctx.action = [&] {
      return ctx.with_service([&](DistrictService& s) {
        auto v = s.case_view(case_id);
        if (!v.is_ok()) return ctx.fail(v.status());
        print_case(ctx, *v);
        return 0;
      });
    };
  });

  // stations, rejects
  auto* stations_cmd = app.add_subcommand(
      "stations",
      "list enrolled stations (revoked ones marked): what each reported (version, facts waiting "
      "in its outbox), its last sync and last request, and its streams");
  stations_cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store();
      if (!store.is_ok()) return ctx.fail(store.status());
      auto list = (*store)->stations();
      if (!list.is_ok()) return ctx.fail(list.status());
      for (const auto& st : *list) {
        ctx.io.out << st.station_id << "  community " << st.community;
        if (st.skew_ms) {
          const std::int64_t skew = *st.skew_ms;
          ctx.io.out << "  clock " << (skew >= 0 ? "+" : "") << skew / 1000 << " s";
          if (skew > sync::kMaxClockSkewMs || -skew > sync::kMaxClockSkewMs) {
            ctx.io.out << "  CLOCK OFF BY MORE THAN 5 MIN: set the station's clock";
          }
        }
        if (st.revoked_ms) {
          ctx.io.out << "  REVOKED " << core::local_date_time(*st.revoked_ms)
                     << " (requests refused; enrol again to lift)";
        }
        ctx.io.out << "\n";
        // What the station reported with its last signed request ("?" when it did not).
        ctx.io.out << "    version " << (st.version ? *st.version : "?") << "  waiting "
                   << (st.waiting ? std::to_string(*st.waiting) : "?") << " facts  last sync "
                   << (st.last_sync_ms > 0 ? core::local_date_time(st.last_sync_ms) : "never")
                   << "  last request "
                   << (st.last_seen_ms > 0 ? core::local_date_time(st.last_seen_ms) : "never")
                   << "\n";
        auto streams = (*store)->streams(st.station_id);
        if (!streams.is_ok()) return ctx.fail(streams.status());
        for (const auto& p : *streams)
          ctx.io.out << "    stream " << p.stream << " applied through " << p.applied_through
                     << "\n";
      }
      return 0;
    };
  });
  std::string station;
  auto* rejects_cmd =
      app.add_subcommand("rejects", "entries the district rejected (they never block a stream)");
  rejects_cmd->add_option("--station", station, "only this station, e.g. station:530102001001");
  rejects_cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store();
      if (!store.is_ok()) return ctx.fail(store.status());
      auto list = (*store)->rejects(station);
      if (!list.is_ok()) return ctx.fail(list.status());
      for (const auto& r : *list) {
        if (ctx.json) {
          ctx.io.out << nlohmann::json{{"stream", r.stream},
                                       {"seq", r.seq},
                                       {"reason", r.reason},
                                       {"at_ms", r.at_ms}}
                            .dump()
                     << "\n";
        } else {
          ctx.io.out << r.stream << " seq " << r.seq << ": " << r.reason << "\n";
        }
      }
      if (list->empty() && !ctx.json) ctx.io.out << "no rejected entries\n";
      return 0;
    };
  });

  // projection rebuild (the case projection, projection.hpp)
  auto* projection = app.add_subcommand("projection", "the district's case projection (inboxes)");
  projection->require_subcommand(1);
  auto* rebuild = projection->add_subcommand(
      "rebuild", "remake every case's row from the facts, in one transaction");
  rebuild->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store();
      if (!store.is_ok()) return ctx.fail(store.status());
      const auto started = std::chrono::steady_clock::now();
      auto cases = (*store)->rebuild_projection();
      if (!cases.is_ok()) return ctx.fail(cases.status());
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (ctx.json) {
        ctx.io.out << nlohmann::json{{"cases", *cases}, {"seconds", seconds}}.dump() << "\n";
      } else {
        char took[32];
        std::snprintf(took, sizeof took, "%.1f", seconds);
        ctx.io.out << "rebuilt the projection of " << *cases << (*cases == 1 ? " case" : " cases")
                   << " in " << took << " s\n";
      }
      return 0;
    };
  });

  // backup / restore
  auto* backup =
      app.add_subcommand("backup", "write a consistent copy of the store to FILE (and FILE.key)");
  backup->add_option("FILE", file, "the backup file to write")->required();
  backup->callback([&] {
    ctx.action = [&] {
      if (is_postgres_url(ctx.store)) return embedded_only(ctx, "backup");
      platform::FileKeyStore keys(ctx.resolved_key_file(), ctx.data_dir);
      Status s = backup_embedded_store(ctx.data_dir, file, keys);
      if (!s.is_ok()) return ctx.fail(s);
      ctx.io.out << "backup written to " << file << "\n";
      return 0;
    };
  });
  auto* restore =
      app.add_subcommand("restore", "put a backup in place (server stopped) and start a new epoch");
  restore->add_option("FILE", file, "the backup file")->required();
  restore->callback([&] {
    ctx.action = [&] {
      if (is_postgres_url(ctx.store)) return embedded_only(ctx, "restore");
      platform::FileKeyStore keys(ctx.resolved_key_file(), ctx.data_dir);
      auto e = restore_embedded_store(ctx.data_dir, file, keys, ctx.clock.now_ms());
      if (!e.is_ok()) return ctx.fail(e.status());
      ctx.io.out << "restored; new epoch " << *e << " (stations will re-bootstrap)\n";
      return 0;
    };
  });

  // account, station revoke, audit
  AccountArgs account_args;
  add_account_commands(app, ctx, account_args);
  FiguresArgs figures_args;
  add_figures_commands(app, ctx, figures_args);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    io.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    io.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e, io.out, io.err);
      return 0;
    }
    io.err << "weimin-district: " << e.what() << "\n";
    io.err << "Run 'weimin-district --help' (or 'weimin-district COMMAND --help') for usage.\n";
    return 2;
  }
  if (!ctx.action) {
    io.err << "weimin-district: choose a command; run 'weimin-district --help'\n";
    return 2;
  }
  // A PostgreSQL store needs no data folder, except for serve --dev's certificates (below).
  if (ctx.data_dir.empty() && !is_postgres_url(ctx.store)) {
    io.err
        << "weimin-district: say which data folder to use: --data DIR (or WEIMIN_DISTRICT_DATA)\n";
    return 2;
  }
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    io.err << "weimin-district: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace weimin::server
