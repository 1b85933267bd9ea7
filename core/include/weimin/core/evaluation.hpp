// Evaluations (满意度评价): a resident's rating of a service at a window (a ticket) or of a
// closed case, an append-only fact (DESIGN.md), and the figures made from them: satisfaction
// rate and per-staff figures for the monthly staff assessment (每月考核).
// The rating scale is case.hpp's Rating: satisfied 满意, basically satisfied 基本满意,
// dissatisfied 不满意.
// Thread-safety: value types and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "weimin/core/case.hpp"
#include "weimin/core/hlc.hpp"
#include "weimin/core/id.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

// What is evaluated: a ticket's service (by its TicketId) or a case (by its case id).
enum class EvaluationTarget { Ticket, Case };
// "ticket", "case".
std::string_view to_string(EvaluationTarget target);
Result<EvaluationTarget> parse_evaluation_target(std::string_view text);

// The stable fact kind of an evaluation.
inline constexpr std::string_view kEvaluationKind = "evaluation.given";
// The longest comment kept, in characters (not bytes), after trimming.
inline constexpr std::size_t kMaxCommentChars = 500;

// One evaluation (评价), as given at the kiosk, a window's rating pad or the mobile app.
struct Evaluation {
  Uuid id;
  HlcTimestamp hlc;
  std::int64_t wall_ms = 0;
  std::string origin;
  EvaluationTarget target_kind = EvaluationTarget::Ticket;
  Uuid target;  // the ticket or the case
  Rating rating = Rating::Satisfied;
  std::optional<int> score;  // 1-5 stars, when given
  std::string comment;       // trimmed, ≤ 500 characters; may be empty
  std::string staff;         // the staff number evaluated; empty when none
  bool operator==(const Evaluation&) const = default;
};

// A comment as typed: leading and trailing white space (including the full-width space U+3000)
// is removed. On success the trimmed text. Invalid when it is not valid UTF-8, holds control
// characters other than line breaks and tabs, or is longer than 500 characters after trimming
// ("the comment is 612 characters long; at most 500 are kept — shorten it").
Result<std::string> normalize_comment(std::string_view text);

// Ok for a well-formed evaluation: ids not nil, origin and staff number well-formed, score 1-5
// when given, the comment already normalized. Invalid with a message naming the field otherwise.
Status validate(const Evaluation& evaluation);
// The evaluation with its comment normalized, when it then passes validate(); else its error.
Result<Evaluation> prepare_evaluation(Evaluation evaluation);

// (HLC, origin, id).
bool fact_order_less(const Evaluation& a, const Evaluation& b);

// {"kind": "evaluation.given", "id", "hlc" (packed), "wall_ms", "origin", "target_kind"
//  ("ticket" | "case"), "target", "rating", "score"?, "comment"?, "staff"?}.
nlohmann::json to_json(const Evaluation& evaluation);
// From untrusted JSON: the comment is normalized, then the evaluation must pass validate().
// Invalid on a missing, unknown or mistyped field or an unknown kind, with `source` and the
// JSON-pointer path in the message.
Result<Evaluation> evaluation_from_json(const nlohmann::json& j,
                                        std::string_view source = "evaluation");
// The same from JSON text; malformed JSON and a key repeated in one object are Invalid too.
Result<Evaluation> parse_evaluation(std::string_view json_text,
                                    std::string_view source = "evaluation");

// [SECTION] Figures

// Only the first evaluation of each target counts (in (HLC, origin, id) order): a second tap on
// the rating pad, or a second node's copy, does not count twice. Returns those, in fact order.
std::vector<Evaluation> first_per_target(std::span<const Evaluation> evaluations);

struct SatisfactionFigures {
  int total = 0;
  int satisfied = 0;
  int basically_satisfied = 0;
  int dissatisfied = 0;
  int scored = 0;                       // evaluations that gave a score
  std::optional<double> average_score;  // over those; nullopt when none

  // Satisfaction rate (满意率) = (satisfied + basically satisfied) ÷ total, from 0 to 1;
  // nullopt when there is no evaluation (no rate rather than 0 % or 100 %).
  std::optional<double> satisfaction_rate() const;
  bool operator==(const SatisfactionFigures&) const = default;
};

// Figures over first_per_target(evaluations).
SatisfactionFigures satisfaction_figures(std::span<const Evaluation> evaluations);

// One staff member's figures for a period.
struct StaffFigures {
  std::string staff;
  int served = 0;  // tickets finished (queue.hpp's served_by_staff, summed over the days)
  SatisfactionFigures satisfaction;  // over the evaluations naming this staff number
  bool operator==(const StaffFigures&) const = default;
};

// Figures for every staff number that served a ticket or was evaluated, ordered by staff
// number. Evaluations are first counted once per target; those naming no staff are left out.
std::vector<StaffFigures> staff_figures(const std::map<std::string, int>& served_by_staff,
                                        std::span<const Evaluation> evaluations);

}  // namespace weimin::core
