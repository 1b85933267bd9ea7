// Deadlines of a case's current round: which steps are overdue.
#include <algorithm>
#include <cassert>

#include "weimin/core/case.hpp"

namespace weimin::core {
namespace {

constexpr std::int64_t kMsPerHour = 60 * 60 * 1000;

void check(std::vector<Overdue>& out, OverdueStep step, std::string department, HlcTimestamp from,
           int hours, std::int64_t now_ms) {
  if (hours <= 0) return;
  const std::int64_t due = from.wall_ms + hours * kMsPerHour;
  if (now_ms > due) out.push_back(Overdue{step, std::move(department), due, now_ms - due});
}

}  // namespace

const CaseDeadlines::Hours& CaseDeadlines::for_kind(WhistleKind kind) const {
  switch (kind) {
    case WhistleKind::Emergency:
      return emergency;
    case WhistleKind::Key:
      return key;
    case WhistleKind::Routine:
      return routine;
  }
  assert(false && "WhistleKind out of range");
  return routine;
}

std::string_view to_string(OverdueStep step) {
  switch (step) {
    case OverdueStep::ReportIn:
      return "report_in";
    case OverdueStep::Feedback:
      return "feedback";
    case OverdueStep::Verify:
      return "verify";
  }
  return "unknown";
}

std::vector<Overdue> overdue(const CaseState& state, const CaseDeadlines& deadlines,
                             std::int64_t now_ms) {
  std::vector<Overdue> out;
  switch (state.stage) {
    case CaseStage::Whistled:
    case CaseStage::Reported:
    case CaseStage::Feedback: {
      if (!state.kind || !state.whistled_at) break;
      const CaseDeadlines::Hours& hours = deadlines.for_kind(*state.kind);
      for (const DepartmentProgress& d : state.departments) {
        if (d.returned) continue;
        if (!d.reported) {
          check(out, OverdueStep::ReportIn, d.department, d.whistled, hours.report_in, now_ms);
        } else if (!d.feedback) {
          check(out, OverdueStep::Feedback, d.department, *d.reported, hours.feedback, now_ms);
        }
      }
      if (state.stage == CaseStage::Feedback) {
        check(out, OverdueStep::Verify, {}, state.stage_since, hours.verify, now_ms);
      }
      break;
    }
    case CaseStage::Resolved:
      check(out, OverdueStep::Verify, {}, state.stage_since, deadlines.routine.verify, now_ms);
      break;
    default:
      break;
  }
  std::sort(out.begin(), out.end(), [](const Overdue& a, const Overdue& b) {
    if (a.late_ms != b.late_ms) return a.late_ms > b.late_ms;
    return a.department < b.department;
  });
  return out;
}

}  // namespace weimin::core
