// What the screens decide, without drawing: keypad, descriptions, strings.
#include <doctest/doctest.h>

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

TEST_CASE("a report's description is the chosen phrases in order plus the detail") {
  ReportState r;
  CHECK(report_description(r).empty());
  r.phrases = {7, 0};
  CHECK(report_description(r) == "存在安全隐患；路灯不亮");
  r.detail = "在3栋门口";
  CHECK(report_description(r) == "存在安全隐患；路灯不亮。在3栋门口");
}

TEST_CASE("every string has Chinese and English and placeholders are filled in order") {
  for (const auto& e : string_table()) {
    CHECK_MESSAGE(std::string(e.zh).size() > 0, e.key);
    CHECK_MESSAGE(std::string(e.en).size() > 0, e.key);
  }
  for (int p = 0; p < kPhraseCount; ++p) CHECK(has_string("phrase." + std::to_string(p)));
  CHECK(trf(Lang::En, "board.to_window", {"A012", "2"}) == "A012 to window 2");
  CHECK(trf(Lang::Zh, "board.to_window", {"A012", "2"}) == "请 A012 号到 2 号窗口");
  CHECK(std::string(tr(Lang::Zh, "idle.continue")) == "继续办理");
}
