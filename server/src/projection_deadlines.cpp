// Which cases a newly published catalog's deadlines change (projection_store.hpp,
// catalog_change): the stores make those cases' rows and units again in the publish's own
// transaction, so a new working-day calendar moves the deadlines without a rebuild.
#include <algorithm>

#include "projection_store.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::server::projection {
namespace {

// The dates on which `a` and `b` disagree about whether offices work, ascending. Only a date
// one of them lists (a holiday's day or a swapped workday) can differ: every other date is
// Monday–Friday in both.
std::vector<core::CivilDate> changed_working_days(const core::WorkCalendar& a,
                                                  const core::WorkCalendar& b) {
  std::vector<std::int64_t> listed;
  for (const core::WorkCalendar* c : {&a, &b}) {
    for (const core::CalendarYear& y : c->years) {
      for (const core::Holiday& h : y.holidays) {
        for (std::int64_t d = h.first.days_since_epoch(); d <= h.last.days_since_epoch(); ++d) {
          listed.push_back(d);
        }
      }
      for (const core::CivilDate& w : y.workdays) listed.push_back(w.days_since_epoch());
    }
  }
  std::sort(listed.begin(), listed.end());
  listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
  std::vector<core::CivilDate> out;
  for (std::int64_t d : listed) {
    const core::CivilDate date = core::CivilDate::from_days(d);
    if (core::is_working_day(a, date) != core::is_working_day(b, date)) out.push_back(date);
  }
  return out;
}

// The most working days any deadline of `d` counts (the resolution's: report-in, feedback and
// verification together); 0 when no limit is in working days.
int longest_working_day_count(const core::CaseDeadlines& d) {
  int most = 0;
  for (const core::CaseDeadlines::Limits* l : {&d.emergency, &d.key, &d.routine}) {
    if (l->unit != core::DeadlineUnit::WorkingDays) continue;
    most = std::max(most,
                    std::max(0, l->report_in) + std::max(0, l->feedback) + std::max(0, l->verify));
  }
  return most;
}

// Far enough back to hold any deadline of a real catalog; past it, every case is made again.
constexpr int kMostDaysBack = 4000;

}  // namespace

CatalogChange catalog_change(const core::CaseDeadlines& before, const core::CaseDeadlines& after) {
  const bool limits_same = before.emergency == after.emergency && before.key == after.key &&
                           before.routine == after.routine;
  if (!limits_same) return {true, 0};
  const int days = longest_working_day_count(before);
  if (days == 0) return {};  // hours only: the calendar counts for nothing
  const std::vector<core::CivilDate> changed =
      changed_working_days(before.calendar, after.calendar);
  if (changed.empty()) return {};
  // A deadline of n working days from a step on day s ends at 24:00 of the n-th working day W
  // after s, and it can move only when a date in (s, W] changed. W grows with s and with n, so
  // the steps that cannot reach the first changed date are those on days before the first day
  // s whose longest deadline (under the old calendar, equal to the new one up to W) ends after
  // that date's 00:00.
  const std::int64_t first_changed = core::unix_ms_at(changed.front(), 0);
  std::int64_t s = changed.front().days_since_epoch() - 1;  // its deadlines end after the date
  for (int back = 0;; ++back) {
    if (back == kMostDaysBack) return {true, 0};
    const std::int64_t earlier = core::unix_ms_at(core::CivilDate::from_days(s - 1), 0);
    if (core::add_working_days(before.calendar, earlier, days) <= first_changed) break;
    --s;
  }
  return {true, core::unix_ms_at(core::CivilDate::from_days(s), 0)};
}

}  // namespace weimin::server::projection
