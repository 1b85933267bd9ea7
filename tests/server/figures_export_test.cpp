// The figures' exports and command (issue 15, "Where"): the console's figure tables built from
// hand-made DistrictFigures, their CSV (RFC 4180, BOM, formula injection defused) and .xlsx
// (opened as a zip and read back by python3's zipfile), the JSON of `figures --json`, and
// `weimin-district figures` / `figures staff` with their refusals.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "console/figure_table.hpp"
#include "server_fixture.hpp"
#include "temp_dir.hpp"
#include "weimin/server/cli.hpp"
#include "weimin/server/figures_json.hpp"

using namespace weimin;
using namespace weimin::test;
using server::console::Cell;
using server::console::CellKind;
using server::console::Column;
using server::console::FigureTable;

namespace {

FigureTable sample_table() {
  FigureTable t;
  t.id = "fig-by-department";
  t.title = "按职能部门";
  t.columns = {Column{"职能部门", CellKind::Text, "", "", false},
               Column{"吹哨", CellKind::Count, "", "", false},
               Column{"按时报到率", CellKind::Rate, "按时报到", "应报到", false},
               Column{"平均等候（分钟）", CellKind::Decimal, "", "", false}};
  t.rows = {
      {Cell::of("城管局"), Cell::of_count(3), Cell::of_rate(server::Rate{4, 3}),
       Cell::of_decimal(12.25)},
      {Cell::of("=HYPERLINK(\"http://x\")"), Cell::of_count(-2), Cell::of_rate(server::Rate{0, 0}),
       Cell::of_decimal(std::nullopt)},
      {Cell::of("a, \"b\"\nc"), Cell::of_blank_count(), Cell::of_rate(server::Rate{1, 1}),
       Cell::of_decimal(0.0)},
      {Cell::of("+1"), Cell::of_count(0), Cell::of_rate(server::Rate{2, 0}), Cell::of_decimal(1.0)},
      {Cell::of("-1"), Cell::of_count(0), Cell::of_rate(server::Rate{2, 1}), Cell::of_decimal(1.0)},
      {Cell::of("@SUM(A1)"), Cell::of_count(0), Cell::of_rate(server::Rate{2, 1}),
       Cell::of_decimal(1.0)}};
  return t;
}

std::string python3() {
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

}  // namespace

TEST_CASE("figures CSV: BOM, CRLF, RFC 4180 quoting, rates as three columns, formulas defused") {
  const std::string csv = server::console::to_csv(sample_table());
  const std::string expected =
      "\xEF\xBB\xBF"
      "职能部门,吹哨,按时报到,应报到,按时报到率,平均等候（分钟）\r\n"
      "城管局,3,3,4,75.0%,12.2\r\n"  // %.1f of 12.25 rounds to even
      "\"'=HYPERLINK(\"\"http://x\"\")\",-2,0,0,,\r\n"
      "\"a, \"\"b\"\"\nc\",,1,1,100.0%,0.0\r\n"
      "'+1,0,0,2,0.0%,1.0\r\n"
      "'-1,0,1,2,50.0%,1.0\r\n"
      "'@SUM(A1),0,1,2,50.0%,1.0\r\n";
  CHECK(csv == expected);
  // A count is a number, never defused: -2 stays -2.
  CHECK(csv.find(",-2,") != std::string::npos);
}

TEST_CASE("figures xlsx: a real workbook, header bold, numbers as numbers, rates as percentages") {
  TempDir dir;
  auto book = server::console::to_xlsx(sample_table(), "2026-11-01~2026-11-30",
                                       "按职能部门 2026-11-01 ~ 2026-11-30");
  REQUIRE_MESSAGE(book.is_ok(), book.status().to_string());
  CHECK(book->rfind("PK\x03\x04", 0) == 0);
  const auto path = dir.path() / "t.xlsx";
  {
    std::ofstream out(path, std::ios::binary);
    out << *book;
  }
  // python3's zipfile opens it and reads the sheet back: its name, the bold header, the cells.
  const auto script = dir.path() / "check.py";
  {
    std::ofstream s(script);
    s << R"PY(
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "a damaged member"
names = z.namelist()
assert "xl/worksheets/sheet1.xml" in names, names
wb = z.read("xl/workbook.xml").decode()
assert 'name="2026-11-01~2026-11-30"' in wb, wb
core = z.read("docProps/core.xml").decode()
assert "按职能部门 2026-11-01 ~ 2026-11-30" in core, core
strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
for s in ["职能部门", "按时报到", "应报到", "按时报到率", "城管局"]:
    assert s in strings, (s, strings)
sheet = z.read("xl/worksheets/sheet1.xml").decode()
styles = z.read("xl/styles.xml").decode()
assert "<b/>" in styles, "no bold font"
assert 'formatCode="0.0%"' in styles, "no percentage format"
def cell(ref):
    m = re.search(r'<c r="%s"([^>]*)>(.*?)</c>' % ref, sheet)
    assert m, ("no cell", ref)
    return m.group(1), m.group(2)
# B2: 3 whistles as a number; C2/D2 met and due; E2 the rate 0.75, percentage-styled.
attrs, v = cell("B2"); assert 't="s"' not in attrs and v == "<v>3</v>", (attrs, v)
attrs, v = cell("E2"); assert v == "<v>0.75</v>" and 's="' in attrs, (attrs, v)
attrs, v = cell("A1"); assert 't="s"' in attrs and 's="' in attrs, (attrs, v)
assert '<c r="E3"' not in sheet, "a rate with nothing due has no value"
assert "<pane" in sheet and 'ySplit="1"' in sheet, "the header is not frozen"
print("ok")
)PY";
  }
  const std::string cmd = python3() + " " + script.string() + " " + path.string() + " > " +
                          (dir.path() / "out.txt").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out(dir.path() / "out.txt");
  std::stringstream said;
  said << out.rdbuf();
  CHECK_MESSAGE(rc == 0, said.str());
}

TEST_CASE("figures tables: ranks skip groups with nothing due; queue minutes; names by catalog") {
  server::DistrictFigures f;
  f.total.key = "";
  f.total.whistles = 3;
  auto group = [](std::string key, std::int64_t met, std::int64_t due) {
    server::FigureGroup g;
    g.key = std::move(key);
    g.whistles = due;
    g.rates.responded = server::Rate{due, met};
    return g;
  };
  f.by_department = {group("police", 1, 2), group("urban_management", 2, 2),
                     group("housing", 0, 0)};
  server::QueueFigureRow q;
  q.community = "530102001001";
  q.taken = 10;
  q.served = 8;
  q.no_shows = 1;
  q.called = 9;
  q.wait_total_ms = 9 * 90'000;  // 1.5 min on average
  q.longest_wait_ms = 300'000;
  f.queue_by_station = {q};
  f.by_grid = {{"530102001001001", 3, 1, 1}, {"", 2, 0, 0}};
  const auto tables = server::console::figure_tables(f, nullptr, server::console::Lang::Zh, kStart);
  REQUIRE(tables.size() == 20);
  CHECK(tables.front().id == "fig-total");
  const FigureTable* rank = nullptr;
  const FigureTable* queue = nullptr;
  for (const FigureTable& t : tables) {
    if (t.id == "fig-rank-department-responded") rank = &t;
    if (t.id == "fig-queue-station") queue = &t;
  }
  REQUIRE(rank != nullptr);
  REQUIRE(rank->rows.size() == 3);
  CHECK(rank->rows[0][1].text == "urban_management");  // 100 %
  CHECK(rank->rows[0][0].count == 1);
  CHECK(rank->rows[1][1].text == "police");   // 50 %
  CHECK(rank->rows[2][1].text == "housing");  // nothing due: last, no rank
  CHECK(rank->rows[2][0].blank);
  CHECK(server::console::cell_text(rank->rows[1][3]) == "50.0% (1/2)");
  REQUIRE(queue != nullptr);
  REQUIRE(queue->rows.size() == 1);
  CHECK(server::console::cell_text(queue->rows[0][5]) == "1.5");
  CHECK(server::console::cell_text(queue->rows[0][6]) == "5.0");
  // By grid (按网格): without a catalog a grid is named by its code; "no grid" is said.
  const FigureTable* grids = nullptr;
  for (const FigureTable& t : tables) {
    if (t.id == "fig-by-grid") grids = &t;
  }
  REQUIRE(grids != nullptr);
  CHECK(grids->title == "按网格");
  REQUIRE(grids->rows.size() == 2);
  CHECK(grids->rows[0][0].text == "530102001001001");
  CHECK(grids->rows[0][3].count == 3);
  CHECK(grids->rows[0][4].count == 1);
  CHECK(grids->rows[0][5].count == 1);
  CHECK(grids->rows[1][0].text == "无网格");
  CHECK(grids->rows[1][1].text.empty());
  // With the catalog: the grid's name and its community's.
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  const core::Catalog catalog = core::parse_catalog(text.str(), "wuhua.json").value();
  for (const FigureTable& t :
       server::console::figure_tables(f, &catalog, server::console::Lang::En, kStart)) {
    if (t.id != "fig-by-grid") continue;
    CHECK(t.rows[0][0].text == "Cuihu grid 1");
    CHECK(t.rows[1][0].text == "No grid");
    CHECK(server::console::to_csv(t).find("Cuihu grid 1,530102001001001,") != std::string::npos);
  }
}

TEST_CASE("figures JSON: stable keys, rates with their counts and a null value when none due") {
  server::DistrictFigures f;
  f.total.whistles = 2;
  f.total.rates.responded = server::Rate{2, 1};
  server::FigureQuery q;
  q.from = "2026-11-01";
  q.to = "2026-11-30";
  q.by = "week";
  const nlohmann::json j = server::figures_to_json(f, q);
  CHECK(j["total"]["whistles"] == 2);
  CHECK(j["total"]["responded"]["met"] == 1);
  CHECK(j["total"]["responded"]["due"] == 2);
  CHECK(j["total"]["responded"]["value"] == 0.5);
  CHECK(j["total"]["satisfied"]["value"].is_null());
  CHECK(j["query"]["by"] == "week");
  for (const char* key :
       {"by_level", "by_kind", "by_source", "by_office", "by_community", "by_department", "series",
        "overdue", "returns", "queue_by_station", "queue_by_line", "queue_by_window", "open_cases",
        "overdue_cases", "by_grid"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  f.by_grid = {{"530102001001001", 3, 1, 1}, {"", 2, 0, 0}};
  const nlohmann::json g = server::figures_to_json(f, q)["by_grid"];
  CHECK(g ==
        nlohmann::json::parse(R"([{"grid":"530102001001001","collected":3,"closed":1,"overdue":1},)"
                              R"({"grid":"","collected":2,"closed":0,"overdue":0}])"));
  server::StaffSheet sheet{"530102001001", "2026-11", {}};
  sheet.rows.push_back({"D001", "李主任", 12, 3, 2, {}});
  const nlohmann::json s = server::staff_sheet_to_json(sheet);
  CHECK(s["rows"][0]["served"] == 12);
  CHECK(s["rows"][0]["satisfaction"]["rate"].is_null());
}

TEST_CASE(
    "weimin-district figures prints the tables, --json the figures; refusals say what to type") {
  if (using_pg_store()) return;  // the command opens --data
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const std::string key = (dir.path() / "kek").string();
  auto run = [&](std::vector<std::string> args, std::string* out, std::string* err = nullptr) {
    std::vector<std::string> all = {"--data", data, "--key-file", key, "--district", "530102"};
    for (auto& a : args) all.push_back(std::move(a));
    std::istringstream in;
    std::ostringstream o, e;
    const int code = server::run_district_cli(all, {in, o, e});
    *out = o.str();
    if (err != nullptr) *err = e.str();
    return code;
  };
  std::string out, err;
  REQUIRE(run({"init"}, &out) == 0);
  REQUIRE(run({"catalog", "publish", std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json"},
              &out, &err) == 0);

  CHECK(run({"figures", "--from", "2026-11-01", "--to", "2026-11-30"}, &out, &err) == 0);
  CHECK_MESSAGE(out.find("figures from 2026-11-01 to 2026-11-30 (by day)") == 0, out);
  CHECK(out.find("[fig-by-department]") != std::string::npos);
  CHECK(out.find("[fig-queue-window]") != std::string::npos);
  CHECK(out.find("By grid [fig-by-grid]") != std::string::npos);
  CHECK(out.find("responded on time") != std::string::npos);

  CHECK(run({"--json", "figures", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "month",
             "--office", "530102001"},
            &out, &err) == 0);
  auto j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), out);
  CHECK(j["query"]["office"] == "530102001");
  CHECK(j["query"]["by"] == "month");
  CHECK(j["total"]["whistles"] == 0);
  CHECK(j["by_grid"] == nlohmann::json::array());

  // Refusals: what was wrong and what to type.
  CHECK(run({"figures"}, &out, &err) == 2);
  CHECK(err.find("--from YYYY-MM-DD --to YYYY-MM-DD") != std::string::npos);
  CHECK(run({"figures", "--from", "2026-11-30", "--to", "2026-11-01"}, &out, &err) == 2);
  CHECK(!err.empty());
  CHECK(run({"figures", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "year"}, &out,
            &err) == 2);
  CHECK(run({"figures", "--from", "2026-11-01", "--to", "2026-11-30", "--office", "12"}, &out,
            &err) == 2);
  CHECK(err.find("9-digit") != std::string::npos);
  CHECK(run({"figures", "--from", "2026-11-01", "--to", "2026-11-30", "--department", "nope"}, &out,
            &err) == 1);
  CHECK(err.find("not in the published catalog") != std::string::npos);

  CHECK(run({"figures", "staff", "--community", "530102001001", "--month", "2026-11"}, &out,
            &err) == 0);
  CHECK_MESSAGE(out.find("staff sheet of community 530102001001, 2026-11") == 0, (out + err));
  CHECK(out.find("[staff-sheet]") != std::string::npos);
  CHECK(run({"--json", "figures", "staff", "--community", "530102001001", "--month", "2026-11"},
            &out, &err) == 0);
  CHECK(nlohmann::json::parse(out)["month"] == "2026-11");
  CHECK(run({"figures", "staff", "--community", "5301", "--month", "2026-11"}, &out, &err) == 2);
  CHECK(err.find("--community CODE (12 digits) and --month YYYY-MM") != std::string::npos);

  // --help is true to the options.
  CHECK(run({"figures", "--help"}, &out, &err) == 0);
  for (const char* option : {"--from", "--to", "--by", "--office", "--department", "staff"}) {
    CAPTURE(option);
    CHECK(out.find(option) != std::string::npos);
  }
}
