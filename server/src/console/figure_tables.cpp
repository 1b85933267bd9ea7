// The figures page's tables (figure_table.hpp) from DistrictFigures and a staff sheet, with
// the catalog's names in the page's language.
#include <cstdio>
#include <functional>

#include "console/figure_table.hpp"
#include "console/forms.hpp"

namespace weimin::server::console {

Cell Cell::of(std::string text, std::string href) {
  Cell c;
  c.text = std::move(text);
  c.href = std::move(href);
  return c;
}
Cell Cell::of_count(std::int64_t n) {
  Cell c;
  c.kind = CellKind::Count;
  c.count = n;
  return c;
}
Cell Cell::of_blank_count() {
  Cell c;
  c.kind = CellKind::Count;
  c.blank = true;
  return c;
}
Cell Cell::of_rate(const Rate& r) {
  Cell c;
  c.kind = CellKind::Rate;
  c.met = r.met;
  c.due = r.due;
  return c;
}
Cell Cell::of_decimal(std::optional<double> n) {
  Cell c;
  c.kind = CellKind::Decimal;
  c.number = n;
  return c;
}

std::string percent_text(const Rate& r) {
  if (r.due <= 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(r.met) / static_cast<double>(r.due));
  return buf;
}

std::string cell_text(const Cell& c) {
  switch (c.kind) {
    case CellKind::Text:
      return c.text;
    case CellKind::Count:
      return c.blank ? "—" : std::to_string(c.count);
    case CellKind::Rate:
      return percent_text(Rate{c.due, c.met}) + " (" + std::to_string(c.met) + "/" +
             std::to_string(c.due) + ")";
    case CellKind::Decimal: {
      if (!c.number) return "—";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", *c.number);
      return buf;
    }
  }
  return c.text;
}

namespace {

struct Maker {
  const core::Catalog* catalog;
  Lang lang;
  std::string t(std::string_view key) const { return text(lang, key); }

  Column text_col(std::string_view key) const {
    return Column{t(key), CellKind::Text, "", "", false};
  }
  Column count_col(std::string_view key, bool chart = false) const {
    return Column{t(key), CellKind::Count, "", "", chart};
  }
  Column decimal_col(std::string_view key) const {
    return Column{t(key), CellKind::Decimal, "", "", false};
  }
  // "responded", "resolved" or "satisfied".
  Column rate_col(const std::string& which) const {
    return Column{t("fig_rate_" + which), CellKind::Rate, t("fig_met_" + which),
                  t("fig_due_" + which), false};
  }

  // A breakdown: the group's name (and code), whistles, units, returned, the three rates.
  FigureTable groups(std::string id, std::string_view title, std::string_view name_col,
                     bool with_code, const std::vector<FigureGroup>& rows,
                     const std::function<std::string(const std::string&)>& name,
                     std::string chart = "") const {
    FigureTable tb;
    tb.id = std::move(id);
    tb.title = t(title);
    tb.chart = std::move(chart);
    tb.columns.push_back(text_col(name_col));
    if (with_code) tb.columns.push_back(text_col("fig_col_code"));
    tb.columns.push_back(count_col("fig_col_whistles", !tb.chart.empty()));
    tb.columns.push_back(count_col("fig_col_units"));
    tb.columns.push_back(count_col("fig_col_returned", tb.id == "fig-series"));
    for (const char* r : {"responded", "resolved", "satisfied"}) tb.columns.push_back(rate_col(r));
    for (const FigureGroup& g : rows) {
      std::vector<Cell> cells;
      cells.push_back(Cell::of(name(g.key)));
      if (with_code) cells.push_back(Cell::of(g.key));
      cells.push_back(Cell::of_count(g.whistles));
      cells.push_back(Cell::of_count(g.units));
      cells.push_back(Cell::of_count(g.returned));
      cells.push_back(Cell::of_rate(g.rates.responded));
      cells.push_back(Cell::of_rate(g.rates.resolved));
      cells.push_back(Cell::of_rate(g.rates.satisfied));
      tb.rows.push_back(std::move(cells));
    }
    return tb;
  }

  FigureTable ranking(std::string id, std::string_view title, std::string_view name_col,
                      const std::vector<FigureGroup>& groups, RateKind kind,
                      const std::string& which,
                      const std::function<std::string(const std::string&)>& name) const {
    FigureTable tb;
    tb.id = std::move(id);
    tb.title = t(title);
    tb.columns = {count_col("fig_col_rank"), text_col(name_col), text_col("fig_col_code"),
                  rate_col(which)};
    int rank = 0;
    for (const FigureGroup& g : ranked(groups, kind)) {
      const Rate& r = kind == RateKind::Responded  ? g.rates.responded
                      : kind == RateKind::Resolved ? g.rates.resolved
                                                   : g.rates.satisfied;
      // A group with nothing due has no rate and no place.
      tb.rows.push_back({r.due > 0 ? Cell::of_count(++rank) : Cell::of_blank_count(),
                         Cell::of(name(g.key)), Cell::of(g.key), Cell::of_rate(r)});
    }
    return tb;
  }

  FigureTable queue(std::string id, std::string_view title, const char* extra_col,
                    const std::vector<QueueFigureRow>& rows) const {
    FigureTable tb;
    tb.id = std::move(id);
    tb.title = t(title);
    tb.columns.push_back(text_col("col_community"));
    tb.columns.push_back(text_col("fig_col_code"));
    if (extra_col != nullptr) {
      tb.columns.push_back(count_col(extra_col));
      tb.columns.push_back(text_col("fig_col_queue_name"));
    }
    tb.columns.push_back(count_col("fig_col_taken"));
    tb.columns.push_back(count_col("fig_col_served"));
    tb.columns.push_back(count_col("fig_col_no_shows"));
    tb.columns.push_back(decimal_col("fig_col_avg_wait"));
    tb.columns.push_back(decimal_col("fig_col_longest_wait"));
    for (const QueueFigureRow& q : rows) {
      std::vector<Cell> cells{Cell::of(community_name(catalog, q.community, lang)),
                              Cell::of(q.community)};
      if (extra_col != nullptr) {
        const bool line = std::string_view(extra_col) == "fig_col_line";
        cells.push_back(Cell::of_count(line ? q.line : q.window));
        std::string name;
        if (catalog != nullptr) {
          if (line) {
            if (const core::ServiceLine* l = catalog->line_by_number(q.line)) {
              name = name_of(l->name, lang);
            }
          } else if (const core::Window* w = catalog->window_by_number(q.window, q.community)) {
            name = name_of(w->name, lang);
          }
        }
        cells.push_back(Cell::of(std::move(name)));
      }
      cells.push_back(Cell::of_count(q.taken));
      cells.push_back(Cell::of_count(q.served));
      cells.push_back(Cell::of_count(q.no_shows));
      const auto avg = q.average_wait_ms();
      cells.push_back(
          Cell::of_decimal(avg ? std::optional<double>(*avg / 60'000.0) : std::nullopt));
      cells.push_back(Cell::of_decimal(
          q.called > 0 ? std::optional<double>(q.longest_wait_ms / 60'000.0) : std::nullopt));
      tb.rows.push_back(std::move(cells));
    }
    return tb;
  }
};

}  // namespace

std::vector<FigureTable> figure_tables(const DistrictFigures& f, const core::Catalog* catalog,
                                       Lang lang, std::int64_t now_ms) {
  const Maker m{catalog, lang};
  auto same = [](const std::string& k) { return k; };
  auto level = [&](const std::string& k) { return term(lang, "level_", k); };
  auto kind = [&](const std::string& k) { return term(lang, "kind_", k); };
  auto source = [&](const std::string& k) { return source_name(catalog, k, lang); };
  auto office = [&](const std::string& k) { return office_name(catalog, k, lang); };
  auto community = [&](const std::string& k) { return community_name(catalog, k, lang); };
  auto department = [&](const std::string& k) { return department_name(catalog, k, lang); };
  auto total_name = [&](const std::string&) { return m.t("fig_total"); };

  std::vector<FigureTable> out;
  out.push_back(
      m.groups("fig-total", "fig_t_total", "fig_col_scope", false, {f.total}, total_name));
  out.push_back(
      m.groups("fig-series", "fig_t_series", "fig_col_bucket", false, f.series, same, "bar"));
  out.push_back(m.groups("fig-by-level", "fig_t_by_level", "col_level", false, f.by_level, level));
  out.push_back(m.groups("fig-by-kind", "fig_t_by_kind", "col_kind", false, f.by_kind, kind));
  out.push_back(
      m.groups("fig-by-source", "fig_t_by_source", "col_source", true, f.by_source, source));
  out.push_back(m.groups("fig-by-office", "fig_t_by_office", "fig_col_office", true, f.by_office,
                         office, "bar"));
  out.push_back(m.groups("fig-by-community", "fig_t_by_community", "col_community", true,
                         f.by_community, community));
  out.push_back(m.groups("fig-by-department", "fig_t_by_department", "col_department", true,
                         f.by_department, department, "bar"));

  FigureTable grids;
  grids.id = "fig-by-grid";
  grids.title = m.t("fig_t_by_grid");
  grids.columns = {m.text_col("col_grid"),        m.text_col("fig_col_code"),
                   m.text_col("col_community"),   m.count_col("fig_col_collected"),
                   m.count_col("fig_col_closed"), m.count_col("fig_col_overdue_now")};
  for (const GridFigure& g : f.by_grid) {
    const core::Grid* known = catalog && !g.grid.empty() ? catalog->grid_by_code(g.grid) : nullptr;
    std::string name = g.grid.empty() ? m.t("fig_no_grid")
                       : known        ? name_of(known->name, lang)
                                      : g.grid;
    grids.rows.push_back({Cell::of(std::move(name)), Cell::of(g.grid),
                          Cell::of(known ? community_name(catalog, known->community, lang) : ""),
                          Cell::of_count(g.collected), Cell::of_count(g.closed),
                          Cell::of_count(g.overdue)});
  }
  out.push_back(std::move(grids));

  FigureTable overdue;
  overdue.id = "fig-overdue";
  overdue.title = m.t("fig_t_overdue");
  overdue.columns = {m.text_col("col_code"),
                     m.text_col("col_community"),
                     m.text_col("col_stage"),
                     m.text_col("col_level"),
                     m.text_col("col_kind"),
                     m.text_col("fig_col_deadline"),
                     m.count_col("fig_col_overdue_hours")};
  for (const CaseRow& row : f.overdue) {
    overdue.rows.push_back(
        {Cell::of(row.tracking_code, "/console/cases/" + row.case_id),
         Cell::of(community_name(catalog, row.community, lang)),
         Cell::of(term(lang, "stage_", row.stage)), Cell::of(term(lang, "level_", row.level)),
         Cell::of(term(lang, "kind_", row.kind)), Cell::of(local_time(row.next_due_ms)),
         Cell::of_count(row.next_due_ms > 0 && row.next_due_ms < now_ms
                            ? (now_ms - row.next_due_ms + 3'599'999) / 3'600'000
                            : 0)});
  }
  out.push_back(std::move(overdue));

  FigureTable returns;
  returns.id = "fig-returns";
  returns.title = m.t("fig_t_returns");
  returns.columns = {m.text_col("col_department"), m.text_col("fig_col_code"),
                     m.text_col("fig_col_reason"), m.count_col("fig_col_count")};
  for (const ReturnFigure& r : f.returns) {
    returns.rows.push_back({Cell::of(department(r.department)), Cell::of(r.department),
                            Cell::of(r.reason), Cell::of_count(r.count)});
  }
  out.push_back(std::move(returns));

  const std::pair<RateKind, const char*> rates[] = {{RateKind::Responded, "responded"},
                                                    {RateKind::Resolved, "resolved"},
                                                    {RateKind::Satisfied, "satisfied"}};
  for (const auto& [k, which] : rates) {
    out.push_back(m.ranking(std::string("fig-rank-department-") + which,
                            std::string("fig_t_rank_department_") + which, "col_department",
                            f.by_department, k, which, department));
  }
  for (const auto& [k, which] : rates) {
    out.push_back(m.ranking(std::string("fig-rank-office-") + which,
                            std::string("fig_t_rank_office_") + which, "fig_col_office",
                            f.by_office, k, which, office));
  }
  out.push_back(m.queue("fig-queue-station", "fig_t_queue_station", nullptr, f.queue_by_station));
  out.push_back(m.queue("fig-queue-line", "fig_t_queue_line", "fig_col_line", f.queue_by_line));
  out.push_back(
      m.queue("fig-queue-window", "fig_t_queue_window", "fig_col_window", f.queue_by_window));
  return out;
}

FigureTable staff_table(const StaffSheet& sheet, Lang lang) {
  const Maker m{nullptr, lang};
  FigureTable tb;
  tb.id = "staff-sheet";
  tb.title = m.t("staff_title");
  tb.columns = {m.text_col("staff_col_staff"),         m.text_col("staff_col_name"),
                m.count_col("staff_col_served"),       m.count_col("staff_col_handled"),
                m.count_col("staff_col_closed"),       m.count_col("staff_col_rated"),
                m.count_col("staff_col_satisfied"),    m.count_col("staff_col_basically"),
                m.count_col("staff_col_dissatisfied"), m.rate_col("satisfied"),
                m.decimal_col("staff_col_score")};
  for (const StaffSheetRow& r : sheet.rows) {
    const core::SatisfactionFigures& s = r.satisfaction;
    tb.rows.push_back({Cell::of(r.staff), Cell::of(r.name), Cell::of_count(r.served),
                       Cell::of_count(r.cases_handled), Cell::of_count(r.cases_closed),
                       Cell::of_count(s.total), Cell::of_count(s.satisfied),
                       Cell::of_count(s.basically_satisfied), Cell::of_count(s.dissatisfied),
                       Cell::of_rate(Rate{s.total, s.satisfied + s.basically_satisfied}),
                       Cell::of_decimal(s.average_score)});
  }
  return tb;
}

}  // namespace weimin::server::console
