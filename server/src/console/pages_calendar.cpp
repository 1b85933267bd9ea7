// The working-day calendar page (docs/CONSOLE.md): the deadlines per whistle kind with their
// units and the calendar the district published with its catalog (work_calendar.hpp), for every
// role; and the deadline words the case page shows (deadline_limits_text).
#include "console/impl.hpp"
#include "console/render.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::server {

using console::Ctx;
using console::Lang;
using nlohmann::json;
using sync::HttpResponse;

namespace console {

std::string limit_text(const Ctx& c, int count, core::DeadlineUnit unit) {
  return fill(c.t(unit == core::DeadlineUnit::WorkingDays ? "unit_working_days" : "unit_hours"),
              {std::to_string(count)});
}

std::string deadline_limits_text(const Ctx& c, const core::Catalog& catalog,
                                 core::WhistleKind kind) {
  for (const core::Deadline& d : catalog.deadlines) {
    if (d.kind != kind) continue;
    return fill(c.t("limits_fmt"),
                {limit_text(c, d.report_in, d.unit), limit_text(c, d.feedback, d.unit),
                 limit_text(c, d.verify, d.unit)});
  }
  return {};
}

std::string due_text(std::int64_t due_ms, core::DeadlineUnit unit) {
  if (due_ms <= 0) return {};
  return unit == core::DeadlineUnit::WorkingDays ? core::local_deadline_time(due_ms)
                                                 : local_time(due_ms);
}

}  // namespace console

HttpResponse Console::Impl::calendar_page(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const bool zh = c.lang == Lang::Zh;
  json data{{"title", c.t("cal_title")}};
  if (catalog == nullptr) {
    data["no_catalog"] = true;
    return page(c, 200, "calendar", std::move(data));
  }
  json deadlines = json::array();
  for (const core::Deadline& d : catalog->deadlines) {
    deadlines.push_back(
        {{"kind", console::term(c.lang, "kind_", std::string(core::to_string(d.kind)))},
         {"kind_key", std::string(core::to_string(d.kind))},
         {"unit", c.t(std::string("unit_name_") + std::string(core::to_string(d.unit)))},
         {"report_in", console::limit_text(c, d.report_in, d.unit)},
         {"feedback", console::limit_text(c, d.feedback, d.unit)},
         {"verify", console::limit_text(c, d.verify, d.unit)}});
  }
  data["deadlines"] = std::move(deadlines);

  auto day_text = [&](core::CivilDate day) {
    return day.to_string() + " " + c.t("wd_" + std::to_string(day.weekday()));
  };
  json years = json::array();
  for (const core::CalendarYear& y : catalog->work_calendar.years) {
    json holidays = json::array();
    for (const core::Holiday& h : y.holidays) {
      const std::int64_t days = h.last.days_since_epoch() - h.first.days_since_epoch() + 1;
      holidays.push_back({{"name", zh || h.en.empty() ? h.zh : h.en},
                          {"first", day_text(h.first)},
                          {"last", day_text(h.last)},
                          {"days", console::fill(c.t("cal_days"), {std::to_string(days)})}});
    }
    json workdays = json::array();
    for (const core::CivilDate& w : y.workdays) workdays.push_back({{"date", day_text(w)}});
    years.push_back({{"year", std::to_string(y.year)},
                     {"notice", y.notice},
                     {"holidays", std::move(holidays)},
                     {"workdays", std::move(workdays)},
                     {"has_workdays", !y.workdays.empty()}});
  }
  data["years"] = std::move(years);
  data["has_years"] = !catalog->work_calendar.years.empty();
  // This year and next: a deadline counted now may reach into either.
  const int this_year = core::local_date(service.clock().now_ms()).year;
  std::vector<int> missing;
  for (int y : {this_year, this_year + 1}) {
    if (!catalog->work_calendar.covers(y)) missing.push_back(y);
  }
  data["warning"] = core::fallback_warning(missing, zh);
  return page(c, 200, "calendar", std::move(data));
}

}  // namespace weimin::server
