#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "station_fixture.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;
using namespace weimin::station;

namespace {
NewCase rubbish() {
  return NewCase{"env_sanitation",
                 core::CaseChannel::Window,
                 "小区门口垃圾桶满溢三天无人清运",
                 "139 1234 5678",
                 std::nullopt,
                 true};
}
}  // namespace

TEST_CASE("a case runs the whole closed loop and keeps every step in order") {
  test::StationFixture f;
  Cases cases(*f.station);
  auto receipt = cases.record(f.staff, rubbish());
  REQUIRE_MESSAGE(receipt.is_ok(), receipt.status().to_string());
  CHECK(core::is_valid_tracking_code(receipt->tracking_code));
  const auto id = receipt->case_id;
  REQUIRE(cases
              .whistle(f.director, id, core::WhistleLevel::Community, core::WhistleKind::Routine,
                       {"urban_management"}, "请尽快处理")
              .is_ok());
  REQUIRE(cases.record_report(f.staff, id, "urban_management", "已派环卫班组").is_ok());
  REQUIRE(cases.record_feedback(f.staff, id, "urban_management", "已清运").is_ok());
  REQUIRE(cases.verify(f.staff, id, "居民确认已解决").is_ok());
  REQUIRE(cases.close(f.staff, id, "").is_ok());
  auto state = cases.evaluate(std::nullopt, id, core::Rating::Satisfied, 5, "");
  REQUIRE_MESSAGE(state.is_ok(), state.status().to_string());
  CHECK(state->stage == core::CaseStage::Evaluated);
  REQUIRE(state->timeline.size() == 7);
  CHECK(state->timeline[1].kind == core::CaseEventKind::Whistled);
  CHECK(state->timeline[2].on_behalf_of == "urban_management");
  auto view = cases.view(id);
  REQUIRE(view.is_ok());
  CHECK(view->phone_masked == "139****5678");
  CHECK(cases.resolve_reference(receipt->tracking_code).value() == id);
}

TEST_CASE("refused steps write nothing: a closed case whistled, a staff whistle, bad input") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto id = cases.record(f.staff, rubbish()).value().case_id;
  REQUIRE(cases.resolve(f.staff, id, "物业已清理").is_ok());
  REQUIRE(cases.verify(f.staff, id, "居民确认").is_ok());
  REQUIRE(cases.close(f.director, id, "").is_ok());
  const auto before = f.fact_count();

  auto again = cases.whistle(f.director, id, core::WhistleLevel::Community, core::WhistleKind::Key,
                             {"urban_management"}, "");
  REQUIRE_FALSE(again.is_ok());
  CHECK(again.status().code() == ErrorCode::Conflict);
  CHECK(again.status().message().find("reopen") != std::string::npos);

  auto by_staff = cases.reopen(f.staff, id, "居民不满意");
  REQUIRE_FALSE(by_staff.is_ok());
  CHECK(by_staff.status().code() == ErrorCode::PermissionDenied);

  NewCase bad_id = rubbish();
  bad_id.id_number = "530102199001011235";  // wrong check digit
  auto invalid = cases.record(f.staff, bad_id);
  REQUIRE_FALSE(invalid.is_ok());
  CHECK(invalid.status().code() == ErrorCode::Invalid);

  NewCase no_consent = rubbish();
  no_consent.consent = false;
  CHECK(cases.record(f.staff, no_consent).status().code() == ErrorCode::Invalid);

  NewCase unknown = rubbish();
  unknown.source = "space_aliens";
  auto unknown_source = cases.record(f.staff, unknown);
  CHECK(unknown_source.status().code() == ErrorCode::Invalid);
  CHECK(unknown_source.status().message().find("env_sanitation") != std::string::npos);

  CHECK(f.fact_count() == before);
}

TEST_CASE("a resident checks progress with the code and the phone's last four digits") {
  test::StationFixture f;
  Cases cases(*f.station);
  auto receipt = cases.record(f.staff, rubbish()).value();
  auto ok = cases.progress_for_resident(receipt.tracking_code, "5678");
  REQUIRE(ok.is_ok());
  CHECK(ok->state.stage == core::CaseStage::Collected);
  auto wrong = cases.progress_for_resident(receipt.tracking_code, "5679");
  CHECK(wrong.status().code() == ErrorCode::NotFound);
  CHECK(wrong.status().message().find("5678") == std::string::npos);
}

TEST_CASE("an overdue department report-in is detected from the catalog's deadlines") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto id = cases.record(f.staff, rubbish()).value().case_id;
  REQUIRE(cases
              .whistle(f.director, id, core::WhistleLevel::Community, core::WhistleKind::Emergency,
                       {"urban_management"}, "")
              .is_ok());
  CHECK(cases.view(id)->overdue.empty());
  const int hours = f.station->catalog().deadline_for(core::WhistleKind::Emergency).report_in;
  f.clock.advance((hours + 1) * 3600000LL);
  auto view = cases.view(id).value();
  REQUIRE(view.overdue.size() == 1);
  CHECK(view.overdue[0].step == core::OverdueStep::ReportIn);
  CHECK(cases.list(std::nullopt, true)->size() == 1);
}

TEST_CASE("a resident reports at the kiosk; a kiosk report cannot claim another channel") {
  test::StationFixture f;
  Cases cases(*f.station);
  NewCase at_kiosk = rubbish();
  at_kiosk.channel = core::CaseChannel::Kiosk;
  auto receipt = cases.record(std::nullopt, at_kiosk);
  REQUIRE_MESSAGE(receipt.is_ok(), receipt.status().to_string());
  auto view = cases.view(receipt->case_id).value();
  CHECK(view.state.timeline.front().actor == "resident");
  const auto before = f.fact_count();
  NewCase pretending = rubbish();  // channel window, but nobody signed in
  CHECK_FALSE(cases.record(std::nullopt, pretending).is_ok());
  CHECK(f.fact_count() == before);
}

TEST_CASE(
    "staff record a department's report-in with its expected date, and its return, by phone") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto id = cases.record(f.staff, rubbish()).value().case_id;
  REQUIRE(cases
              .whistle(f.director, id, core::WhistleLevel::Community, core::WhistleKind::Routine,
                       {"urban_management", "housing"}, "")
              .is_ok());
  const std::int64_t expected = f.clock.now_ms() + 3 * 24 * 3600000LL;
  auto reported = cases.record_report(f.staff, id, "urban_management", "明日派人", expected);
  REQUIRE_MESSAGE(reported.is_ok(), reported.status().to_string());
  CHECK(reported->departments[0].expected_ms == expected);
  const auto before = f.fact_count();
  // A return needs its reason; a department not whistled cannot return.
  CHECK(cases.record_return(f.staff, id, "housing", "").status().code() == ErrorCode::Invalid);
  CHECK(cases.record_return(f.staff, id, "police", "x").status().code() ==
        ErrorCode::PermissionDenied);
  CHECK(f.fact_count() == before);
  auto returned = cases.record_return(f.staff, id, "housing", "电话告知：非本部门职责");
  REQUIRE_MESSAGE(returned.is_ok(), returned.status().to_string());
  CHECK(returned->departments[1].return_reason == "电话告知：非本部门职责");
  CHECK(returned->timeline.back().kind == core::CaseEventKind::Returned);
  CHECK(returned->timeline.back().on_behalf_of == "housing");
  // Its report-in is no longer owed.
  f.clock.advance(1000 * 3600000LL);
  const CaseView later = cases.view(id).value();
  REQUIRE(later.overdue.size() == 1);
  CHECK(later.overdue[0].department == "urban_management");  // its feedback
}

// [SECTION] The check code of a case reported without a phone

namespace {

NewCase without_phone() {
  return NewCase{
      "env_sanitation", core::CaseChannel::Kiosk, "路灯不亮", std::nullopt, std::nullopt, false};
}

// Every value of every row of every table of the (decrypted) station database, each as its own
// string, and the raw bytes of every file of the data folder.
std::vector<std::string> everything_stored(test::StationFixture& f) {
  std::vector<std::string> out;
  auto& db = f.station->db();
  std::vector<std::string> tables;
  auto names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").value();
  while (names.step().value()) tables.push_back(names.column_text(0));
  REQUIRE(tables.size() >= 4);
  for (const auto& table : tables) {
    auto rows = db.prepare("SELECT * FROM \"" + table + "\"").value();
    while (rows.step().value()) {
      for (int c = 0; c < rows.column_count(); ++c) out.push_back(rows.column_text(c));
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(f.dir / "data")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// True when `code` stands alone in `text`: not inside a longer run of letters and digits (a
// random hex MAC or a 13-digit timestamp may hold any six digits by chance).
bool stands_alone(const std::string& text, const std::string& code) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t at = text.find(code); at != std::string::npos; at = text.find(code, at + 1)) {
    const bool left = at == 0 || !alnum(text[at - 1]);
    const bool right = at + code.size() >= text.size() || !alnum(text[at + code.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a case reported without a phone gets a six-digit check code; one with a phone none") {
  test::StationFixture f;
  Cases cases(*f.station);
  auto anonymous = cases.record(std::nullopt, without_phone());
  REQUIRE_MESSAGE(anonymous.is_ok(), anonymous.status().to_string());
  CHECK(anonymous->check_code.size() == 6);
  CHECK(std::all_of(anonymous->check_code.begin(), anonymous->check_code.end(),
                    [](char c) { return c >= '0' && c <= '9'; }));
  NewCase with_phone = rubbish();
  with_phone.channel = core::CaseChannel::Kiosk;
  auto phoned = cases.record(std::nullopt, with_phone);
  REQUIRE(phoned.is_ok());
  CHECK(phoned->check_code.empty());
}

TEST_CASE("progress opens with the tracking code and the check code, never the code alone") {
  test::StationFixture f;
  Cases cases(*f.station);
  const CaseReceipt r = cases.record(std::nullopt, without_phone()).value();
  const CaseReceipt other = cases.record(std::nullopt, without_phone()).value();

  auto ok = cases.progress_for_resident(r.tracking_code, r.check_code);
  REQUIRE_MESSAGE(ok.is_ok(), ok.status().to_string());
  CHECK(ok->tracking_code == r.tracking_code);

  // Refusals: all the same NotFound, so the answer does not say which half was wrong.
  std::string wrong = r.check_code;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  const std::string another_case = other.check_code == r.check_code ? wrong : other.check_code;
  const std::vector<std::string> refused = {"",      wrong,     another_case,    "0000",
                                            "12345", "1234567", r.tracking_code, "abcdef"};
  std::optional<std::string> message;
  for (const auto& second : refused) {
    auto no = cases.progress_for_resident(r.tracking_code, second);
    REQUIRE_FALSE(no.is_ok());
    CHECK(no.status().code() == ErrorCode::NotFound);
    if (!message) message = no.status().message();
    CHECK(no.status().message() == *message);
    CHECK(no.status().message().find(r.check_code) == std::string::npos);
  }
  // The right check code with another case's tracking code is refused the same way.
  auto crossed = cases.progress_for_resident(other.tracking_code, r.check_code);
  if (other.check_code != r.check_code) {
    CHECK(crossed.status().code() == ErrorCode::NotFound);
    CHECK(crossed.status().message() == *message);
  }
}

TEST_CASE("a case with a phone still opens with its last four digits, not with a check code") {
  test::StationFixture f;
  Cases cases(*f.station);
  const CaseReceipt r = cases.record(f.staff, rubbish()).value();
  CHECK(cases.progress_for_resident(r.tracking_code, "5678").is_ok());
  CHECK(cases.progress_for_resident(r.tracking_code, "123456").status().code() ==
        ErrorCode::NotFound);
}

TEST_CASE("the check code is nowhere in the store in clear, only its keyed MAC") {
  test::StationFixture f;
  Cases cases(*f.station);
  const CaseReceipt r = cases.record(std::nullopt, without_phone()).value();
  REQUIRE(r.check_code.size() == 6);
  const auto stored = everything_stored(f);
  for (const auto& value : stored) {
    CHECK_MESSAGE(!stands_alone(value, r.check_code), "the check code is stored in: " << value);
  }
  // What is kept instead: a resident.check_code fact holding a 32-byte MAC (64 hex digits).
  auto rows = storage::Facts::by_subject(f.station->db(), r.case_id.to_string()).value();
  int macs = 0;
  for (const auto& row : rows) {
    if (row.kind != "resident.check_code") continue;
    ++macs;
    const auto body = nlohmann::json::parse(row.body);
    CHECK(body.size() == 1);
    CHECK(body.at("mac").get<std::string>().size() == 64);
  }
  CHECK(macs == 1);
  // The self-check of the scan: the tracking code, stored in clear, is found by it.
  bool found_tracking = false;
  for (const auto& value : stored) found_tracking = found_tracking || value == r.tracking_code;
  CHECK(found_tracking);
}

TEST_CASE("a case step of a kind this release does not know: shown as counted, acting refused") {
  test::StationFixture f;
  Cases cases(*f.station);
  const auto id = cases.record(f.staff, rubbish()).value().case_id;
  const auto other = cases.record(f.staff, rubbish()).value().case_id;
  const auto before = cases.view(id).value().state;
  // A step made by a newer release (as a pull from a district that did not leave it out).
  const storage::FactRow future{"018f7777-0000-7000-8000-000000000001",
                                "case.from_a_newer_release",
                                id.to_string(),
                                "station:530102001002",
                                static_cast<std::int64_t>(before.timeline.back().hlc.pack()) + 1,
                                f.clock.now_ms(),
                                "2026-11-25",
                                R"({"actor":"G1","actor_role":"grid_worker","what":"x"})",
                                std::nullopt};
  REQUIRE(storage::Facts::insert(f.station->db(), future).value());
  // The list and the case page still read: the step is left out of the state and counted.
  auto listed = cases.list(CaseFilter{});
  REQUIRE_MESSAGE(listed.is_ok(), listed.status().to_string());
  REQUIRE(listed->size() == 2);
  for (const auto& v : *listed) CHECK(v.unknown_steps == (v.state.case_id == id ? 1 : 0));
  auto view = cases.view(id);
  REQUIRE(view.is_ok());
  CHECK(view->unknown_steps == 1);
  CHECK(view->state == before);
  // A new step is not checked against a state that may be wrong: upgrade first.
  const auto held = f.fact_count();
  auto noted = cases.note(f.staff, id, "备注");
  REQUIRE_FALSE(noted.is_ok());
  CHECK(noted.status().code() == ErrorCode::TooNew);
  CHECK(noted.status().message().find("case.from_a_newer_release") != std::string::npos);
  CHECK(noted.status().message().find("upgrade this station") != std::string::npos);
  CHECK(f.fact_count() == held);
  CHECK(cases.note(f.staff, other, "备注").is_ok());  // other cases are not held up
}
