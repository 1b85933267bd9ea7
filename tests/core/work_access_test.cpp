#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "seed.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/work_access.hpp"

using weimin::ErrorCode;
using namespace weimin::core;

namespace {

const Catalog& wuhua() {
  static const Catalog catalog = [] {
    std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json",
                     std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto r = parse_catalog(text.str(), "wuhua.json");
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
    return std::move(r).value();
  }();
  return catalog;
}

WorkAccessDecision check(std::string_view task) {
  auto r = check_work_access(wuhua(), task);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return std::move(r).value();
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("a task clearly on the work list matches its item") {
  WorkAccessDecision d = check("街道要求社区协助开展低保家庭入户调查");
  CHECK(d.verdict == WorkAccessVerdict::OnList);
  CHECK(d.reason == WorkAccessReason::MatchesWorkList);
  REQUIRE_FALSE(d.matches.empty());
  CHECK(d.matches.front().item_id == "W14");
  CHECK(d.matches.front().score >= kOnListScore);
  CHECK(has(d.matches.front().matched_keywords, "低保"));
  CHECK(has(d.matches.front().matched_keywords, "入户调查"));
  CHECK(d.explanation.zh.find("W14") != std::string::npos);
  CHECK(d.explanation.en.find("On the community work list") != std::string::npos);

  CHECK(check("组织辖区居民开展垃圾分类宣传").matches.front().item_id == "W13");
  CHECK(check("协助做好今年的征兵宣传和兵役登记").matches.front().item_id == "W29");
  CHECK(check("为申请助学金的居民出具经济困难证明").verdict == WorkAccessVerdict::OnList);
}

TEST_CASE("matches are best first, few, and scored between 0 and 1") {
  WorkAccessDecision d = check("协助残疾人办理残疾人证，并做好居家养老助老服务");
  REQUIRE_FALSE(d.matches.empty());
  CHECK(d.matches.size() <= kMaxWorkListMatches);
  for (std::size_t i = 0; i < d.matches.size(); ++i) {
    CHECK(d.matches[i].score > 0);
    CHECK(d.matches[i].score <= 1);
    if (i > 0) CHECK(d.matches[i - 1].score >= d.matches[i].score);
  }
  CHECK(d.verdict == WorkAccessVerdict::OnList);
}

TEST_CASE("investment attraction quotas need approval as abolished work") {
  WorkAccessDecision d = check("请各社区完成本年度招商引资指标任务");
  CHECK(d.verdict == WorkAccessVerdict::NeedsApproval);
  CHECK(d.reason == WorkAccessReason::AbolishedWork);
  CHECK(d.excluded_id == "X01");
  CHECK(has(d.excluded_keywords, "招商引资"));
  CHECK(d.explanation.zh.find("招商引资") != std::string::npos);
  CHECK(d.explanation.en.find("work-access approval") != std::string::npos);
  // Abolished work wins even when the task also sounds like a work-list item.
  CHECK(check("社区负责违章建筑拆除和巡查").reason == WorkAccessReason::AbolishedWork);
}

TEST_CASE("a certificate other than the economic hardship certificate needs approval") {
  WorkAccessDecision d = check("开具居住证明以外的证明");
  CHECK(d.verdict == WorkAccessVerdict::NeedsApproval);
  CHECK(d.reason == WorkAccessReason::CertificateNotIssuable);
  CHECK(d.explanation.zh.find("经济困难证明") != std::string::npos);
  CHECK(d.explanation.zh.find("居住证明") != std::string::npos);
  CHECK(check("请社区为辖区企业职工出具收入证明").reason ==
        WorkAccessReason::CertificateNotIssuable);
  CHECK(check("请社区在申请表上盖章").reason == WorkAccessReason::CertificateNotIssuable);
  CHECK(check("出具经济困难证明和亲属关系证明").reason == WorkAccessReason::CertificateNotIssuable);
}

TEST_CASE("an unrelated task needs approval and names the closest item") {
  WorkAccessDecision d = check("负责辖区企业安全生产许可证年审");
  CHECK(d.verdict == WorkAccessVerdict::NeedsApproval);
  CHECK(d.reason == WorkAccessReason::NoCloseMatch);
  CHECK(d.explanation.en.find("needs work-access approval") != std::string::npos);
  for (const WorkListMatch& m : d.matches) CHECK(m.score < kOnListScore);
}

TEST_CASE("punctuation, spaces and full-width letters do not hide a keyword") {
  CHECK(check("协助：低保（最低生活保障）　入户调查").verdict == WorkAccessVerdict::OnList);
  CHECK(check("转办１２３４５热线反映的居民诉求").matches.front().item_id == "W37");
  // A keyword does not match across a break.
  auto split = check("低，保");
  CHECK(split.verdict == WorkAccessVerdict::NeedsApproval);
}

TEST_CASE("work access refuses empty, blank, over-long and non-UTF-8 text") {
  for (std::string_view bad :
       {std::string_view(""), std::string_view("   "), std::string_view("，。！"),
        std::string_view("\xff\xfe"), std::string_view("\xe4\xbd")}) {
    auto r = check_work_access(wuhua(), bad);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == ErrorCode::Invalid);
  }
  std::string long_text(kMaxTaskTextBytes + 1, 'a');
  CHECK(check_work_access(wuhua(), long_text).status().code() == ErrorCode::Invalid);
}

TEST_CASE("a paraphrase of an item's name matches by shared character pairs alone") {
  Catalog c;
  c.work_list.push_back({"A1", {"组织开展邻里节活动", "Neighbours' festival"}, {"邻里节"}});
  c.work_list.push_back({"A2", {"维护小区停车秩序", "Parking order"}, {"停车位"}});
  auto r = check_work_access(c, "小区停车秩序维护");
  REQUIRE(r.is_ok());
  REQUIRE_FALSE(r->matches.empty());
  CHECK(r->matches.front().item_id == "A2");
  CHECK(r->matches.front().matched_keywords.empty());
  CHECK(r->verdict == WorkAccessVerdict::OnList);
  CHECK(to_string(r->verdict) == "on_list");
  CHECK(to_string(WorkAccessReason::NoCloseMatch) == "no_close_match");
}

// Property: any text of common Chinese characters and punctuation gets a decision whose
// matches are sorted, at most kMaxWorkListMatches, and scored in (0, 1].
TEST_CASE("random task texts always get a well-formed decision") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::u32string alphabet =
      U"社区居民低保入户调查残疾人证就业登记垃圾分类招商引资证明盖章开具协助组织活动养老"
      U"，。、 （）abc123";
  for (int round = 0; round < 500; ++round) {
    std::string text;
    std::size_t n = 1 + rng() % 30;
    for (std::size_t i = 0; i < n; ++i) {
      char32_t c = alphabet[rng() % alphabet.size()];
      if (c < 0x80) {
        text += static_cast<char>(c);
      } else {  // all of the alphabet's other characters are three bytes in UTF-8
        text += static_cast<char>(0xE0 | (c >> 12));
        text += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    CAPTURE(text);
    auto r = check_work_access(wuhua(), text);
    if (!r.is_ok()) {
      CHECK(r.status().code() == ErrorCode::Invalid);  // only punctuation and spaces
      continue;
    }
    CHECK(r->matches.size() <= kMaxWorkListMatches);
    for (std::size_t i = 0; i < r->matches.size(); ++i) {
      CHECK(r->matches[i].score > 0);
      CHECK(r->matches[i].score <= 1);
      if (i > 0) CHECK(r->matches[i - 1].score >= r->matches[i].score);
    }
    CHECK_FALSE(r->explanation.zh.empty());
    CHECK_FALSE(r->explanation.en.empty());
    if (r->verdict == WorkAccessVerdict::OnList) {
      CHECK(r->matches.front().score >= kOnListScore);
    }
  }
}
