// Working-day deadlines at the district (issue 16): a catalog whose routine and key deadlines
// count working days of its published calendar; the case rows, figure units and figures of both
// stores use it (a whistle before the 2026 Spring Festival is not late during the holiday), the
// figures equal the brute force over facts, the console shows the calendar and the units, and
// `weimin-district catalog deadlines` prints them.
#include <doctest/doctest.h>
#include <sodium.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>

#include "case_history.hpp"
#include "seed.hpp"
#include "server_fixture.hpp"
#include "temp_dir.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/figures.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

const std::string kA = "530102001001";

// assets/catalog/wuhua.json with routine deadlines of 2/5/3 working days and key of 1/3/2.
std::string working_day_catalog() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str());
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  doc["deadlines"]["key"] = {
      {"unit", "working_days"}, {"report_in", 1}, {"feedback", 3}, {"verify", 2}};
  return doc.dump();
}

std::int64_t at(int y, int m, int d, int hour) {
  return core::unix_ms_at(core::CivilDate{y, m, d}, hour * 60);
}
// 24:00 Beijing time of a date.
std::int64_t end_of(int y, int m, int d) {
  return core::unix_ms_at(
      core::CivilDate::from_days(core::CivilDate{y, m, d}.days_since_epoch() + 1), 0);
}

core::CaseEvent event(const core::Uuid& case_id, std::uint64_t n, std::int64_t t,
                      const std::string& origin, core::Role role, std::string actor,
                      core::CasePayload p) {
  core::CaseEvent e;
  e.id = uuid_of(0x5100, n);
  e.case_id = case_id;
  e.hlc = {t, 0};
  e.origin = origin;
  e.wall_ms = t;
  e.actor = std::move(actor);
  e.actor_role = role;
  e.payload = std::move(p);
  return e;
}

std::vector<server::FactRecord> all_facts(server::DistrictStore& store) {
  std::vector<server::FactRecord> out;
  for (const auto& c : kCommunities) {
    auto facts = store.community_facts(c, "2000-01-01", "2999-12-31");
    REQUIRE_MESSAGE(facts.is_ok(), facts.status().to_string());
    for (auto& f : *facts) out.push_back(std::move(f));
  }
  return out;
}

// A case collected and whistled (routine, community level, to urban_management) at Friday
// 2026-02-13 17:00 Beijing time, the last working Friday before the Spring Festival.
std::vector<core::CaseEvent> spring_festival_case(District& d, TestStation& st) {
  const core::Uuid id = uuid_of(0x5100, 0xcafe);
  const std::int64_t t = at(2026, 2, 13, 17);
  std::vector<core::CaseEvent> events = {
      event(id, 1, t - 60'000, st.station_id, core::Role::Staff, "S01",
            core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "楼道堆放垃圾", ""}),
      event(id, 2, t, st.station_id, core::Role::Director, "D01",
            core::CaseWhistled{core::WhistleLevel::Community,
                               core::WhistleKind::Routine,
                               {"urban_management"},
                               "春节前吹哨"})};
  std::vector<sync::FactPayload> facts;
  for (const auto& e : events) facts.push_back(to_fact(e));
  push_facts(d, st, facts);
  return events;
}

}  // namespace

TEST_CASE(
    "district: a routine whistle before the Spring Festival is due after it, on both stores") {
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  const core::Catalog catalog = core::parse_catalog(working_day_catalog(), "t").value();
  TestStation st = d.enroll(kA);
  const std::vector<core::CaseEvent> events = spring_festival_case(d, st);
  const std::string id = events[0].case_id.to_string();

  auto row = d.store().case_row(id);
  REQUIRE_MESSAGE(row.is_ok(), row.status().to_string());
  REQUIRE(row->has_value());
  // 2 working days from Friday 2-13: Saturday 2-14 (worked), then 2-24 after the holiday.
  CHECK((*row)->next_due_ms == end_of(2026, 2, 24));
  REQUIRE((*row)->departments.size() == 1);
  CHECK((*row)->departments[0].report_due_ms == end_of(2026, 2, 24));

  // The figure unit's deadlines, and the responded rate as "now" passes the deadline.
  const std::vector<server::FactRecord> facts = all_facts(d.store());
  server::FigureQuery q{"2026-02-01", "2026-02-28", "", "", "", "", at(2026, 2, 23, 12), false};
  server::DistrictFigures during = server::figures_from_facts(facts, &catalog, q);
  CHECK(during.total.whistles == 1);
  CHECK(during.total.rates.responded.due == 0);  // not late during the holiday
  CHECK(during.overdue_cases == 0);
  auto got = d.store().figures(q);
  REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
  CHECK(*got == during);

  q.now_ms = end_of(2026, 2, 24) + 1;
  server::DistrictFigures after = server::figures_from_facts(facts, &catalog, q);
  CHECK(after.total.rates.responded.due == 1);
  CHECK(after.total.rates.responded.met == 0);
  CHECK(after.overdue_cases == 1);
  got = d.store().figures(q);
  REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
  CHECK(*got == after);

  // Resolution: 2 + 5 + 3 = 10 working days from the whistle: 2-14, 2-24 … 2-27, 2-28 (a
  // worked Saturday), 3-2 … 3-5.
  const auto units =
      server::whistle_units(events[0].case_id, events, kA, core::case_deadlines(catalog));
  REQUIRE(units.size() == 1);
  CHECK(units[0].report_due_ms == end_of(2026, 2, 24));
  CHECK(units[0].resolve_due_ms == end_of(2026, 3, 5));
}

TEST_CASE(
    "district: with working-day deadlines every figure equals the brute force, across holidays "
    "and a year without a calendar") {
  const std::uint64_t seed = seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  const core::Catalog catalog = core::parse_catalog(working_day_catalog(), "t").value();
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(d.enroll(c));

  // Histories moved from November 2026 to start near the 2026 Spring Festival, National Day
  // 2026, and January 2028 (no calendar: Monday–Friday).
  const std::int64_t history_start = kStart - 20 * 24 * kHistoryHour;
  const std::int64_t windows[] = {at(2026, 2, 6, 9), at(2026, 9, 22, 9), at(2028, 1, 20, 9)};
  const int cases_per_station = using_pg_store() ? 6 : 12;
  std::vector<std::vector<sync::FactPayload>> pending(stations.size());
  for (std::size_t s = 0; s < stations.size(); ++s) {
    for (int k = 0; k < cases_per_station; ++k) {
      const std::uint64_t space = 0x5200 + s * 0x40 + static_cast<std::uint64_t>(k);
      const std::int64_t shift = windows[k % 3] - history_start;
      for (core::CaseEvent e :
           random_history(rng, uuid_of(space, 0xcafe), stations[s].station_id, space)) {
        e.hlc.wall_ms += shift;
        e.wall_ms += shift;
        pending[s].push_back(to_fact(e));
      }
    }
    std::shuffle(pending[s].begin(), pending[s].end(), rng);
  }
  push_in_random_batches(d, stations, pending, rng, 8, [] {});

  const std::vector<server::FactRecord> facts = all_facts(d.store());
  std::int64_t due = 0;
  for (int i = 0; i < 24; ++i) {
    const std::int64_t start = windows[i % 3];
    server::FigureQuery q;
    q.from = core::local_date(start - static_cast<std::int64_t>(rng() % 5) * 24 * kHistoryHour)
                 .to_string();
    q.to = core::local_date(start + static_cast<std::int64_t>(10 + rng() % 40) * 24 * kHistoryHour)
               .to_string();
    q.by = i % 2 ? "day" : "";
    if (rng() % 4 == 0) q.office = rng() % 2 ? "530102001" : "530102002";
    if (rng() % 4 == 0) q.department = kDepartments[rng() % kDepartments.size()];
    q.now_ms = start + static_cast<std::int64_t>(rng() % (60 * 24)) * kHistoryHour;
    CAPTURE(q.from);
    CAPTURE(q.to);
    CAPTURE(q.now_ms);
    const server::DistrictFigures expected = server::figures_from_facts(facts, &catalog, q);
    due += expected.total.rates.responded.due + expected.total.rates.resolved.due;
    auto got = d.store().figures(q);
    REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
    CHECK(*got == expected);
  }
  CHECK(due > 0);  // the generator made deadlines that fell due
}

namespace {

// A browser for the console: keeps cookies, reads the last page's CSRF token.
struct Browser {
  District& d;
  std::map<std::string, std::string> cookies;
  std::string csrf;

  sync::HttpResponse send(sync::HttpRequest r) {
    std::string c;
    for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
    if (!c.empty()) r.headers["Cookie"] = c;
    r.remote_address = "198.51.100.77";
    sync::HttpResponse out = d.service().handle(r);
    if (auto set = sync::header_value(out.headers, "Set-Cookie")) {
      const std::string first = set->substr(0, set->find(';'));
      cookies[first.substr(0, first.find('='))] = first.substr(first.find('=') + 1);
    }
    static const std::regex token(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    if (std::regex_search(out.body, m, token)) csrf = m[1];
    return out;
  }
  sync::HttpResponse get(std::string path, std::string query = "") {
    return send({"GET", std::move(path), std::move(query), {}, ""});
  }
  sync::HttpResponse post(std::string path, std::vector<std::pair<std::string, std::string>> f) {
    f.emplace_back("csrf", csrf);
    std::string body;
    for (const auto& [k, v] : f) body += (body.empty() ? "" : "&") + k + "=" + v;
    sync::HttpRequest r{"POST", std::move(path), "", {}, std::move(body)};
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    return send(std::move(r));
  }
};

bool has(const std::string& body, const std::string& text) {
  return body.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("console: the calendar page shows the deadlines' units and the published years") {
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  server::AccountOptions fast;
  fast.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  fast.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  server::Accounts accounts{d.service(), fast};
  server::Console console{d.service(), accounts};
  server::Console::mount(d.service(), console);
  REQUIRE(
      accounts
          .add("office1", server::ConsoleRole::Office, "530102001", "correct horse battery", "test")
          .is_ok());
  TestStation st = d.enroll(kA);
  const std::string id = spring_festival_case(d, st)[0].case_id.to_string();

  Browser b{d};
  REQUIRE(b.get("/console/signin").status == 200);
  REQUIRE(b.post("/console/signin", {{"user", "office1"}, {"password", "correct+horse+battery"}})
              .status == 303);
  auto inbox = b.get("/console/");
  REQUIRE(inbox.status == 200);
  CHECK(has(inbox.body, "id=\"nav-calendar\" href=\"/console/calendar\""));

  auto page = b.get("/console/calendar");
  REQUIRE_MESSAGE(page.status == 200, page.body);
  CHECK(has(page.body, "id=\"deadlines\""));
  CHECK(has(page.body,
            "<tr data-kind=\"routine\"><td>常规哨</td><td>工作日</td><td class=\"nowrap\">2 "
            "个工作日</td>"));
  CHECK(has(
      page.body,
      "<tr data-kind=\"emergency\"><td>应急哨</td><td>小时</td><td class=\"nowrap\">1 小时</td>"));
  CHECK(has(page.body, "id=\"year-2025\""));
  CHECK(has(page.body, "id=\"year-2026\""));
  CHECK(has(page.body,
            "<td>春节</td><td class=\"nowrap\">2026-02-15 周日</td><td class=\"nowrap\">2026-02-23 "
            "周一</td><td class=\"nowrap\">9 天</td>"));
  CHECK(has(page.body, "<span class=\"nowrap workday\">2026-02-14 周六</span>"));
  // The district's clock is 2026-11-22: next year is not published.
  CHECK(has(page.body,
            "id=\"calendar-warning\" role=\"status\">2027年工作日历未发布：按周一至周五计算"));

  // The case page: the limits in working days, the due time at 24:00 after the holiday.
  auto c = b.get("/console/cases/" + id);
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(has(c.body, "<dd id=\"limits\">报到 2 个工作日 · 反馈 5 个工作日 · 核实 3 个工作日</dd>"));
  CHECK(has(c.body, "2026-02-24 24:00"));

  b.cookies["lang"] = "en";
  page = b.get("/console/calendar");
  CHECK(has(page.body, "<td>Spring Festival</td><td class=\"nowrap\">2026-02-15 Sun</td>"));
  CHECK(has(page.body, "2027 not published: counting Monday–Friday"));
  c = b.get("/console/cases/" + id);
  CHECK(has(c.body, "report in 2 working days · feedback 5 working days · verify 3 working days"));
}

TEST_CASE("console figures: a calendar without a year of the period is said; the grid table") {
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  server::AccountOptions fast;
  fast.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  fast.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  server::Accounts accounts{d.service(), fast};
  server::Console console{d.service(), accounts};
  server::Console::mount(d.service(), console);
  REQUIRE(
      accounts
          .add("office1", server::ConsoleRole::Office, "530102001", "correct horse battery", "test")
          .is_ok());
  REQUIRE(
      accounts
          .add("office2", server::ConsoleRole::Office, "530102002", "correct horse battery", "test")
          .is_ok());
  TestStation st = d.enroll(kA);
  spring_festival_case(d, st);
  // A case of grid 1 (翠湖社区第一网格) this month.
  const core::Uuid id = uuid_of(0x5100, 0xbeef);
  core::CaseCollected c{"env_sanitation", core::CaseChannel::GridRound, "井盖破损", ""};
  c.where = core::CaseWhere{"530102001001001", "", "", std::nullopt};
  push_facts(d, st,
             {to_fact(event(id, 10, at(2026, 11, 20, 10), st.station_id, core::Role::GridWorker,
                            "G010", c))});

  auto signed_in = [&](const std::string& user) {
    Browser b{d};
    REQUIRE(b.get("/console/signin").status == 200);
    REQUIRE(
        b.post("/console/signin", {{"user", user}, {"password", "correct+horse+battery"}}).status ==
        303);
    return b;
  };
  Browser b = signed_in("office1");
  // 2026 is published, 2027 is not: a period reaching into 2027 says so, naming the year.
  auto page = b.get("/console/figures", "from=2026-02-01&to=2027-01-31");
  REQUIRE_MESSAGE(page.status == 200, page.body);
  CHECK_MESSAGE(has(page.body,
                    "id=\"fig-calendar-warning\" role=\"status\">按工作日计的时限："
                    "工作日历缺少年份，2027年工作日历未发布：按周一至周五计算"),
                page.body);
  // The grid table: grid 1 by its catalog name, then the case without a grid.
  CHECK(has(page.body, "id=\"fig-by-grid\""));
  CHECK(has(page.body, "按网格"));
  const auto grid1 = page.body.find("<td>翠湖社区第一网格</td><td>530102001001001</td>");
  const auto none = page.body.find("<td>无网格</td>");
  CHECK(grid1 != std::string::npos);
  CHECK(none != std::string::npos);
  CHECK(grid1 < none);
  // A period within 2026: no warning.
  page = b.get("/console/figures", "from=2026-11-01&to=2026-11-30");
  REQUIRE(page.status == 200);
  CHECK_FALSE(has(page.body, "fig-calendar-warning"));
  CHECK(has(page.body, "<td>翠湖社区第一网格</td>"));
  // The Spring Festival case was collected in February: in November it counts only as overdue
  // now (collected 0, closed 0, overdue 1).
  const auto row = page.body.find("<td>无网格</td>");
  REQUIRE(row != std::string::npos);
  const std::string cells = page.body.substr(row, page.body.find("</tr>", row) - row);
  CHECK_MESSAGE(has(cells,
                    ">0</td><td class=\"num\" data-v=\"0\">0</td><td class=\"num\" "
                    "data-v=\"1\">1</td>"),
                cells);
  b.cookies["lang"] = "en";
  page = b.get("/console/figures", "from=2026-12-01&to=2027-01-31");
  CHECK(has(page.body,
            "Working-day deadlines: the calendar lacks a year, 2027 not published: "
            "counting Monday–Friday"));
  // Another street office sees none of these grids.
  Browser other = signed_in("office2");
  page = other.get("/console/figures", "from=2026-02-01&to=2026-11-30");
  REQUIRE(page.status == 200);
  CHECK_FALSE(has(page.body, "翠湖社区第一网格"));
  CHECK_FALSE(has(page.body, "<td>无网格</td>"));
}

TEST_CASE(
    "weimin-district catalog deadlines prints the units and the calendar; a bad one is refused") {
  TempDir dir;
  const std::string file = (dir.path() / "catalog.json").string();
  {
    std::ofstream out(file);
    out << working_day_catalog();
  }
  auto run = [&](std::vector<std::string> args, std::string* out, std::string* err) {
    std::vector<std::string> all = {"--data", (dir.path() / "data").string(), "--key-file",
                                    (dir.path() / "kek").string()};
    for (auto& a : args) all.push_back(std::move(a));
    std::istringstream in;
    std::ostringstream o, e;
    const int code = server::run_district_cli(all, {in, o, e});
    *out = o.str();
    *err = e.str();
    return code;
  };
  std::string out, err;
  REQUIRE_MESSAGE(run({"catalog", "deadlines", file}, &out, &err) == 0, err);
  CHECK_MESSAGE(
      has(out,
          "routine   report in 2 working days, feedback 5 working days, verify 3 working days"),
      out);
  CHECK(has(out, "emergency report in 1 hours, feedback 24 hours, verify 24 hours"));
  CHECK(has(out, "working-day calendar 2026 ("));
  CHECK(has(out, "holiday  2026-02-15 … 2026-02-23  春节 Spring Festival (9 days)"));
  CHECK(has(out, "workday  2026-02-14 Sat (调休上班)"));

  REQUIRE(run({"--json", "catalog", "deadlines", file}, &out, &err) == 0);
  auto j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), out);
  CHECK(j["deadlines"][2]["unit"] == "working_days");
  CHECK(j["calendar_years"][1]["year"] == 2026);
  CHECK(j["calendar_years"][1]["workdays"][1] == "2026-02-14");

  nlohmann::json bad = nlohmann::json::parse(working_day_catalog());
  bad["work_calendar"][1]["workdays"][1] = "2026-02-16";
  {
    std::ofstream o(file);
    o << bad.dump();
  }
  CHECK(run({"catalog", "deadlines", file}, &out, &err) == 1);
  CHECK_MESSAGE(has(err, "/work_calendar/1/workdays/1: 2026-02-16 is a weekday"), err);
}

// [SECTION] A new calendar published at the district moves the deadlines it holds (issue 16)

namespace {

// The working-day catalog with a notice for 2027 too: New Year's Day 2027-01-01 … 01-03 (a
// Friday to a Sunday; a test's notice, not the State Council's).
std::string catalog_with_2027() {
  nlohmann::json doc = nlohmann::json::parse(working_day_catalog());
  doc["work_calendar"].push_back({{"year", 2027},
                                  {"notice", "测试用2027年通知"},
                                  {"holidays",
                                   {{{"name", {{"zh", "元旦"}, {"en", "New Year's Day"}}},
                                     {"first", "2027-01-01"},
                                     {"last", "2027-01-03"}}}},
                                  {"workdays", nlohmann::json::array()}});
  return doc.dump();
}

// Everything the projection holds that deadlines make: every case's row with its case page, the
// overdue inbox and the figures around the new year at a few moments.
struct Held {
  std::vector<server::CaseRow> rows;
  std::vector<std::vector<std::string>> overdue;  // ids, per moment
  std::vector<server::DistrictFigures> figures;   // per moment
  bool operator==(const Held&) const = default;
};

const std::int64_t kMoments[] = {end_of(2026, 12, 31) + 1, end_of(2027, 1, 1) + 1,
                                 end_of(2027, 1, 4) + 1, end_of(2027, 1, 12) + 1};

Held held(server::DistrictStore& store, const std::vector<std::string>& ids) {
  Held out;
  for (const std::string& id : ids) {
    auto row = store.case_row(id);
    REQUIRE_MESSAGE(row.is_ok(), row.status().to_string());
    REQUIRE(row->has_value());
    out.rows.push_back(**row);
  }
  for (std::int64_t now : kMoments) {
    server::CaseQuery q;
    q.overdue_only = true;
    q.now_ms = now;
    q.limit = 200;
    auto page = store.query_cases(q);
    REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
    CHECK(page->next.empty());
    std::vector<std::string> listed;
    for (const auto& r : page->rows) listed.push_back(r.case_id);
    out.overdue.push_back(std::move(listed));
    auto f = store.figures({"2026-12-01", "2027-01-31", "day", "", "", "", now, false});
    REQUIRE_MESSAGE(f.is_ok(), f.status().to_string());
    out.figures.push_back(std::move(*f));
  }
  return out;
}

// A routine case of `st` whistled to urban_management at `whistled_ms`, reported in at
// `reported_ms` when that is not 0; its events.
std::vector<core::CaseEvent> whistled_case(District& d, TestStation& st, std::uint64_t n,
                                           std::int64_t whistled_ms, std::int64_t reported_ms) {
  const core::Uuid id = uuid_of(0x5300, n);
  std::vector<core::CaseEvent> events = {
      event(id, n * 10 + 1, whistled_ms - 60'000, st.station_id, core::Role::Staff, "S01",
            core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "井盖松动", ""}),
      event(id, n * 10 + 2, whistled_ms, st.station_id, core::Role::Director, "D01",
            core::CaseWhistled{core::WhistleLevel::Community,
                               core::WhistleKind::Routine,
                               {"urban_management"},
                               "年底吹哨"})};
  if (reported_ms > 0) {
    core::CaseEvent r = event(id, n * 10 + 3, reported_ms, st.station_id, core::Role::Staff, "S01",
                              core::CaseReported{"到", 0});
    r.on_behalf_of = "urban_management";
    events.push_back(std::move(r));
  }
  std::vector<sync::FactPayload> facts;
  for (const auto& e : events) facts.push_back(to_fact(e));
  push_facts(d, st, facts);
  return events;
}

}  // namespace

TEST_CASE(
    "district: a calendar published with a holiday inside a case's window moves its deadline "
    "and overdue at once, as a rebuild would, on both stores") {
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  TestStation st = d.enroll(kA);
  // Whistled Wednesday 2026-12-30 10:00: 2 working days, by Monday–Friday (2027 not published)
  // Thursday 12-31 and Friday 2027-01-01.
  const auto open = whistled_case(d, st, 1, at(2026, 12, 30, 10), 0);
  // Reported in on Monday 2027-01-04: late by Monday–Friday, in time with the holiday.
  const auto reported = whistled_case(d, st, 2, at(2026, 12, 30, 11), at(2027, 1, 4, 9));
  // Whistled and reported in November: no deadline of it reaches the new year.
  const auto november = whistled_case(d, st, 3, at(2026, 11, 2, 10), at(2026, 11, 3, 9));
  const std::vector<std::string> ids = {open[0].case_id.to_string(),
                                        reported[0].case_id.to_string(),
                                        november[0].case_id.to_string()};
  auto row_of = [&](const std::string& id) { return d.store().case_row(id).value().value(); };
  REQUIRE(row_of(ids[0]).next_due_ms == end_of(2027, 1, 1));
  REQUIRE(row_of(ids[1]).departments.at(0).report_due_ms == end_of(2027, 1, 1));
  const server::CaseRow november_before = row_of(ids[2]);
  const Held before = held(d.store(), ids);
  // 2027-01-02: the open case is overdue (and the November one, waiting for feedback since).
  CHECK(before.overdue[1] == std::vector<std::string>{ids[2], ids[0]});

  // The 2027 notice is published: nothing else is done.
  REQUIRE(d.service().publish_catalog(catalog_with_2027()).is_ok());
  CHECK(row_of(ids[0]).next_due_ms == end_of(2027, 1, 4));
  CHECK(row_of(ids[0]).departments.at(0).report_due_ms == end_of(2027, 1, 4));
  CHECK(row_of(ids[1]).departments.at(0).report_due_ms == end_of(2027, 1, 4));
  CHECK(row_of(ids[2]) == november_before);
  const Held after = held(d.store(), ids);
  CHECK(after.overdue[1] == std::vector<std::string>{ids[2]});          // 01-02 is a holiday now
  CHECK(after.overdue[2] == std::vector<std::string>{ids[2], ids[0]});  // after Monday 01-04
  // The figures: the reported case's report-in is met now, and the open one is due later.
  const server::DistrictFigures& jan2 = after.figures[1];
  CHECK(before.figures[1].total.rates.responded.due == 2);
  CHECK(before.figures[1].total.rates.responded.met == 0);
  CHECK(jan2.total.rates.responded.due == 1);
  CHECK(jan2.total.rates.responded.met == 1);
  CHECK(before.figures[1].overdue_cases == 2);
  CHECK(jan2.overdue_cases == 1);  // the November case alone
  // The figures over the facts with the new catalog agree.
  const core::Catalog catalog = core::parse_catalog(catalog_with_2027(), "t").value();
  CHECK(jan2 == server::figures_from_facts(
                    all_facts(d.store()), &catalog,
                    {"2026-12-01", "2027-01-31", "day", "", "", "", kMoments[1], false}));

  // A rebuild finds nothing to change.
  REQUIRE(d.store().rebuild_projection().is_ok());
  CHECK(held(d.store(), ids) == after);

  // A new limit (routine report-in 3 working days) moves every case's, as a rebuild would.
  nlohmann::json longer = nlohmann::json::parse(catalog_with_2027());
  longer["deadlines"]["routine"]["report_in"] = 3;
  REQUIRE(d.service().publish_catalog(longer.dump()).is_ok());
  CHECK(row_of(ids[0]).next_due_ms == end_of(2027, 1, 5));
  CHECK(row_of(ids[2]).departments.at(0).report_due_ms !=
        november_before.departments.at(0).report_due_ms);
  const Held longer_held = held(d.store(), ids);
  REQUIRE(d.store().rebuild_projection().is_ok());
  CHECK(held(d.store(), ids) == longer_held);
}

TEST_CASE(
    "district: after a new calendar every row, inbox and figure equals a rebuild's, for random "
    "histories around the new year") {
  const std::uint64_t seed = seed_from_env();
  MESSAGE("seed " << seed << " (WEIMIN_SEED to repeat)");
  std::mt19937_64 rng(seed);
  District d;
  REQUIRE(d.service().publish_catalog(working_day_catalog()).is_ok());
  std::vector<TestStation> stations;
  for (const auto& c : kCommunities) stations.push_back(d.enroll(c));
  // Histories moved to start between late November and the new year, so some end long before
  // the holiday, some cross it and some are still open.
  const std::int64_t history_start = kStart - 20 * 24 * kHistoryHour;
  const int cases_per_station = using_pg_store() ? 6 : 12;
  std::vector<std::string> ids;
  std::vector<std::vector<sync::FactPayload>> pending(stations.size());
  for (std::size_t s = 0; s < stations.size(); ++s) {
    for (int k = 0; k < cases_per_station; ++k) {
      const std::uint64_t space = 0x5400 + s * 0x40 + static_cast<std::uint64_t>(k);
      const std::int64_t shift = at(2026, 11, 25, 9) +
                                 static_cast<std::int64_t>(rng() % 36) * 24 * kHistoryHour -
                                 history_start;
      ids.push_back(uuid_of(space, 0xcafe).to_string());
      for (core::CaseEvent e :
           random_history(rng, uuid_of(space, 0xcafe), stations[s].station_id, space)) {
        e.hlc.wall_ms += shift;
        e.wall_ms += shift;
        pending[s].push_back(to_fact(e));
      }
    }
    std::shuffle(pending[s].begin(), pending[s].end(), rng);
  }
  push_in_random_batches(d, stations, pending, rng, 8, [] {});
  // And one case certain to cross the new holiday.
  ids.push_back(whistled_case(d, stations[0], 9, at(2026, 12, 30, 10), 0)[0].case_id.to_string());
  const Held before = held(d.store(), ids);

  REQUIRE(d.service().publish_catalog(catalog_with_2027()).is_ok());
  const Held after = held(d.store(), ids);
  CHECK(after != before);  // some deadline crossed the new holiday
  REQUIRE(d.store().rebuild_projection().is_ok());
  const Held rebuilt = held(d.store(), ids);
  REQUIRE(after.rows.size() == rebuilt.rows.size());
  for (std::size_t i = 0; i < after.rows.size(); ++i) {
    CAPTURE(ids[i]);
    CHECK(after.rows[i] == rebuilt.rows[i]);
  }
  CHECK(after.overdue == rebuilt.overdue);
  CHECK(after.figures == rebuilt.figures);

  // Publishing the same calendar again changes nothing.
  REQUIRE(d.service().publish_catalog(catalog_with_2027()).is_ok());
  CHECK(held(d.store(), ids) == rebuilt);
}
