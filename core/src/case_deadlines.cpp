// Deadlines of a case's current round: which steps are overdue.
#include <algorithm>
#include <cassert>
#include <limits>

#include "weimin/core/case.hpp"

namespace weimin::core {
namespace {

constexpr std::int64_t kMsPerHour = 60 * 60 * 1000;

void check(std::vector<Overdue>& out, OverdueStep step, std::string department, HlcTimestamp from,
           const CaseDeadlines& deadlines, const CaseDeadlines::Limits& limits, int count,
           std::int64_t now_ms) {
  if (count <= 0) return;
  const std::int64_t due = deadlines.due_after(limits, from.wall_ms, count);
  if (now_ms > due) out.push_back(Overdue{step, std::move(department), due, now_ms - due});
}

}  // namespace

std::int64_t deadline_after(std::int64_t from_ms, int count, DeadlineUnit unit,
                            const WorkCalendar& calendar) {
  if (count <= 0) return 0;
  if (unit == DeadlineUnit::WorkingDays) return add_working_days(calendar, from_ms, count);
  return from_ms + count * kMsPerHour;
}

std::int64_t CaseDeadlines::due_after(const Limits& limits, std::int64_t from_ms, int count) const {
  return deadline_after(from_ms, count, limits.unit, calendar);
}

std::int64_t CaseDeadlines::resolve_due(const Limits& limits, std::int64_t named_ms) const {
  if (limits.report_in <= 0 || limits.feedback <= 0) return 0;
  return due_after(limits, named_ms,
                   limits.report_in + limits.feedback + std::max(0, limits.verify));
}

CaseDeadlines case_deadlines(const Catalog& catalog) {
  CaseDeadlines out;
  for (const Deadline& d : catalog.deadlines) {
    const CaseDeadlines::Limits l{d.report_in, d.feedback, d.verify, d.unit};
    switch (d.kind) {
      case WhistleKind::Emergency:
        out.emergency = l;
        break;
      case WhistleKind::Key:
        out.key = l;
        break;
      case WhistleKind::Routine:
        out.routine = l;
        break;
    }
  }
  out.calendar = catalog.work_calendar;
  return out;
}

const CaseDeadlines::Limits& CaseDeadlines::for_kind(WhistleKind kind) const {
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
      const CaseDeadlines::Limits& l = deadlines.for_kind(*state.kind);
      for (const DepartmentProgress& d : state.departments) {
        if (d.returned) continue;
        if (!d.reported) {
          check(out, OverdueStep::ReportIn, d.department, d.whistled, deadlines, l, l.report_in,
                now_ms);
        } else if (!d.feedback) {
          check(out, OverdueStep::Feedback, d.department, *d.reported, deadlines, l, l.feedback,
                now_ms);
        }
      }
      if (state.stage == CaseStage::Feedback) {
        check(out, OverdueStep::Verify, {}, state.stage_since, deadlines, l, l.verify, now_ms);
      }
      break;
    }
    case CaseStage::Resolved:
      check(out, OverdueStep::Verify, {}, state.stage_since, deadlines, deadlines.routine,
            deadlines.routine.verify, now_ms);
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

std::optional<std::int64_t> overdue_from(const CaseState& state, const CaseDeadlines& deadlines) {
  // Every step with a deadline is past it at the end of time; the earliest is the answer.
  std::optional<std::int64_t> first;
  for (const Overdue& o : overdue(state, deadlines, std::numeric_limits<std::int64_t>::max())) {
    if (!first || o.due_ms < *first) first = o.due_ms;
  }
  return first;
}

}  // namespace weimin::core
