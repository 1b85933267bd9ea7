#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "seed.hpp"
#include "weimin/core/catalog.hpp"

using weimin::ErrorCode;
using namespace weimin::core;
using json = nlohmann::json;

namespace {

std::string wuhua_text() {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json", std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "assets/catalog/wuhua.json cannot be opened");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Catalog wuhua() {
  auto r = parse_catalog(wuhua_text(), "wuhua.json");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return std::move(r).value();
}

// Parses the shipped catalog after `change` and returns the error message ("" on success).
std::string error_after(const std::function<void(json&)>& change) {
  json doc = json::parse(wuhua_text());
  change(doc);
  auto r = parse_catalog(doc.dump(), "wuhua.json");
  return r.is_ok() ? std::string() : r.status().message();
}

}  // namespace

TEST_CASE("the shipped Wuhua catalog parses with its ten lines, items, sources and offices") {
  Catalog c = wuhua();
  CHECK(c.schema_version == kCatalogSchemaVersion);
  CHECK(c.version >= 1);
  CHECK(c.district.code == "530102");
  CHECK(c.district.name.zh == "五华区");
  CHECK(c.street_offices.size() == 10);
  CHECK(c.communities.size() >= 20);
  CHECK(c.service_items.size() >= 20);
  CHECK(c.whistle_sources.size() == 10);
  CHECK(c.departments.size() >= 8);
  CHECK(c.work_list.size() >= 25);
  REQUIRE(c.lines.size() == 10);
  const char* names[] = {"党群服务", "平安秩序",   "环境卫生", "帮扶救助", "劳动就业社会保障",
                         "扶残助残", "人口与计生", "科教文体", "社会事务", "经济事务"};
  for (int n = 1; n <= 10; ++n) {
    CAPTURE(n);
    const ServiceLine& line = c.lines[n - 1];
    CHECK(line.number == n);
    CHECK(line.prefix == "ABCDEFGHJK"[n - 1]);  // no I: it reads as 1 on the board
    CHECK(line.name.zh == names[n - 1]);
    CHECK_FALSE(line.name.en.empty());
    CHECK_FALSE(c.items_for_line(n).empty());
    CHECK_FALSE(c.windows_serving(n).empty());
  }
  for (const StreetOffice& s : c.street_offices) {
    CHECK(c.communities.end() !=
          std::find_if(c.communities.begin(), c.communities.end(),
                       [&](const Community& m) { return m.street_office == s.code; }));
  }
}

TEST_CASE("the Wuhua catalog keeps only the economic hardship certificate as issuable") {
  Catalog c = wuhua();
  std::vector<std::string> issuable;
  for (const Certificate& cert : c.certificates) {
    if (cert.issuable) issuable.push_back(cert.name.zh);
  }
  CHECK(issuable == std::vector<std::string>{"经济困难证明"});
  const Certificate* hardship = c.certificate_by_id("economic_hardship");
  REQUIRE(hardship);
  const ServiceItem* item = c.item_by_id(hardship->service_item);
  REQUIRE(item);
  CHECK(item->on_certificate_list);
  CHECK(item->line == 4);
}

TEST_CASE("catalog lookups find lines, items, windows, sources, departments and deadlines") {
  Catalog c = wuhua();
  REQUIRE(c.line_by_prefix('D'));
  CHECK(c.line_by_prefix('D')->number == 4);
  CHECK(c.line_by_prefix('I') == nullptr);
  CHECK(c.line_by_number(11) == nullptr);
  REQUIRE(c.item_by_id("minimum_living_allowance"));
  CHECK(c.item_by_id("minimum_living_allowance")->what_to_bring.size() >= 4);
  CHECK(c.item_by_id("no_such_item") == nullptr);

  REQUIRE(c.window_by_number(2));
  CHECK(c.window_by_number(2)->serves(4));
  CHECK_FALSE(c.window_by_number(2)->serves(8));
  CHECK(c.window_by_number(4) == nullptr);
  CHECK(c.windows_serving(9).size() == 3);
  // 王家桥 has its own layout of two windows; other communities use the default.
  CHECK(c.windows_for("530102009001").size() == 2);
  CHECK(c.windows_for("530102001001").size() == 3);
  CHECK(c.window_by_number(3, "530102009001") == nullptr);

  REQUIRE(c.source_by_id("food_drug"));
  auto food = c.departments_for_source("food_drug");
  REQUIRE_FALSE(food.empty());
  CHECK(food.front()->id == "market_regulation");
  REQUIRE(c.department_by_id("police"));
  CHECK(c.department_by_id("nobody") == nullptr);

  CHECK(c.deadline_for(WhistleKind::Emergency).report_in <
        c.deadline_for(WhistleKind::Routine).report_in);
  CHECK(c.deadline_for(WhistleKind::Key).kind == WhistleKind::Key);

  const SlotTemplate* clinic = c.slot_template_by_id("legal_clinic_wednesday");
  REQUIRE(clinic);
  CHECK(clinic->weekday == 3);
  CHECK(clinic->start_minute == 9 * 60);
  CHECK(clinic->end_minute == 12 * 60);
  CHECK(clinic->service_item == "legal_consultation");
}

TEST_CASE("a catalog written to JSON reads back equal") {
  Catalog c = wuhua();
  auto again = parse_catalog(catalog_to_json(c), "written.json");
  REQUIRE_MESSAGE(again.is_ok(), again.status().to_string());
  CHECK(*again == c);
}

TEST_CASE("every community of the Wuhua catalog has places, in its own grids where it has grids") {
  Catalog c = wuhua();
  for (const Community& m : c.communities) {
    CAPTURE(m.name.zh);
    const auto places = c.places_for(m.code);
    CHECK(places.size() >= 6);
    CHECK(places.size() <= 10);
    const bool has_grids = std::any_of(c.grids.begin(), c.grids.end(),
                                       [&](const Grid& g) { return g.community == m.code; });
    for (const Place* p : places) {
      CAPTURE(p->id);
      CHECK_FALSE(p->name.zh.empty());
      CHECK_FALSE(p->name.en.empty());
      CHECK(p->community == m.code);
      if (has_grids) {
        REQUIRE(c.grid_by_code(p->grid));
        CHECK(c.grid_by_code(p->grid)->community == m.code);
      } else {
        CHECK(p->grid.empty());
      }
      CHECK(c.place_by_id(p->id) == p);
    }
  }
  CHECK(c.place_by_id("nowhere") == nullptr);
}

TEST_CASE("every whistle source of the Wuhua catalog offers 3-6 phrases of its own kind") {
  Catalog c = wuhua();
  for (const WhistleSource& s : c.whistle_sources) {
    CAPTURE(s.id);
    const auto phrases = c.phrases_for(s.id);
    CHECK(phrases.size() >= 3);
    CHECK(phrases.size() <= 6);
    for (const Phrase* p : phrases) {
      CHECK_FALSE(p->text.zh.empty());
      CHECK_FALSE(p->text.en.empty());
      CHECK(c.phrase_by_id(p->id) == p);
    }
  }
  auto texts = [&](std::string_view source) {
    std::vector<std::string> out;
    for (const Phrase* p : c.phrases_for(source)) out.push_back(p->text.zh);
    return out;
  };
  auto has = [](const std::vector<std::string>& v, std::string_view zh) {
    return std::find(v.begin(), v.end(), zh) != v.end();
  };
  // The phrases follow the category: after 环境卫生, no 违章搭建 and no 路灯不亮.
  const auto sanitation = texts("env_sanitation");
  CHECK(has(sanitation, "垃圾未及时清运"));
  CHECK(has(sanitation, "楼道堆放杂物"));
  CHECK_FALSE(has(sanitation, "违章搭建"));
  CHECK_FALSE(has(sanitation, "路灯不亮"));
  const auto municipal = texts("municipal_facilities");
  CHECK(has(municipal, "路灯不亮"));
  CHECK(has(municipal, "道路或井盖破损"));
  CHECK(has(municipal, "下水道堵塞"));
  CHECK_FALSE(has(municipal, "噪音扰民"));
  CHECK(has(texts("illegal_construction"), "违章搭建"));
  CHECK(c.phrase_by_id("no_such_phrase") == nullptr);
}

TEST_CASE("the Wuhua catalog words every priority in both languages") {
  Catalog c = wuhua();
  for (const char* p : {"elderly", "disability", "pregnancy", "appointment"}) {
    CAPTURE(p);
    const PriorityReason* r = c.priority_reason(p);
    REQUIRE(r);
    CHECK_FALSE(r->name.zh.empty());
    CHECK_FALSE(r->name.en.empty());
  }
  CHECK(c.priority_reason("elderly")->name.zh == "70岁以上老人");
  CHECK(c.priority_reason("none") == nullptr);
}

TEST_CASE("a catalog without places and phrases (before issue 14) still reads") {
  json doc = json::parse(wuhua_text());
  doc.erase("places");
  doc.erase("phrases");
  doc.erase("priority_reasons");
  auto r = parse_catalog(doc.dump(), "old.json");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->places.empty());
  CHECK(r->phrases.empty());
  CHECK(r->places_for("530102001001").empty());
  CHECK(r->phrases_for("env_sanitation").empty());
  CHECK(r->priority_reason("elderly") == nullptr);
  // Written back, it still has neither, and reads back equal.
  const std::string written = catalog_to_json(*r);
  CHECK(written.find("\"places\"") == std::string::npos);
  CHECK(parse_catalog(written, "again.json").value() == *r);
}

TEST_CASE("a line without a prefix gets its default letter, which skips I") {
  json doc = json::parse(wuhua_text());
  for (json& line : doc["lines"]) line.erase("prefix");
  auto r = parse_catalog(doc.dump(), "defaults.json");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  std::string letters;
  for (const ServiceLine& l : r->lines) letters += l.prefix;
  CHECK(letters == "ABCDEFGHJK");
  CHECK(r->line_by_prefix('I') == nullptr);
  CHECK(r->line_by_prefix('J')->number == 9);
  CHECK(r->line_by_prefix('K')->number == 10);
}

TEST_CASE("every text of the Wuhua catalog has English, and names start with a capital") {
  const json doc = json::parse(wuhua_text());
  int texts = 0;
  std::function<void(const json&, const std::string&)> walk = [&](const json& j,
                                                                  const std::string& path) {
    if (j.is_object() && j.contains("zh") && j.size() <= 2) {
      ++texts;
      CAPTURE(path);
      REQUIRE(j.contains("en"));
      const std::string en = j["en"].get<std::string>();
      CHECK_FALSE(en.empty());
      // English, not Chinese left in place, and capitalised as a label is.
      CHECK(std::all_of(en.begin(), en.end(),
                        [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }));
      CHECK(!(en[0] >= 'a' && en[0] <= 'z'));
      return;
    }
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) walk(v, path + "/" + k);
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], path + "/" + std::to_string(i));
    }
  };
  walk(doc, "");
  CHECK(texts > 500);
}

TEST_CASE("whistle kinds, levels and community kinds convert to and from their strings") {
  for (WhistleKind k : {WhistleKind::Emergency, WhistleKind::Key, WhistleKind::Routine}) {
    CHECK(parse_whistle_kind(to_string(k)).value() == k);
  }
  for (WhistleLevel l : {WhistleLevel::District, WhistleLevel::Community}) {
    CHECK(parse_whistle_level(to_string(l)).value() == l);
  }
  CHECK(to_string(WhistleKind::Emergency) == "emergency");
  CHECK(to_string(WhistleLevel::Community) == "community");
  CHECK(parse_community_kind("village_to_residence").value() == CommunityKind::VillageToResidence);
  auto bad = parse_whistle_kind("Key");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code() == ErrorCode::Invalid);
  CHECK(bad.status().message().find("emergency, key or routine") != std::string::npos);
  CHECK_FALSE(parse_whistle_level("").is_ok());
}

TEST_CASE("a service item naming a line that does not exist is refused with its path") {
  CHECK(error_after([](json& d) { d["service_items"][3]["line"] = 12; }) ==
        "wuhua.json: /service_items/3/line: line 12 does not exist (lines are 1-10)");
  CHECK(error_after([](json& d) {
          d["windows"]["default"][0]["lines"] = {1, 2, 11};
        }) == "wuhua.json: /windows/default/0/lines/2: line 11 does not exist (lines are 1-10)");
}

TEST_CASE("catalog validation errors name the path and what is wrong") {
  struct Case {
    const char* what;
    std::function<void(json&)> change;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"duplicate prefix", [](json& d) { d["lines"][4]["prefix"] = "A"; },
       "/lines/4/prefix: duplicate ticket prefix \"A\" (first at /lines/0/prefix)"},
      {"duplicate line number", [](json& d) { d["lines"][9]["number"] = 1; },
       "/lines/9/number: duplicate line number \"1\" (first at /lines/0/number)"},
      {"nine lines", [](json& d) { d["lines"].erase(9); },
       "/lines: expected exactly ten service lines numbered 1-10, found 9"},
      {"prefix not a letter", [](json& d) { d["lines"][0]["prefix"] = "AB"; },
       "/lines/0/prefix: ticket prefix \"AB\" must be one capital letter A-Z other than I and O"},
      {"prefix in lower case", [](json& d) { d["lines"][0]["prefix"] = "a"; },
       "/lines/0/prefix: ticket prefix \"a\" must be one capital letter A-Z other than I and O"},
      {"prefix a digit", [](json& d) { d["lines"][0]["prefix"] = "1"; },
       "/lines/0/prefix: ticket prefix \"1\" must be one capital letter"},
      {"prefix I", [](json& d) { d["lines"][8]["prefix"] = "I"; },
       "/lines/8/prefix: ticket prefix \"I\" reads as the digit 1 on a ticket and on the board; "
       "choose another capital letter (any of A-Z but I and O)"},
      {"prefix O", [](json& d) { d["lines"][9]["prefix"] = "O"; },
       "/lines/9/prefix: ticket prefix \"O\" reads as the digit 0"},
      {"place of an unknown community",
       [](json& d) { d["places"][0]["community"] = "530102001099"; },
       "/places/0/community: community \"530102001099\" does not exist"},
      {"place in another community's grid",
       [](json& d) {
         d["places"][0]["grid"] = "530102009001001";  // 王家桥's; places[0] is in 翠湖
       },
       "/places/0/grid: grid \"530102009001001\" belongs to community \"530102009001\", not to "
       "the place's community \"530102001001\""},
      {"place in an unknown grid", [](json& d) { d["places"][0]["grid"] = "530102001001009"; },
       "/places/0/grid: grid \"530102001001009\" does not exist"},
      {"duplicate place id", [](json& d) { d["places"][3]["id"] = d["places"][0]["id"]; },
       "/places/3/id: duplicate place id \"cuihu.bldg1\" (first at /places/0/id)"},
      {"place without English", [](json& d) { d["places"][2]["name"].erase("en"); },
       "/places/2/name: missing required field \"en\""},
      {"phrase of an unknown source", [](json& d) { d["phrases"][1]["sources"][0] = "weather"; },
       "/phrases/1/sources/0: whistle source \"weather\" does not exist"},
      {"phrase of no source", [](json& d) { d["phrases"][1]["sources"] = json::array(); },
       "/phrases/1/sources: needs at least one whistle source"},
      {"phrase source twice",
       [](json& d) {
         d["phrases"][1]["sources"] = {"env_sanitation", "env_sanitation"};
       },
       "/phrases/1/sources/1: duplicate whistle source \"env_sanitation\""},
      {"duplicate phrase id", [](json& d) { d["phrases"][4]["id"] = d["phrases"][2]["id"]; },
       "/phrases/4/id: duplicate phrase id"},
      {"phrase without English", [](json& d) { d["phrases"][0]["text"]["en"] = ""; },
       "/phrases/0/text/en: must not be empty"},
      {"phrase without Chinese", [](json& d) { d["phrases"][0]["text"].erase("zh"); },
       "/phrases/0/text: missing required field \"zh\""},
      {"unknown priority", [](json& d) { d["priority_reasons"][0]["priority"] = "veteran"; },
       "/priority_reasons/0/priority: unknown priority \"veteran\""},
      {"the priority none", [](json& d) { d["priority_reasons"][0]["priority"] = "none"; },
       "/priority_reasons/0/priority: \"none\" is no priority"},
      {"priority worded twice", [](json& d) { d["priority_reasons"][1]["priority"] = "elderly"; },
       "/priority_reasons/1/priority: duplicate priority \"elderly\""},
      {"priority reason without English",
       [](json& d) { d["priority_reasons"][2]["name"].erase("en"); },
       "/priority_reasons/2/name: missing required field \"en\""},
      {"unknown field of a place", [](json& d) { d["places"][0]["building"] = "1"; },
       "/places/0/building: unknown field \"building\""},
      {"unknown field", [](json& d) { d["service_items"][0]["lines"] = 1; },
       "/service_items/0/lines: unknown field \"lines\""},
      {"unknown top-level field", [](json& d) { d["whistle_source"] = json::array(); },
       "/whistle_source: unknown field"},
      {"wrong type", [](json& d) { d["service_items"][2]["time_limit_days"] = "5"; },
       "/service_items/2/time_limit_days: expected an integer, found a string \"5\""},
      {"wrong type of text", [](json& d) { d["lines"][1]["name"] = "平安秩序"; },
       "/lines/1/name: expected an object, found a string \"平安秩序\""},
      {"missing field", [](json& d) { d["service_items"][1].erase("name"); },
       "/service_items/1: missing required field \"name\""},
      {"missing English name", [](json& d) { d["whistle_sources"][0]["name"].erase("en"); },
       "/whistle_sources/0/name: missing required field \"en\""},
      {"missing top-level part", [](json& d) { d.erase("deadlines"); },
       "wuhua.json: /: missing required field \"deadlines\""},
      {"duplicate item id",
       [](json& d) { d["service_items"][5]["id"] = d["service_items"][0]["id"]; },
       "/service_items/5/id: duplicate service item id"},
      {"department source missing", [](json& d) { d["departments"][0]["sources"][0] = "nope"; },
       "/departments/0/sources/0: whistle source \"nope\" does not exist"},
      {"community street office missing",
       [](json& d) { d["communities"][0]["street_office"] = "530102099"; },
       "/communities/0/street_office: street office \"530102099\" does not exist"},
      {"community code outside its office",
       [](json& d) { d["communities"][0]["code"] = "530102002009"; },
       "/communities/0/code: code \"530102002009\" must start with the code of its street office"},
      {"window number repeated", [](json& d) { d["windows"]["default"][1]["number"] = 1; },
       "/windows/default/1/number: duplicate window number \"1\""},
      {"line served by no window",
       [](json& d) {
         d["windows"]["default"][2]["lines"] = {9, 10};
       },
       "/windows/default: line 8 (科教文体) is served by no window"},
      {"window layout for an unknown community",
       [](json& d) { d["windows"]["communities"]["530102001099"] = d["windows"]["default"]; },
       "/windows/communities/530102001099: community \"530102001099\" does not exist"},
      {"unknown community kind", [](json& d) { d["communities"][2]["kind"] = "rural"; },
       "/communities/2/kind: unknown community kind \"rural\""},
      {"deadline kind missing", [](json& d) { d["deadlines"].erase("key"); },
       "/deadlines: missing required field \"key\""},
      {"zero deadline", [](json& d) { d["deadlines"]["routine"]["feedback_hours"] = 0; },
       "/deadlines/routine/feedback_hours: must be between 1 and"},
      {"slot for an unknown item", [](json& d) { d["slot_templates"][0]["service_item"] = "x"; },
       "/slot_templates/0/service_item: service item \"x\" does not exist"},
      {"slot ending before it starts", [](json& d) { d["slot_templates"][0]["end"] = "08:00"; },
       "/slot_templates/0/end: must be later than start"},
      {"bad time", [](json& d) { d["slot_templates"][0]["start"] = "9:00"; },
       "/slot_templates/0/start: time \"9:00\" must be HH:MM"},
      {"bad weekday", [](json& d) { d["slot_templates"][0]["weekday"] = "Wednesday"; },
       "/slot_templates/0/weekday: weekday \"Wednesday\" is not one of"},
      {"certificate of an item not on the certificate list",
       [](json& d) { d["certificates"][0]["service_item"] = "minimum_living_allowance"; },
       "/certificates/0/service_item: service item \"minimum_living_allowance\" issues this "
       "certificate but is not marked on_certificate_list"},
      {"empty keyword list", [](json& d) { d["work_list"][0]["keywords"] = json::array(); },
       "/work_list/0/keywords: needs at least one keyword"},
      {"id with a space", [](json& d) { d["whistle_sources"][0]["id"] = "env sanitation"; },
       "/whistle_sources/0/id: id \"env sanitation\" may use only"},
      {"not an object", [](json& d) { d = json::array(); },
       "wuhua.json: /: expected an object, found an array"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    std::string message = error_after(c.change);
    CAPTURE(message);
    CHECK(message.rfind("wuhua.json: /", 0) == 0);
    CHECK(message.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("invalid JSON is refused with its line and byte position") {
  auto r = parse_catalog("{\n  \"schema_version\": 1,\n  ]\n}", "broken.json");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::Invalid);
  const std::string m = r.status().message();
  CAPTURE(m);
  CHECK(m.rfind("broken.json: invalid JSON: ", 0) == 0);
  CHECK(m.find("line 3") != std::string::npos);
  CHECK(m.find("(byte ") != std::string::npos);
  CHECK_FALSE(parse_catalog("", "empty.json").is_ok());
}

TEST_CASE("a key written twice in one object is refused with its path") {
  std::string text = wuhua_text();
  // Give the fourth service item a second "line" field.
  json doc = json::parse(text);
  std::string dumped = doc.dump();
  std::string id = "\"id\":\"" + doc["service_items"][3]["id"].get<std::string>() + "\"";
  std::size_t at = dumped.find(id);
  REQUIRE(at != std::string::npos);
  dumped.insert(at, "\"line\":3,");
  auto r = parse_catalog(dumped, "wuhua.json");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() ==
        "wuhua.json: /service_items/3/line: the key appears twice in one object; keep one");
}

TEST_CASE("a catalog of a newer schema is refused as too new, before its unknown fields") {
  std::string message = error_after([](json& d) {
    d["schema_version"] = kCatalogSchemaVersion + 1;
    d["field_of_the_future"] = true;
  });
  CHECK(message.find("/schema_version: schema 2 is newer") != std::string::npos);
  json doc = json::parse(wuhua_text());
  doc["schema_version"] = kCatalogSchemaVersion + 1;
  auto r = parse_catalog(doc.dump(), "wuhua.json");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == ErrorCode::TooNew);
}

// Property: whatever part of the document is removed or replaced by a value of another type,
// parsing never crashes and either succeeds or names a path in the document.
TEST_CASE("randomly damaged catalogs are refused with a path, never a crash") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const json original = json::parse(wuhua_text());
  std::vector<json::json_pointer> pointers;
  const json flat = original.flatten();
  for (const auto& [path, value] : flat.items()) {
    json::json_pointer p(path);
    while (!p.empty()) {
      pointers.push_back(p);
      p = p.parent_pointer();
    }
  }
  const json replacements[] = {json(),     json(0),       json(-1),       json(99), json("x"),
                               json(true), json::array(), json::object(), json(1.5)};
  int refused = 0;
  for (int round = 0; round < 300; ++round) {
    json doc = original;
    const json::json_pointer& p = pointers[rng() % pointers.size()];
    if (rng() % 2 == 0) {
      doc[p.parent_pointer()].is_object()
          ? (void)doc[p.parent_pointer()].erase(p.back())
          : (void)doc[p.parent_pointer()].erase(std::stoul(p.back()));
    } else {
      doc[p] = replacements[rng() % std::size(replacements)];
    }
    auto r = parse_catalog(doc.dump(), "wuhua.json");
    if (r.is_ok()) continue;
    ++refused;
    CAPTURE(p.to_string());
    CAPTURE(r.status().message());
    CHECK(r.status().code() == ErrorCode::Invalid);
    CHECK(r.status().message().rfind("wuhua.json: /", 0) == 0);
  }
  CHECK(refused > 100);
}
