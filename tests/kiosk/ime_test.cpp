// PinyinIme over librime with the simplified luna_pinyin schema: composing, candidates, paging,
// picking, and nothing learned from one resident to the next.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "weimin/kiosk/ime.hpp"

using namespace weimin;

namespace {

std::unique_ptr<kiosk::PinyinIme> open_ime() {
  auto made = kiosk::PinyinIme::open();
  REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
  return std::move(made).value();
}

void type(kiosk::PinyinIme& ime, std::string_view letters) {
  for (char c : letters) REQUIRE(ime.type(c));
}

bool has(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

TEST_CASE("pinyin gives simplified characters, best first") {
  auto ime = open_ime();
  type(*ime, "ni");
  CHECK(ime->composing());
  CHECK(ime->preedit() == "ni");
  REQUIRE_FALSE(ime->candidates().empty());
  CHECK(ime->candidates().front() == "你");
  ime->clear();
  CHECK_FALSE(ime->composing());
  type(*ime, "zhongguo");
  REQUIRE_FALSE(ime->candidates().empty());
  CHECK(ime->candidates().front() == "中国");
  CHECK_FALSE(has(ime->candidates(), "中國"));
  CHECK(ime->pick(0) == "中国");
  CHECK_FALSE(ime->composing());
}

TEST_CASE("picking part of the pinyin commits once every syllable is chosen") {
  auto ime = open_ime();
  type(*ime, "ludenghuaile");
  const auto first = ime->candidates();
  REQUIRE_FALSE(first.empty());
  // Pick 路灯 (whatever its place) and then 坏了.
  auto at = std::find(first.begin(), first.end(), "路灯");
  if (at == first.end()) {
    CHECK(ime->candidates().front() == "路灯坏了");
    return;
  }
  CHECK(ime->pick(static_cast<int>(at - first.begin())).empty());
  CHECK(ime->composing());
  CHECK(ime->preedit().rfind("路灯", 0) == 0);
  const auto rest = ime->candidates();
  REQUIRE(has(rest, "坏了"));
  const auto at2 = std::find(rest.begin(), rest.end(), "坏了");
  CHECK(ime->pick(static_cast<int>(at2 - rest.begin())) == "路灯坏了");
  CHECK_FALSE(ime->composing());
}

TEST_CASE("paging shows other candidates and comes back") {
  auto ime = open_ime();
  type(*ime, "shi");
  const auto first = ime->candidates();
  REQUIRE(first.size() > 1);
  CHECK(ime->page() == 0);
  CHECK_FALSE(ime->last_page());
  CHECK_FALSE(ime->page_up());  // nothing before the first page
  REQUIRE(ime->page_down());
  CHECK(ime->page() == 1);
  const auto second = ime->candidates();
  REQUIRE_FALSE(second.empty());
  for (const auto& c : second) CHECK_FALSE(has(first, c));
  REQUIRE(ime->page_up());
  CHECK(ime->page() == 0);
  CHECK(ime->candidates() == first);
}

TEST_CASE("backspace takes back a letter; commit gives back the letters not chosen") {
  auto ime = open_ime();
  type(*ime, "nih");
  ime->backspace();
  CHECK(ime->preedit() == "ni");
  CHECK(ime->candidates().front() == "你");
  ime->backspace();
  ime->backspace();
  CHECK_FALSE(ime->composing());
  CHECK(ime->candidates().empty());
  ime->backspace();  // nothing left: no harm
  type(*ime, "hao");
  CHECK(ime->commit() == "hao");
  CHECK_FALSE(ime->composing());
  CHECK_FALSE(ime->type('1'));  // digits are not pinyin
  CHECK_FALSE(ime->composing());
}

TEST_CASE("nothing a resident picks is learned for the next one") {
  std::vector<std::string> before;
  {
    auto ime = open_ime();
    type(*ime, "shi");
    before = ime->candidates();
    REQUIRE(before.size() > 4);
    // A resident picks the fifth candidate again and again.
    for (int i = 0; i < 5; ++i) {
      ime->clear();
      type(*ime, "shi");
      CHECK(ime->pick(4) == before[4]);
    }
    ime->clear();
    type(*ime, "shi");
    CHECK(ime->candidates() == before);  // not even within the session
  }
  auto next = open_ime();
  type(*next, "shi");
  CHECK(next->candidates() == before);
  // And no user dictionary was written into librime's private folder.
  const auto folder = kiosk::PinyinIme::user_data_folder();
  REQUIRE(std::filesystem::is_directory(folder));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    CHECK_MESSAGE(name.find("userdb") == std::string::npos, entry.path());
    CHECK_MESSAGE(name.find(".txt") == std::string::npos, entry.path());
  }
}

TEST_CASE("the whole candidate list reads past librime's page and picks by its index") {
  auto ime = open_ime();
  type(*ime, "shi");
  const auto page0 = ime->candidates();
  const auto all = ime->candidates_from(0, 20);
  REQUIRE(all.size() == 20);
  CHECK(std::equal(page0.begin(), page0.end(), all.begin()));
  const auto tail = ime->candidates_from(10, 5);
  REQUIRE(tail.size() == 5);
  CHECK(tail.front() == all[10]);
  CHECK(ime->pick_at(12) == all[12]);
  CHECK_FALSE(ime->composing());
  CHECK(ime->candidates_from(0, 5).empty());
}

TEST_CASE("without the schema's package, opening says which package to install") {
  kiosk::ImeOptions options;
  options.shared_data = "/nonexistent/rime-data";
  auto made = kiosk::PinyinIme::open(options);
  REQUIRE_FALSE(made.is_ok());
  CHECK(made.status().code() == ErrorCode::Unavailable);
  CHECK(made.status().message().find("rime-data-luna-pinyin") != std::string::npos);
}

TEST_CASE("an apostrophe separates syllables: xi'an is 西安, not xian") {
  auto ime = open_ime();
  type(*ime, "xi'an");
  REQUIRE_FALSE(ime->candidates().empty());
  CHECK(ime->candidates().front() == "西安");
  ime->clear();
  CHECK_FALSE(ime->type('\''));  // nothing to separate yet
}
