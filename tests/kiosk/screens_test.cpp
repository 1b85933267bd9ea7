// What the screens decide, without drawing: keypad, descriptions, strings.
#include <doctest/doctest.h>

#include "weimin/core/catalog.hpp"
#include "weimin/kiosk/screens.hpp"
#include "weimin/kiosk/strings.hpp"

using namespace weimin::kiosk;

TEST_CASE("the keypad appends allowed keys up to the limit, deletes and clears") {
  std::string field;
  for (char k : std::string("13x9A")) keypad_press(field, k, "0123456789<*", 4);
  CHECK(field == "139");
  keypad_press(field, '2', "0123456789<*", 4);
  keypad_press(field, '5', "0123456789<*", 4);
  CHECK(field == "1392");
  keypad_press(field, '<', "0123456789<*", 4);
  CHECK(field == "139");
  keypad_press(field, '*', "0123456789<*", 4);
  CHECK(field.empty());
}

TEST_CASE("a report's description is where, then the chosen phrases in order, then the detail") {
  weimin::core::Catalog cat;
  cat.places.push_back({"p1", {"翠湖小区3栋", "Block 3"}, "530102001001", ""});
  cat.phrases.push_back({"light", {"路灯不亮", "Street light out"}, {"municipal_facilities"}});
  cat.phrases.push_back({"hazard", {"存在安全隐患", "A safety hazard"}, {"municipal_facilities"}});
  ReportState r;
  CHECK(report_description(cat, r).empty());
  r.place = "p1";
  CHECK(report_description(cat, r).empty());  // where alone is not a problem
  r.place.clear();
  r.phrases = {"hazard", "light", "unknown"};
  CHECK(report_description(cat, r) == "存在安全隐患；路灯不亮");
  r.detail = "灯杆也歪了";
  CHECK(report_description(cat, r) == "存在安全隐患；路灯不亮。灯杆也歪了");
  r.place = "p1";
  r.place_text = "2单元门口";
  CHECK(report_description(cat, r) ==
        "地点：翠湖小区3栋（2单元门口）。存在安全隐患；路灯不亮。灯杆也歪了");
  r.place.clear();
  CHECK(report_description(cat, r) == "地点：2单元门口。存在安全隐患；路灯不亮。灯杆也歪了");
}

TEST_CASE("the summary before sending names the category, where, what and the phone masked") {
  weimin::core::Catalog cat;
  cat.whistle_sources.push_back({"municipal_facilities", {"市政设施", "Municipal facilities"}});
  cat.places.push_back({"p1", {"翠湖小区3栋", "Block 3"}, "530102001001", ""});
  cat.phrases.push_back({"light", {"路灯不亮", "Street light out"}, {"municipal_facilities"}});
  ReportState r;
  r.source = "municipal_facilities";
  r.place = "p1";
  r.phrases = {"light"};
  r.phone = "13912345678";
  auto zh = report_summary(cat, "530102001001", r, Lang::Zh);
  REQUIRE(zh.size() == 4);
  CHECK(zh[0].second == "市政设施");
  CHECK(zh[1].second == "翠湖小区3栋");
  CHECK(zh[2].second == "路灯不亮");
  CHECK(zh[3].second == "139****5678");
  r.phone.clear();
  auto en = report_summary(cat, "530102001001", r, Lang::En);
  CHECK(en[0].second == "Municipal facilities");
  CHECK(en[2].second == "Street light out");
  CHECK(en[3].second.find("check code") != std::string::npos);
  // A place of another community is not shown as where.
  CHECK(report_summary(cat, "530102009001", r, Lang::Zh)[1].second == "未填写");
}

TEST_CASE("every string has Chinese and English and placeholders are filled in order") {
  for (const auto& e : string_table()) {
    CHECK_MESSAGE(std::string(e.zh).size() > 0, e.key);
    CHECK_MESSAGE(std::string(e.en).size() > 0, e.key);
  }
  CHECK(trf(Lang::En, "board.to_window", {"A012", "2"}) == "A012 to window 2");
  CHECK(trf(Lang::Zh, "board.to_window", {"A012", "2"}) == "请 A012 号到 2 号窗口");
  CHECK(std::string(tr(Lang::Zh, "idle.continue")) == "继续办理");
}
