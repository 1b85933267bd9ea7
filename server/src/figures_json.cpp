// DistrictFigures and StaffSheet as JSON (figures_json.hpp).
#include "weimin/server/figures_json.hpp"

#include "weimin/core/civil_time.hpp"

namespace weimin::server {

using nlohmann::json;

namespace {

json groups(const std::vector<FigureGroup>& list) {
  json out = json::array();
  for (const FigureGroup& g : list) out.push_back(to_json(g));
  return out;
}

json queue_rows(const std::vector<QueueFigureRow>& list) {
  json out = json::array();
  for (const QueueFigureRow& q : list) {
    const auto avg = q.average_wait_ms();
    out.push_back({{"community", q.community},
                   {"line", q.line},
                   {"window", q.window},
                   {"taken", q.taken},
                   {"served", q.served},
                   {"no_shows", q.no_shows},
                   {"called", q.called},
                   {"wait_total_ms", q.wait_total_ms},
                   {"average_wait_ms", avg ? json(*avg) : json(nullptr)},
                   {"longest_wait_ms", q.longest_wait_ms}});
  }
  return out;
}

}  // namespace

json to_json(const Rate& rate) {
  const auto v = rate.value();
  return json{{"due", rate.due}, {"met", rate.met}, {"value", v ? json(*v) : json(nullptr)}};
}

json to_json(const FigureGroup& g) {
  return json{{"key", g.key},
              {"whistles", g.whistles},
              {"units", g.units},
              {"returned", g.returned},
              {"responded", to_json(g.rates.responded)},
              {"resolved", to_json(g.rates.resolved)},
              {"satisfied", to_json(g.rates.satisfied)}};
}

json figures_to_json(const DistrictFigures& f, const FigureQuery& q) {
  json overdue = json::array();
  for (const CaseRow& row : f.overdue) {
    overdue.push_back({{"case_id", row.case_id},
                       {"tracking_code", row.tracking_code},
                       {"community", row.community},
                       {"office", row.office},
                       {"stage", row.stage},
                       {"level", row.level},
                       {"kind", row.kind},
                       {"next_due_ms", row.next_due_ms},
                       {"next_due", row.next_due_ms > 0 ? core::local_date_time(row.next_due_ms)
                                                        : std::string()}});
  }
  json returns = json::array();
  for (const ReturnFigure& r : f.returns) {
    returns.push_back({{"department", r.department}, {"reason", r.reason}, {"count", r.count}});
  }
  json by_grid = json::array();
  for (const GridFigure& g : f.by_grid) {
    by_grid.push_back({{"grid", g.grid},
                       {"collected", g.collected},
                       {"closed", g.closed},
                       {"overdue", g.overdue}});
  }
  return json{{"query",
               {{"from", q.from},
                {"to", q.to},
                {"by", q.by},
                {"office", q.office},
                {"community", q.community},
                {"department", q.department},
                {"now_ms", q.now_ms}}},
              {"total", to_json(f.total)},
              {"by_level", groups(f.by_level)},
              {"by_kind", groups(f.by_kind)},
              {"by_source", groups(f.by_source)},
              {"by_office", groups(f.by_office)},
              {"by_community", groups(f.by_community)},
              {"by_department", groups(f.by_department)},
              {"series", groups(f.series)},
              {"open_cases", f.open_cases},
              {"overdue_cases", f.overdue_cases},
              {"overdue", std::move(overdue)},
              {"returns", std::move(returns)},
              {"queue_by_station", queue_rows(f.queue_by_station)},
              {"queue_by_line", queue_rows(f.queue_by_line)},
              {"queue_by_window", queue_rows(f.queue_by_window)},
              {"by_grid", std::move(by_grid)}};
}

json staff_sheet_to_json(const StaffSheet& sheet) {
  json rows = json::array();
  for (const StaffSheetRow& r : sheet.rows) {
    const core::SatisfactionFigures& s = r.satisfaction;
    const auto rate = s.satisfaction_rate();
    rows.push_back({{"staff", r.staff},
                    {"name", r.name},
                    {"served", r.served},
                    {"cases_handled", r.cases_handled},
                    {"cases_closed", r.cases_closed},
                    {"satisfaction",
                     {{"total", s.total},
                      {"satisfied", s.satisfied},
                      {"basically_satisfied", s.basically_satisfied},
                      {"dissatisfied", s.dissatisfied},
                      {"scored", s.scored},
                      {"average_score", s.average_score ? json(*s.average_score) : json(nullptr)},
                      {"rate", rate ? json(*rate) : json(nullptr)}}}});
  }
  return json{{"community", sheet.community}, {"month", sheet.month}, {"rows", std::move(rows)}};
}

}  // namespace weimin::server
