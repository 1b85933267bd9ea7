// A station with years of data (issue 17, "a month offline"): a station that has served its
// community for three years holds about a million facts. This fills one — a working day made
// through the station's own use cases (tickets taken, called, served, a few no-shows, ratings;
// cases recorded, resolved at the station or whistled, reported, fed back, verified, closed and
// rated), then that day's facts repeated with fresh subjects over earlier working days — and
// measures, on the filled station and on an empty one side by side:
//   open_ms                 opening the station (Station::open)
//   ticket_p99_ms           taking a ticket today (p99 and median of --tickets)
//   day_figures_ms          today's figures (`weimin figures`, the kiosk's figures screen)
//   month_figures_ms        a month's figures with the staff sheet
//   case_page_ms            the case desk's first page (30 cases) and its count of pages
//   case_list_ms            every case in one list (`weimin case list`)
//   projection_build_ms     once, after filling: the first read, which folds every case into
//                           the case projection (what a station upgraded to schema 6 pays once)
// and the ratio of each to the empty station's. Filling is not timed as any of these.
// Usage: weimin_station_bench [--json FILE] [--facts N] [--runs N] [--tickets N] [--keep DIR]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>

#include "bench_support.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/evaluations.hpp"
#include "weimin/station/figures.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/station.hpp"
#include "weimin/storage/facts.hpp"
#include "weimin/storage/outbox.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::die;
using bench::must;

void ok(const std::string& what, const Status& s) {
  if (!s.is_ok()) die(what, s);
}

constexpr const char* kCommunity = "530102001001";
constexpr const char* kPin = "583920";

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Args {
  std::string json;
  std::int64_t facts = 1'000'000;
  int runs = 7;
  int tickets = 200;
  std::string keep;
};

// 09:00 China time on `date`.
std::int64_t morning(core::CivilDate date) {
  return core::unix_ms_at(date, 9 * 60);
}

core::CivilDate plus_days(core::CivilDate d, std::int64_t n) {
  return core::CivilDate::from_days(d.days_since_epoch() + n);
}

bool weekday(core::CivilDate d) {
  const int w = d.weekday();  // 1 Monday .. 7 Sunday
  return w >= 1 && w <= 5;
}

// A station in `dir` (created), on `clock`.
std::unique_ptr<station::Station> make_station(const fs::path& dir, const platform::Clock& clock) {
  fs::create_directories(dir);
  platform::FileKeyStore keys(dir / "station.kek", dir / "data");
  return must("making a station",
              station::Station::init(
                  dir / "data", keys, clock,
                  {kCommunity, read_file(fs::path(WEIMIN_SOURCE_DIR) / "assets/catalog/wuhua.json"),
                   "wuhua.json", "D001", "李主任", kPin}));
}

std::unique_ptr<station::Station> open_station(const fs::path& dir, const platform::Clock& clock) {
  platform::FileKeyStore keys(dir / "station.kek", dir / "data");
  return must("opening the station", station::Station::open(dir / "data", keys, clock));
}

struct Staffed {
  station::Session director;
  std::vector<station::Session> staff;
};

Staffed staff_station(station::Station& st) {
  station::StaffDesk desk(st);
  Staffed s;
  s.director = must("signing in", desk.sign_in("D001", kPin));
  for (int i = 0; i < 3; ++i) {
    const std::string no = "S00" + std::to_string(i + 2);
    const std::string pin = "64927" + std::to_string(i + 1);
    ok("adding staff",
       desk.put_staff(s.director, {no, "员工" + std::to_string(i + 2), core::Role::Staff, true},
                      pin));
    s.staff.push_back(must("signing in staff", desk.sign_in(no, pin)));
  }
  return s;
}

// One working day at the station through its use cases: ~1,300 facts.
void work_a_day(station::Station& st, const Staffed& people, platform::ManualClock& clock) {
  station::Queue queue(st);
  station::Evaluations evaluations(st);
  station::Cases cases(st);
  const int windows = 3;
  std::vector<std::string> served;
  for (int round = 0; round < 200; ++round) {
    for (int w = 1; w <= windows; ++w) {
      must("taking a ticket", queue.take({w, "", core::Priority::None, "", std::nullopt}));
    }
    clock.advance(60'000);
    for (int w = 1; w <= windows; ++w) {
      const station::Session& by = people.staff[static_cast<std::size_t>(w - 1)];
      auto t = queue.call_next(by, w);
      if (!t.is_ok()) continue;
      clock.advance(30'000);
      if ((round + w) % 25 == 0) {
        must("a no-show", queue.no_show(by, w));
      } else {
        served.push_back(must("finishing", queue.finish(by, w)).label);
      }
    }
  }
  for (std::size_t i = 0; i < served.size(); i += 6) {
    (void)must("rating a ticket", evaluations.rate_ticket(served[i], {}));
  }
  const auto& sources = st.catalog().whistle_sources;
  const auto& departments = st.catalog().departments;
  const station::Session& desk = people.staff[0];
  for (int i = 0; i < 12; ++i) {
    station::NewCase c;
    c.source = sources[static_cast<std::size_t>(i) % sources.size()].id;
    c.channel = core::CaseChannel::Kiosk;
    c.description = "楼道灯不亮，第" + std::to_string(i) + "栋二单元";
    auto receipt = must("recording a case", cases.record(std::nullopt, c));
    const core::Uuid id = receipt.case_id;
    clock.advance(60'000);
    if (i % 2 == 0) {
      must("resolving", cases.resolve(desk, id, "当场处理"));
      must("verifying", cases.verify(desk, id, "居民确认"));
      must("closing", cases.close(desk, id, "已解决"));
    } else {
      const std::string dep = departments[static_cast<std::size_t>(i) % departments.size()].id;
      must("whistling", cases.whistle(people.director, id, core::WhistleLevel::Community,
                                      core::WhistleKind::Routine, {dep}, "请处理"));
      must("report-in", cases.record_report(desk, id, dep, "已接单"));
      must("feedback", cases.record_feedback(desk, id, dep, "已修复"));
      must("verifying", cases.verify(desk, id, "居民确认"));
      must("closing", cases.close(desk, id, "已办结"));
    }
    must("rating a case", cases.evaluate(std::nullopt, id, core::Rating::Satisfied, 5, ""));
  }
}

// Replaces every string in `j` found in `map`, and `from_day` by `to_day`.
void remap(nlohmann::json& j, const std::unordered_map<std::string, std::string>& map,
           const std::string& from_day, const std::string& to_day) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (auto it = map.find(s); it != map.end()) {
      s = it->second;
    } else if (s == from_day) {
      s = to_day;
    }
  } else if (j.is_object() || j.is_array()) {
    for (auto& v : j) remap(v, map, from_day, to_day);
  }
}

// A subject of the template day made new for copy `n`: its last 12 hex digits replaced, so a
// UUID stays a UUID; other subjects get a suffix.
std::string fresh_subject(const std::string& s, std::int64_t n) {
  char hex[13];
  std::snprintf(hex, sizeof hex, "%012llx", static_cast<unsigned long long>(n));
  if (s.size() == 36 && s[8] == '-' && s[23] == '-') return s.substr(0, 24) + hex;
  return s + "-" + hex;
}

// Fills `st` to at least `target` facts: the template day's facts copied onto earlier working
// days (oldest first), in transactions of a few days; everything acknowledged as synced.
std::int64_t fill(station::Station& st, platform::ManualClock& clock,
                  const std::vector<storage::FactRow>& day, const std::string& template_day,
                  core::CivilDate first, std::int64_t target) {
  std::int64_t have = must("counting", storage::Facts::count(st.db()));
  std::vector<std::string> subjects;
  for (const auto& f : day) subjects.push_back(f.subject);
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  std::vector<nlohmann::json> bodies;
  for (const auto& f : day) bodies.push_back(nlohmann::json::parse(f.body));
  std::int64_t copy = 0;
  core::CivilDate date = first;
  const double t0 = bench::now_ms();
  while (have < target) {
    ok("a transaction", st.transact([&]() -> Status {
      for (int d = 0; d < 5 && have < target; ++d) {
        while (!weekday(date)) date = plus_days(date, 1);
        const std::string to_day = date.to_string();
        std::unordered_map<std::string, std::string> map;
        ++copy;
        for (const auto& s : subjects) map.emplace(s, fresh_subject(s, copy));
        std::vector<station::NewFact> facts;
        facts.reserve(day.size());
        for (std::size_t i = 0; i < day.size(); ++i) {
          nlohmann::json body = bodies[i];
          remap(body, map, template_day, to_day);
          facts.push_back({day[i].kind, map.at(day[i].subject), std::move(body), {}});
        }
        // Stamped by the station at the same time of that day as in the template.
        clock.set(morning(date) +
                  (day.front().wall_ms - morning(*core::CivilDate::parse(template_day))));
        WEIMIN_TRY(st.append(facts).status());
        have += static_cast<std::int64_t>(facts.size());
        date = plus_days(date, 1);
      }
      return Status::ok();
    }));
  }
  auto stats = must("outbox", storage::Outbox::stats(st.db()));
  ok("acknowledging", storage::Outbox::acknowledge(st.db(), stats.last_seq));
  std::fprintf(stderr, "bench: filled %lld facts (%lld days) in %.1f s\n",
               static_cast<long long>(have), static_cast<long long>(copy),
               (bench::now_ms() - t0) / 1000);
  return have;
}

struct Figures {
  std::vector<double> open, ticket, day, month, page, list;
  std::size_t cases = 0;
};

// One round of the measured operations on the station in `dir` (today = `today`).
void measure(const fs::path& dir, platform::ManualClock& clock, core::CivilDate today, int tickets,
             Figures& out) {
  clock.set(morning(today) + 3600'000);
  double t = bench::now_ms();
  auto st = open_station(dir, clock);
  out.open.push_back(bench::now_ms() - t);
  station::Queue queue(*st);
  for (int i = 0; i < tickets; ++i) {
    t = bench::now_ms();
    must("taking a ticket", queue.take({1 + i % 3, "", core::Priority::None, "", std::nullopt}));
    out.ticket.push_back(bench::now_ms() - t);
  }
  t = bench::now_ms();
  must("today's figures", station::day_figures(*st));
  out.day.push_back(bench::now_ms() - t);
  const core::CivilDate month_start = core::CivilDate{today.year, today.month, 1};
  t = bench::now_ms();
  must("a month's figures",
       station::period_figures(*st, month_start.to_string(), today.to_string()));
  out.month.push_back(bench::now_ms() - t);
  station::Cases cases(*st);
  t = bench::now_ms();
  station::CaseFilter first_page{};
  first_page.limit = 30;
  must("counting the cases", cases.count(first_page));
  must("the desk's first page", cases.list(first_page));
  out.page.push_back(bench::now_ms() - t);
  t = bench::now_ms();
  out.cases = must("the case list", cases.list(std::nullopt, false)).size();
  out.list.push_back(bench::now_ms() - t);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--json")
      a.json = next();
    else if (k == "--facts")
      a.facts = std::atoll(next().c_str());
    else if (k == "--runs")
      a.runs = std::atoi(next().c_str());
    else if (k == "--tickets")
      a.tickets = std::atoi(next().c_str());
    else if (k == "--keep")
      a.keep = next();
    else if (k == "-h" || k == "--help") {
      std::puts(
          "usage: weimin_station_bench [--json FILE] [--facts N (1000000)] [--runs N (7)]\n"
          "       [--tickets N (200)] [--keep DIR: leave the filled station there]");
      return 0;
    } else {
      std::fprintf(stderr, "bench: unknown argument %s (see --help)\n", k.c_str());
      return 2;
    }
  }
  char tmpl[] = "/tmp/weimin-station-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const fs::path root = a.keep.empty() ? fs::path(tmpl) : fs::path(a.keep);
  const core::CivilDate today = *core::CivilDate::parse("2026-11-25");
  const core::CivilDate template_date = *core::CivilDate::parse("2026-11-24");
  platform::ManualClock clock(morning(template_date));

  // The template day, made through the use cases on a station of its own.
  std::vector<storage::FactRow> day;
  {
    auto st = make_station(root / "template", clock);
    Staffed people = staff_station(*st);
    const std::int64_t before = must("counting", storage::Facts::count(st->db()));
    work_a_day(*st, people, clock);
    for (auto& f : must("reading the day", storage::Facts::by_kind(st->db(), ""))) {
      if (f.day == template_date.to_string() && f.kind.rfind("staff.", 0) != 0 &&
          f.kind.rfind("audit.", 0) != 0) {
        day.push_back(std::move(f));
      }
    }
    std::fprintf(stderr, "bench: a working day is %zu facts (%lld before it)\n", day.size(),
                 static_cast<long long>(before));
  }

  // The empty station and the full one, made the same way (staff, then history, or none).
  clock.set(morning(template_date));
  {
    auto st = make_station(root / "empty", clock);
    staff_station(*st);
  }
  std::int64_t filled = 0;
  {
    auto st = make_station(root / "full", clock);
    staff_station(*st);
    // Years back from the template day: enough working days for --facts.
    const std::int64_t days = a.facts / static_cast<std::int64_t>(day.size()) + 2;
    const core::CivilDate first = plus_days(template_date, -(days * 7 / 5) - 7);
    filled = fill(*st, clock, day, template_date.to_string(), first, a.facts);
  }
  // The first read after filling folds every case into the projection, once.
  double build_ms = 0;
  {
    clock.set(morning(today) + 3600'000);
    auto st = open_station(root / "full", clock);
    const double t = bench::now_ms();
    must("the first figures", station::day_figures(*st));
    build_ms = bench::now_ms() - t;
  }

  // Interleaved rounds: empty, full, empty, full, …; each opens its station afresh.
  Figures empty, full;
  for (int r = 0; r < a.runs; ++r) {
    measure(root / "empty", clock, today, a.tickets, empty);
    measure(root / "full", clock, today, a.tickets, full);
  }
  bench::Report report;
  report.add("facts", static_cast<double>(filled));
  report.add("facts_per_working_day", static_cast<double>(day.size()));
  report.add("cases", static_cast<double>(full.cases));
  auto both = [&](const std::string& key, const std::vector<double>& e,
                  const std::vector<double>& f) {
    report.add(key + "_empty", bench::median(e));
    report.add(key, bench::median(f));
    report.add(key + "_ratio", bench::median(e) > 0 ? bench::median(f) / bench::median(e) : 0);
  };
  both("open_ms", empty.open, full.open);
  both("ticket_median_ms", empty.ticket, full.ticket);
  report.add("ticket_p99_ms", bench::percentile(full.ticket, 99));
  report.add("ticket_p99_ms_empty", bench::percentile(empty.ticket, 99));
  both("day_figures_ms", empty.day, full.day);
  both("month_figures_ms", empty.month, full.month);
  both("case_page_ms", empty.page, full.page);
  both("case_list_ms", empty.list, full.list);
  report.add("projection_build_ms", build_ms);
  std::error_code ec;
  report.add("db_mib", static_cast<double>(fs::file_size(root / "full/data/station.db", ec)) /
                           (1024.0 * 1024.0));
  const int rc = report.finish(a.json);
  if (a.keep.empty()) fs::remove_all(root, ec);
  return rc;
}
