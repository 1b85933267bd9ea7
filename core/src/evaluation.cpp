// Evaluations: validation, JSON and figures (see evaluation.hpp).
#include "weimin/core/evaluation.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "catalog_json_reader.hpp"

namespace weimin::core {

namespace {

using json = nlohmann::json;
namespace cj = catalog_json;

bool is_id_text(std::string_view s, std::size_t max, std::string_view extra) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

// The number of characters of s when it is valid UTF-8 whose only control characters are
// tabs and line breaks.
std::optional<std::size_t> comment_chars(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xC2)) return std::nullopt;
    std::uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F;
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || control) {
      return std::nullopt;
    }
    i += len;
  }
  return chars;
}

// The length of the white space at the start (or, with from_end, the end) of s: ASCII white
// space, the no-break space U+00A0 and the ideographic space U+3000.
std::size_t white_prefix(std::string_view s, bool from_end) {
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0"};
  std::size_t n = 0;
  while (n < s.size()) {
    std::string_view rest = from_end ? s.substr(0, s.size() - n) : s.substr(n);
    const char c = from_end ? rest.back() : rest.front();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      ++n;
      continue;
    }
    std::size_t step = 0;
    for (std::string_view w : kWide) {
      if (from_end ? rest.ends_with(w) : rest.starts_with(w)) step = w.size();
    }
    if (step == 0) break;
    n += step;
  }
  return n;
}

Status invalid(const Evaluation& e, std::string what) {
  return Status(ErrorCode::Invalid, "evaluation " + e.id.to_string() + ": " + std::move(what));
}

Uuid read_uuid(const json& j, const std::string& path) {
  std::string text = cj::read_string(j, path);
  std::optional<Uuid> id = Uuid::parse(text);
  if (!id) {
    cj::fail(path, "expected a UUID in canonical form (8-4-4-4-12 hex digits), found " +
                       cj::in_quotes(text));
  }
  if (id->is_nil()) cj::fail(path, "the nil UUID names nothing");
  return *id;
}

Evaluation read_evaluation(const json& j) {
  cj::Obj o(j, "",
            {"kind", "id", "hlc", "wall_ms", "origin", "target_kind", "target", "rating", "score",
             "comment", "staff"});
  const std::string kind = cj::read_string(o.req("kind"), o.at("kind"));
  if (kind != kEvaluationKind) {
    cj::fail(o.at("kind"), "unknown kind " + cj::in_quotes(kind) + " (an evaluation is " +
                               cj::in_quotes(kEvaluationKind) + ")");
  }
  Evaluation e;
  e.id = read_uuid(o.req("id"), o.at("id"));
  const std::int64_t hlc = cj::read_int64(o.req("hlc"), o.at("hlc"));
  if (hlc < 0)
    cj::fail(o.at("hlc"), "a packed HLC is never negative, found " + std::to_string(hlc));
  e.hlc = HlcTimestamp::unpack(static_cast<std::uint64_t>(hlc));
  e.wall_ms = cj::read_int64(o.req("wall_ms"), o.at("wall_ms"));
  e.origin = cj::read_string(o.req("origin"), o.at("origin"));
  Result<EvaluationTarget> target =
      parse_evaluation_target(cj::read_string(o.req("target_kind"), o.at("target_kind")));
  if (!target) cj::fail(o.at("target_kind"), target.status().message());
  e.target_kind = *target;
  e.target = read_uuid(o.req("target"), o.at("target"));
  Result<Rating> rating = parse_rating(cj::read_string(o.req("rating"), o.at("rating")));
  if (!rating) cj::fail(o.at("rating"), rating.status().message());
  e.rating = *rating;
  if (const json* s = o.opt("score")) e.score = cj::read_int(*s, o.at("score"), 1, 5);
  if (const json* c = o.opt("comment")) {
    if (!c->is_string()) cj::wrong_type(*c, o.at("comment"), "a string");
    Result<std::string> comment = normalize_comment(c->get<std::string>());
    if (!comment) cj::fail(o.at("comment"), comment.status().message());
    e.comment = *comment;
  }
  if (const json* s = o.opt("staff")) e.staff = cj::read_string(*s, o.at("staff"));
  return e;
}

}  // namespace

std::string_view to_string(EvaluationTarget target) {
  return target == EvaluationTarget::Ticket ? "ticket" : "case";
}

Result<EvaluationTarget> parse_evaluation_target(std::string_view text) {
  if (text == "ticket") return EvaluationTarget::Ticket;
  if (text == "case") return EvaluationTarget::Case;
  return Status(ErrorCode::Invalid, "unknown evaluation target " + cj::in_quotes(text) +
                                        " (the targets are: ticket, case)");
}

Result<std::string> normalize_comment(std::string_view text) {
  const std::size_t front = white_prefix(text, false);
  text.remove_prefix(front);
  text.remove_suffix(white_prefix(text, true));
  std::optional<std::size_t> chars = comment_chars(text);
  if (!chars) {
    return Status(ErrorCode::Invalid,
                  "the comment is not plain text (invalid UTF-8 or control characters); "
                  "type it again");
  }
  if (*chars > kMaxCommentChars) {
    return Status(ErrorCode::Invalid,
                  "the comment is " + std::to_string(*chars) + " characters long; at most " +
                      std::to_string(kMaxCommentChars) + " are kept — shorten it");
  }
  return std::string(text);
}

Status validate(const Evaluation& e) {
  if (e.id.is_nil()) return invalid(e, "the id is the nil UUID");
  if (e.target.is_nil()) {
    return invalid(e,
                   "the " + std::string(to_string(e.target_kind)) + " evaluated is the nil UUID");
  }
  if (e.hlc.wall_ms < 0 || e.hlc.wall_ms > HlcTimestamp::kMaxWallMs ||
      e.hlc.logical > HlcTimestamp::kMaxLogical) {
    return invalid(e, "the HLC " + e.hlc.to_string() + " is out of range");
  }
  if (e.wall_ms < 0) return invalid(e, "wall_ms must not be negative");
  if (!is_id_text(e.origin, 64, "_-.:")) {
    return invalid(e, "origin " + cj::in_quotes(e.origin) +
                          " must be 1-64 letters, digits, '_', '-', '.' or ':'");
  }
  if (!e.staff.empty() && !is_id_text(e.staff, 32, "_-")) {
    return invalid(e, "staff number " + cj::in_quotes(e.staff) +
                          " must be 1-32 ASCII letters, digits, '-' or '_'");
  }
  if (e.score && (*e.score < 1 || *e.score > 5)) {
    return invalid(e, "the score must be 1 to 5 stars, found " + std::to_string(*e.score));
  }
  Result<std::string> comment = normalize_comment(e.comment);
  if (!comment) return invalid(e, comment.status().message());
  if (*comment != e.comment) {
    return invalid(e, "the comment has white space at its ends; normalize it first");
  }
  return Status::ok();
}

Result<Evaluation> prepare_evaluation(Evaluation evaluation) {
  Result<std::string> comment = normalize_comment(evaluation.comment);
  if (!comment) return invalid(evaluation, comment.status().message());
  evaluation.comment = std::move(comment).value();
  WEIMIN_TRY(validate(evaluation));
  return evaluation;
}

bool fact_order_less(const Evaluation& a, const Evaluation& b) {
  return std::tie(a.hlc, a.origin, a.id) < std::tie(b.hlc, b.origin, b.id);
}

json to_json(const Evaluation& e) {
  json j = {{"kind", kEvaluationKind},
            {"id", e.id.to_string()},
            {"hlc", static_cast<std::int64_t>(e.hlc.pack())},
            {"wall_ms", e.wall_ms},
            {"origin", e.origin},
            {"target_kind", to_string(e.target_kind)},
            {"target", e.target.to_string()},
            {"rating", to_string(e.rating)}};
  if (e.score) j["score"] = *e.score;
  if (!e.comment.empty()) j["comment"] = e.comment;
  if (!e.staff.empty()) j["staff"] = e.staff;
  return j;
}

Result<Evaluation> evaluation_from_json(const json& j, std::string_view source) {
  Evaluation e;
  try {
    e = read_evaluation(j);
  } catch (const cj::CatalogError& error) {
    return Status(error.code, cj::error_prefix(source, error.path) + error.what);
  } catch (const json::exception& error) {
    return Status(ErrorCode::Invalid, std::string(source) + ": " + error.what());
  }
  if (Status s = validate(e); !s) return Status(s.code(), std::string(source) + ": " + s.message());
  return e;
}

Result<Evaluation> parse_evaluation(std::string_view json_text, std::string_view source) {
  WEIMIN_ASSIGN_OR_RETURN(json j, cj::parse_strict(json_text, source));
  return evaluation_from_json(j, source);
}

// [SECTION] Figures

std::vector<Evaluation> first_per_target(std::span<const Evaluation> evaluations) {
  std::vector<Evaluation> sorted(evaluations.begin(), evaluations.end());
  std::sort(sorted.begin(), sorted.end(), [](const Evaluation& a, const Evaluation& b) {
    if (fact_order_less(a, b)) return true;
    if (fact_order_less(b, a)) return false;
    return to_json(a).dump() < to_json(b).dump();
  });
  std::set<std::pair<EvaluationTarget, Uuid>> seen;
  std::vector<Evaluation> out;
  for (Evaluation& e : sorted) {
    if (seen.emplace(e.target_kind, e.target).second) out.push_back(std::move(e));
  }
  return out;
}

std::optional<double> SatisfactionFigures::satisfaction_rate() const {
  if (total == 0) return std::nullopt;
  return static_cast<double>(satisfied + basically_satisfied) / total;
}

namespace {

void count(SatisfactionFigures& f, const Evaluation& e, std::int64_t& score_sum) {
  ++f.total;
  switch (e.rating) {
    case Rating::Satisfied:
      ++f.satisfied;
      break;
    case Rating::BasicallySatisfied:
      ++f.basically_satisfied;
      break;
    case Rating::Dissatisfied:
      ++f.dissatisfied;
      break;
  }
  if (e.score) {
    ++f.scored;
    score_sum += *e.score;
    f.average_score = static_cast<double>(score_sum) / f.scored;
  }
}

}  // namespace

SatisfactionFigures satisfaction_figures(std::span<const Evaluation> evaluations) {
  SatisfactionFigures f;
  std::int64_t score_sum = 0;
  for (const Evaluation& e : first_per_target(evaluations)) count(f, e, score_sum);
  return f;
}

std::vector<StaffFigures> staff_figures(const std::map<std::string, int>& served_by_staff,
                                        std::span<const Evaluation> evaluations) {
  std::map<std::string, StaffFigures> by_staff;
  std::map<std::string, std::int64_t> score_sums;
  for (const auto& [staff, served] : served_by_staff) {
    by_staff[staff].staff = staff;
    by_staff[staff].served = served;
  }
  for (const Evaluation& e : first_per_target(evaluations)) {
    if (e.staff.empty()) continue;
    StaffFigures& f = by_staff[e.staff];
    f.staff = e.staff;
    count(f.satisfaction, e, score_sums[e.staff]);
  }
  std::vector<StaffFigures> out;
  for (auto& [staff, f] : by_staff) out.push_back(std::move(f));
  return out;
}

}  // namespace weimin::core
