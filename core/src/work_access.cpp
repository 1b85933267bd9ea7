// check_work_access: matching a task against the community work list (promises in
// work_access.hpp). Text is compared as Unicode code points after folding ASCII case and
// full-width forms and turning punctuation into breaks; Chinese has no spaces, so besides whole
// keywords we compare pairs of adjacent characters (bigrams).
#include "weimin/core/work_access.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace weimin::core {

namespace {

// [SECTION] Text

// Strict UTF-8 decoding: nullopt for overlong forms, surrogates and truncated sequences.
std::optional<std::u32string> decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (cont & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out.push_back(c);
    i += len;
  }
  return out;
}

bool is_break(char32_t c) {
  if (c <= 0x20 || c == 0x7F || c == 0xA0) return true;
  if (c < 0x80) {
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }
  return (c >= 0x2000 && c <= 0x206F) ||  // general punctuation: — … “ ”
         (c >= 0x3000 && c <= 0x303F) ||  // CJK punctuation: 、。《》「」
         (c >= 0xFF00 && c <= 0xFF0F) ||  // full-width ！（），．／
         (c >= 0xFF1A && c <= 0xFF20) ||  // full-width ：；？
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

// Folds case and full-width letters and digits; every run of punctuation or space becomes one
// space, so keywords and character pairs never match across a break.
std::u32string normalize(const std::u32string& text) {
  std::u32string out;
  for (char32_t c : text) {
    if (c >= 0xFF10 && c <= 0xFF5A && !is_break(c)) c -= 0xFEE0;  // full-width → ASCII
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (is_break(c)) {
      if (!out.empty() && out.back() != U' ') out.push_back(U' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == U' ') out.pop_back();
  return out;
}

// For catalog text, which parse_catalog has checked to be valid UTF-8 (nlohmann does).
std::u32string normalized(std::string_view s) {
  return normalize(decode_utf8(s).value_or(U""));
}

bool contains(const std::u32string& text, const std::u32string& word) {
  return !word.empty() && text.find(word) != std::u32string::npos;
}

using Bigram = std::uint64_t;

// Words so common in tasks pushed onto communities that they say nothing about which item;
// they are taken out before character pairs are compared (keywords still see them).
const std::vector<std::u32string>& stop_words() {
  static const std::vector<std::u32string> words = {
      U"社区", U"协助", U"开展", U"工作", U"要求", U"街道", U"负责", U"做好",
      U"相关", U"进行", U"完成", U"配合", U"各类", U"有关", U"落实", U"部门",
      U"居民", U"服务", U"管理", U"辖区", U"承担", U"组织"};
  return words;
}

// Every occurrence of `word` in `text` replaced by a break.
std::u32string break_out(const std::u32string& text, const std::u32string& word) {
  std::u32string out;
  std::size_t from = 0;
  for (std::size_t at = text.find(word); at != std::u32string::npos; at = text.find(word, from)) {
    out.append(text.begin() + from, text.begin() + at);
    out.push_back(U' ');
    from = at + word.size();
  }
  out.append(text.begin() + from, text.end());
  return out;
}

void add_bigrams(std::u32string text, std::set<Bigram>& out) {
  for (const std::u32string& w : stop_words()) text = break_out(text, w);
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == U' ' || text[i + 1] == U' ') continue;
    out.insert((static_cast<Bigram>(text[i]) << 32) | text[i + 1]);
  }
}

// Dice coefficient of two bigram sets: 1 for equal sets, 0 for disjoint ones.
double dice(const std::set<Bigram>& a, const std::set<Bigram>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t shared = 0;
  for (Bigram x : a) shared += b.count(x);
  return 2.0 * static_cast<double>(shared) / static_cast<double>(a.size() + b.size());
}

std::vector<std::string> keywords_found(const std::u32string& text,
                                        const std::vector<std::string>& keywords,
                                        std::size_t* longest = nullptr) {
  std::vector<std::string> found;
  for (const std::string& k : keywords) {
    std::u32string nk = normalized(k);
    if (!contains(text, nk)) continue;
    found.push_back(k);
    if (longest) *longest = std::max(*longest, nk.size());
  }
  return found;
}

// [SECTION] Scoring and explaining

// A keyword found counts for most of the score (a two-character one a little less, as it is
// more often found by chance); more keywords and shared character pairs add to it.
WorkListMatch score_item(const WorkListItem& item, const std::u32string& text,
                         const std::set<Bigram>& text_bigrams) {
  WorkListMatch m;
  m.item_id = item.id;
  m.name = item.name;
  std::size_t longest = 0;
  m.matched_keywords = keywords_found(text, item.keywords, &longest);
  std::set<Bigram> item_bigrams;
  add_bigrams(normalized(item.name.zh), item_bigrams);
  for (const std::string& k : item.keywords) add_bigrams(normalized(k), item_bigrams);
  double overlap = dice(text_bigrams, item_bigrams);
  if (m.matched_keywords.empty()) {
    m.score = overlap;
  } else {
    double keyword_score =
        (longest >= 3 ? 0.75 : 0.6) + 0.15 * static_cast<double>(m.matched_keywords.size() - 1);
    m.score = std::min(1.0, keyword_score + 0.25 * overlap);
  }
  return m;
}

std::string joined(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : std::string(sep)) + w;
  return out;
}

std::string percent(double score) {
  return std::to_string(std::lround(score * 100)) + "%";
}

// "low income" style English name, falling back to the Chinese one.
const std::string& en_or_zh(const Text& t) {
  return t.en.empty() ? t.zh : t.en;
}

Text explain_match(const WorkListMatch& m) {
  std::string zh_how = m.matched_keywords.empty()
                           ? "文字相似度 " + percent(m.score)
                           : "匹配关键词：" + joined(m.matched_keywords, "、");
  std::string en_how = m.matched_keywords.empty()
                           ? "text similarity " + percent(m.score)
                           : "keywords found: " + joined(m.matched_keywords, ", ");
  return {"在社区工作事项清单内：「" + m.name.zh + "」（" + m.item_id + "，" + zh_how + "）。",
          "On the community work list: \"" + en_or_zh(m.name) + "\" (" + m.item_id + "; " + en_how +
              ")."};
}

Text explain_no_match(const std::vector<WorkListMatch>& matches) {
  Text t{"不在社区工作事项清单内", "Not on the community work list"};
  if (!matches.empty()) {
    const WorkListMatch& best = matches.front();
    t.zh += "（最接近：「" + best.name.zh + "」，相似度 " + percent(best.score) + "）";
    t.en += " (closest: \"" + en_or_zh(best.name) + "\", score " + percent(best.score) + ")";
  }
  t.zh += "。须经社区工作准入审批后方可由社区承接。";
  t.en += ". It needs work-access approval before the station takes it on.";
  return t;
}

Text explain_excluded(const ExcludedWork& w, const std::vector<std::string>& found) {
  return {"属于原则上一律取消的社区事项「" + w.name.zh + "」（关键词：" + joined(found, "、") +
              "），社区不应承接；如确需社区协助，须经社区工作准入审批。",
          "This is work abolished for communities in principle: \"" + en_or_zh(w.name) +
              "\" (keywords found: " + joined(found, ", ") +
              "). The station should not take it on; any help asked of it needs work-access "
              "approval."};
}

// The certificate rule: after the names of issuable certificates are taken out, is a
// certificate (证明) still asked to be issued, or a stamp (盖章) asked for?
bool asks_for_other_certificate(const Catalog& catalog, std::u32string text) {
  for (const Certificate& c : catalog.certificates) {
    if (!c.issuable) continue;
    std::u32string name = normalized(c.name.zh);
    if (name.empty()) continue;
    text = break_out(text, name);
  }
  if (contains(text, U"盖章") || contains(text, U"签章")) return true;
  bool issue = contains(text, U"开具") || contains(text, U"出具") || contains(text, U"签发") ||
               contains(text, U"开证明") || contains(text, U"开个证明");
  return issue && contains(text, U"证明");
}

Text explain_certificate(const Catalog& catalog, const std::u32string& text) {
  std::vector<std::string> issuable_zh, issuable_en;
  for (const Certificate& c : catalog.certificates) {
    if (!c.issuable) continue;
    issuable_zh.push_back(c.name.zh);
    issuable_en.push_back(en_or_zh(c.name));
  }
  Text t{"任务要求社区开具证明或盖章：",
         "The task asks the community to issue a certificate or stamp a document: "};
  if (issuable_zh.empty()) {
    t.zh += "本区居民委员会不开具任何证明。";
    t.en += "residents' committees here issue no certificates.";
  } else {
    t.zh += "村（居）民委员会只开具" + joined(issuable_zh, "、") + "。";
    t.en += "residents' committees issue only: " + joined(issuable_en, ", ") + ".";
  }
  for (const Certificate& c : catalog.certificates) {
    if (c.issuable || !contains(text, normalized(c.name.zh))) continue;
    t.zh += "「" + c.name.zh + "」" + (c.note.zh.empty() ? "社区不开具。" : "：" + c.note.zh);
    t.en += " \"" + en_or_zh(c.name) +
            "\": " + (c.note.en.empty() ? std::string("not issued by the community.") : c.note.en);
  }
  t.zh += "其他证明事项须经社区工作准入审批。";
  t.en += " Any other certificate needs work-access approval.";
  return t;
}

}  // namespace

std::string_view to_string(WorkAccessVerdict verdict) {
  switch (verdict) {
    case WorkAccessVerdict::OnList:
      return "on_list";
    case WorkAccessVerdict::NeedsApproval:
      return "needs_approval";
    case WorkAccessVerdict::Approved:
      return "approved";
  }
  return "unknown";
}

std::string_view to_string(WorkAccessReason reason) {
  switch (reason) {
    case WorkAccessReason::MatchesWorkList:
      return "matches_work_list";
    case WorkAccessReason::NoCloseMatch:
      return "no_close_match";
    case WorkAccessReason::AbolishedWork:
      return "abolished_work";
    case WorkAccessReason::CertificateNotIssuable:
      return "certificate_not_issuable";
    case WorkAccessReason::ApprovedApplication:
      return "approved_application";
    case WorkAccessReason::RefusedApplication:
      return "refused_application";
  }
  return "unknown";
}

Result<WorkAccessDecision> check_work_access(const Catalog& catalog, std::string_view task_text) {
  if (task_text.size() > kMaxTaskTextBytes) {
    return Status(ErrorCode::Invalid, "the task text is " + std::to_string(task_text.size()) +
                                          " bytes, more than the " +
                                          std::to_string(kMaxTaskTextBytes) +
                                          " checked; enter the task's title and main request");
  }
  std::optional<std::u32string> decoded = decode_utf8(task_text);
  if (!decoded) {
    return Status(ErrorCode::Invalid, "the task text is not valid UTF-8; enter it again");
  }
  std::u32string text = normalize(*decoded);
  if (text.empty()) {
    return Status(ErrorCode::Invalid,
                  "the task text is empty; enter what the department asks the station to do");
  }

  WorkAccessDecision d;
  std::set<Bigram> text_bigrams;
  add_bigrams(text, text_bigrams);
  for (const WorkListItem& item : catalog.work_list) {
    WorkListMatch m = score_item(item, text, text_bigrams);
    if (m.score > 0) d.matches.push_back(std::move(m));
  }
  std::stable_sort(
      d.matches.begin(), d.matches.end(),
      [](const WorkListMatch& a, const WorkListMatch& b) { return a.score > b.score; });
  if (d.matches.size() > kMaxWorkListMatches) d.matches.resize(kMaxWorkListMatches);

  d.verdict = WorkAccessVerdict::NeedsApproval;
  for (const ExcludedWork& w : catalog.excluded_work) {
    std::vector<std::string> found = keywords_found(text, w.keywords);
    if (found.empty()) continue;
    d.reason = WorkAccessReason::AbolishedWork;
    d.excluded_id = w.id;
    d.excluded_keywords = found;
    d.explanation = explain_excluded(w, found);
    return d;
  }
  if (asks_for_other_certificate(catalog, text)) {
    d.reason = WorkAccessReason::CertificateNotIssuable;
    d.explanation = explain_certificate(catalog, text);
    return d;
  }
  if (!d.matches.empty() && d.matches.front().score >= kOnListScore) {
    d.verdict = WorkAccessVerdict::OnList;
    d.reason = WorkAccessReason::MatchesWorkList;
    d.explanation = explain_match(d.matches.front());
    return d;
  }
  d.reason = WorkAccessReason::NoCloseMatch;
  d.explanation = explain_no_match(d.matches);
  return d;
}

double task_similarity(std::string_view a, std::string_view b) {
  std::optional<std::u32string> da = decode_utf8(a), db = decode_utf8(b);
  if (!da || !db) return 0;
  std::u32string na = normalize(*da), nb = normalize(*db);
  const std::u32string& shorter = na.size() <= nb.size() ? na : nb;
  const std::u32string& longer = na.size() <= nb.size() ? nb : na;
  if (shorter.size() >= 4 && contains(longer, shorter)) return 1;
  std::set<Bigram> ba, bb;
  add_bigrams(na, ba);
  add_bigrams(nb, bb);
  return dice(ba, bb);
}

}  // namespace weimin::core
