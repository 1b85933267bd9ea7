// The figures page, its exports and the monthly staff sheet (docs/CONSOLE.md, "Figures"). The
// numbers are DistrictService::figures' over the query scope.hpp forces from the principal
// (scoped_figure_query); the tables are figure_table.hpp's, the same for the page and for every
// download.
#include <algorithm>
#include <set>

#include "console/figure_table.hpp"
#include "console/impl.hpp"
#include "console/render.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"
#include "weimin/server/fact_rules.hpp"

namespace weimin::server {

using console::Ctx;
using console::FigureTable;
using console::Lang;
using nlohmann::json;
using sync::HttpResponse;

namespace {

constexpr int kMaxPeriodDays = 400;  // as check_figure_query

// A period asked for on the figures page, its export, or defaulted: this month so far (China's
// dates).
struct Period {
  FigureQuery query;
  std::vector<std::string> errors;  // in the page's language
};

std::string first_of_month(const core::CivilDate& d) {
  return core::CivilDate{d.year, d.month, 1}.to_string();
}

Period period_of(const Ctx& c, std::int64_t now_ms) {
  Period p;
  const core::CivilDate today = core::local_date(now_ms);
  p.query.from = c.query.get("from");
  p.query.to = c.query.get("to");
  p.query.by = c.query.get("by");
  if (p.query.from.empty()) p.query.from = first_of_month(today);
  if (p.query.to.empty()) p.query.to = today.to_string();
  if (p.query.by.empty()) p.query.by = "day";
  p.query.now_ms = now_ms;
  auto from = core::CivilDate::parse(p.query.from);
  auto to = core::CivilDate::parse(p.query.to);
  if (!from.is_ok()) p.errors.push_back(console::fill(c.t("err_date"), {p.query.from}));
  if (!to.is_ok()) p.errors.push_back(console::fill(c.t("err_date"), {p.query.to}));
  if (from.is_ok() && to.is_ok()) {
    const std::int64_t days = to->days_since_epoch() - from->days_since_epoch() + 1;
    if (days < 1) {
      p.errors.push_back(console::fill(c.t("fig_err_order"), {p.query.to, p.query.from}));
    } else if (days > kMaxPeriodDays) {
      p.errors.push_back(console::fill(c.t("fig_err_long"),
                                       {std::to_string(kMaxPeriodDays), std::to_string(days)}));
    }
  }
  if (p.query.by != "day" && p.query.by != "week" && p.query.by != "month") {
    p.errors.push_back(console::fill(c.t("fig_err_by"), {p.query.by}));
  }
  if (p.errors.empty()) {
    // Whatever this page missed, the service's own check says in English.
    Status s = check_figure_query(p.query);
    if (!s.is_ok()) p.errors.push_back(s.message());
  }
  return p;
}

std::string period_query(const FigureQuery& q) {
  return "from=" + console::url_escape(q.from) + "&to=" + console::url_escape(q.to) +
         "&by=" + console::url_escape(q.by);
}

// The quick links: this month so far, last month, this year so far (by month).
json quick_links(const Ctx& c, std::int64_t now_ms) {
  const core::CivilDate today = core::local_date(now_ms);
  const core::CivilDate first{today.year, today.month, 1};
  const core::CivilDate last_month_end = core::CivilDate::from_days(first.days_since_epoch() - 1);
  const core::CivilDate last_month_first{last_month_end.year, last_month_end.month, 1};
  const core::CivilDate year_first{today.year, 1, 1};
  auto link = [&](const char* id, const char* label, const std::string& from, const std::string& to,
                  const char* by) {
    return json{{"id", id},
                {"label", c.t(label)},
                {"href", "/console/figures?from=" + from + "&to=" + to + "&by=" + by}};
  };
  return json::array(
      {link("fig-this-month", "fig_this_month", first.to_string(), today.to_string(), "day"),
       link("fig-last-month", "fig_last_month", last_month_first.to_string(),
            last_month_end.to_string(), "day"),
       link("fig-this-year", "fig_this_year", year_first.to_string(), today.to_string(), "month")});
}

// A table for the template (the _figtable partial). Every key is set in every row and cell,
// so a mustache lookup never climbs to an outer one.
json table_json(const FigureTable& tb, const std::string& export_base) {
  json columns = json::array();
  for (const console::Column& col : tb.columns) {
    columns.push_back({{"title", col.title},
                       {"num", col.kind != console::CellKind::Text},
                       {"chart_col", col.chart}});
  }
  json rows = json::array();
  for (const auto& row : tb.rows) {
    json cells = json::array();
    for (const console::Cell& cell : row) {
      std::string v;
      if (cell.kind == console::CellKind::Count && !cell.blank) v = std::to_string(cell.count);
      cells.push_back({{"text", console::cell_text(cell)},
                       {"href", cell.href},
                       {"num", cell.kind != console::CellKind::Text},
                       {"v", v}});
    }
    rows.push_back({{"cells", std::move(cells)}});
  }
  return json{{"id", tb.id},
              {"title", tb.title},
              {"chart", tb.chart},
              {"columns", std::move(columns)},
              {"rows", std::move(rows)},
              {"ncols", std::to_string(tb.columns.size())},
              {"csv", export_base + "&format=csv"},
              {"xlsx", export_base + "&format=xlsx"}};
}

// "fig-by-department" → "fig_by_department" (a mustache key).
std::string key_of(const std::string& id) {
  std::string k = id;
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

// The communities whose staff sheet `who` may read, for the picker: an office's own, an admin's
// every one.
json staff_communities(const Ctx& c, const core::Catalog* catalog, const std::string& chosen) {
  json out = json::array();
  if (catalog == nullptr) return out;
  for (const core::Community& cm : catalog->communities) {
    if (c.who().role == ConsoleRole::Office && !office_serves(c.who().scope, cm.code)) continue;
    out.push_back({{"value", cm.code},
                   {"label", console::name_of(cm.name, c.lang) + " (" + cm.code + ")"},
                   {"selected", cm.code == chosen}});
  }
  return out;
}

HttpResponse download(std::string bytes, const std::string& type, const std::string& filename) {
  HttpResponse r{200, {}, std::move(bytes)};
  r.headers["Content-Type"] = type;
  r.headers["Content-Disposition"] = "attachment; filename=\"" + filename + "\"";
  return r;
}

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

bool valid_month(const std::string& month) {
  return month.size() == 7 && core::CivilDate::parse(month + "-01").is_ok();
}

bool valid_community(const std::string& code) {
  return code.size() == 12 &&
         std::all_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// Why the staff sheet is refused, in the page's language (English: the refusal's own words).
std::string staff_refusal_text(const Ctx& c, const core::Catalog* catalog, const Refusal& r) {
  if (c.lang == Lang::En) return r.message;
  switch (r.kind) {
    case RefusalKind::NotOfficesCommunity:
      return console::fill(c.t("err_staff_not_offices"),
                           {console::community_name(catalog, r.community, c.lang),
                            console::office_name(catalog, r.scope, c.lang)});
    case RefusalKind::RoleMayNot:
      return console::fill(c.t("err_staff_department"), {r.user});
    default:
      return console::refusal_text(catalog, r, c.lang);
  }
}

}  // namespace

// [SECTION] The figures page and its exports

// When the catalog counts deadlines in working days and its calendar lacks a year of the period
// or this year (the open cases' deadlines): a line naming those years, which were counted
// Monday–Friday (core::add_working_days' fallback); empty otherwise.
static std::string calendar_warning(const Ctx& c, const core::Catalog* catalog,
                                    const FigureQuery& q, std::int64_t now) {
  if (catalog == nullptr) return "";
  const bool working_days = std::any_of(
      catalog->deadlines.begin(), catalog->deadlines.end(),
      [](const core::Deadline& d) { return d.unit == core::DeadlineUnit::WorkingDays; });
  if (!working_days) return "";
  const int this_year = core::local_date(now).year;
  std::set<int> years{this_year};
  const int first = std::stoi(q.from.substr(0, 4));
  const int last = std::stoi(q.to.substr(0, 4));
  for (int y = first; y <= last; ++y) years.insert(y);
  std::vector<int> missing;
  for (int y : years) {
    if (!catalog->work_calendar.covers(y)) missing.push_back(y);
  }
  if (missing.empty()) return "";
  return c.t("fig_calendar_fallback") + core::fallback_warning(missing, c.lang == Lang::Zh);
}

HttpResponse Console::Impl::figures_page(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const Principal& who = c.who();
  const std::int64_t now = service.clock().now_ms();
  Period p = period_of(c, now);
  json data{
      {"title", c.t("fig_title")},
      {"charts", true},
      {"from", p.query.from},
      {"to", p.query.to},
      {"by_options", json::array()},
      {"quick", quick_links(c, now)},
      {"scope_text", console::fill(c.t("fig_scope_" + std::string(to_string(who.role))),
                                   {console::scope_name(catalog, who.role, who.scope, c.lang)})},
      {"staff", who.role != ConsoleRole::Department},
      {"staff_communities", staff_communities(c, catalog, "")},
      {"staff_month", core::local_date(now).to_string().substr(0, 7)}};
  for (const char* by : {"day", "week", "month"}) {
    data["by_options"].push_back({{"value", by},
                                  {"label", c.t(std::string("fig_by_") + by)},
                                  {"selected", p.query.by == by}});
  }
  if (!p.errors.empty()) {
    data["errors"] = p.errors;
    return page(c, 400, "figures", std::move(data));
  }
  const FigureQuery q = scoped_figure_query(who, p.query);
  auto figures = service.figures(q);
  if (!figures.is_ok()) {
    if (figures.status().code() == ErrorCode::Invalid) {
      data["errors"] = json::array({figures.status().message()});
      return page(c, 400, "figures", std::move(data));
    }
    return failure(c, figures.status());
  }
  const DistrictFigures& f = *figures;
  data["shown"] = true;
  data["period_text"] = console::fill(c.t("fig_period_text"), {q.from, q.to});
  data["now_text"] = console::fill(c.t("fig_now"), {console::local_time(now)});
  data["open_cases"] = std::to_string(f.open_cases);
  data["overdue_cases"] = std::to_string(f.overdue_cases);
  data["overdue_more"] =
      f.overdue_cases > static_cast<std::int64_t>(f.overdue.size())
          ? console::fill(c.t("fig_overdue_more"),
                          {std::to_string(f.overdue.size()), std::to_string(f.overdue_cases)})
          : "";
  json rates = json::array();
  const std::pair<const char*, const Rate*> three[] = {{"responded", &f.total.rates.responded},
                                                       {"resolved", &f.total.rates.resolved},
                                                       {"satisfied", &f.total.rates.satisfied}};
  for (const auto& [which, r] : three) {
    rates.push_back({{"id", std::string("rate-") + which},
                     {"label", c.t(std::string("fig_rate_") + which)},
                     {"value", console::percent_text(*r)},
                     {"met", std::to_string(r->met)},
                     {"due", std::to_string(r->due)},
                     {"met_label", c.t(std::string("fig_met_") + which)},
                     {"due_label", c.t(std::string("fig_due_") + which)}});
  }
  data["rates"] = std::move(rates);
  data["calendar_warning"] = calendar_warning(c, catalog, q, now);
  json tables = json::object();
  for (const FigureTable& tb : console::figure_tables(f, catalog, c.lang, now)) {
    tables[key_of(tb.id)] =
        table_json(tb, "/console/figures/export?table=" + tb.id + "&" + period_query(p.query));
  }
  data["tables"] = std::move(tables);
  return page(c, 200, "figures", std::move(data));
}

HttpResponse Console::Impl::figures_export(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const Principal& who = c.who();
  const std::int64_t now = service.clock().now_ms();
  Period p = period_of(c, now);
  const std::string format = c.query.get("format");
  if (format != "csv" && format != "xlsx") {
    p.errors.push_back(console::fill(c.t("fig_err_format"), {format}));
  }
  if (!p.errors.empty()) {
    std::string message;
    for (const std::string& e : p.errors) message += (message.empty() ? "" : "; ") + e;
    return page(c, 400, "message", json{{"title", c.t("error_title")}, {"message", message}});
  }
  const std::string id = c.query.get("table");
  const FigureQuery q = scoped_figure_query(who, p.query);
  auto figures = service.figures(q);
  if (!figures.is_ok()) {
    if (figures.status().code() == ErrorCode::Invalid) {
      return page(c, 400, "message",
                  json{{"title", c.t("error_title")}, {"message", figures.status().message()}});
    }
    return failure(c, figures.status());
  }
  for (FigureTable& tb : console::figure_tables(*figures, catalog, c.lang, now)) {
    if (tb.id != id) continue;
    const std::string base = tb.id + "_" + q.from + "_" + q.to;
    if (format == "csv")
      return download(console::to_csv(tb), "text/csv; charset=utf-8", base + ".csv");
    auto book = console::to_xlsx(tb, q.from + "~" + q.to, tb.title + " " + q.from + " ~ " + q.to);
    if (!book.is_ok()) return internal(c, book.status().to_string());
    return download(std::move(*book), kXlsxType, base + ".xlsx");
  }
  return not_found(c);
}

// [SECTION] The monthly staff sheet (每月考核)

HttpResponse Console::Impl::staff_page(Ctx& c) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const core::Catalog* catalog = cat->get();
  const Principal& who = c.who();
  const std::string community = c.query.get("community");
  const std::string month = c.query.get("month");
  // Departments are refused whatever they ask; offices for another office's community.
  if (auto why = staff_sheet_refusal(who, community, catalog);
      why && (who.role == ConsoleRole::Department || !community.empty() ||
              why->kind != RefusalKind::NotOfficesCommunity)) {
    return forbidden(c, staff_refusal_text(c, catalog, *why), why->message);
  }
  const std::int64_t now = service.clock().now_ms();
  json data{{"title", c.t("staff_title")},
            {"communities", staff_communities(c, catalog, community)},
            {"month", month.empty() ? core::local_date(now).to_string().substr(0, 7) : month}};
  if (community.empty()) return page(c, 200, "staff", std::move(data));
  json errors = json::array();
  if (!valid_community(community)) {
    errors.push_back(console::fill(c.t("err_staff_community"), {community}));
  }
  if (!valid_month(month)) errors.push_back(console::fill(c.t("err_staff_month"), {month}));
  if (!errors.empty()) {
    data["errors"] = std::move(errors);
    return page(c, 400, "staff", std::move(data));
  }
  auto sheet = service.staff_sheet(community, month);
  if (!sheet.is_ok()) {
    if (sheet.status().code() == ErrorCode::Invalid) {
      data["errors"] = json::array({sheet.status().message()});
      return page(c, 400, "staff", std::move(data));
    }
    return failure(c, sheet.status());
  }
  FigureTable tb = console::staff_table(*sheet, c.lang);
  const std::string format = c.query.get("format");
  const std::string base = "staff_" + community + "_" + month;
  const std::string place = console::community_name(catalog, community, c.lang);
  // A staff sheet names people and their results: every download of one is audited.
  if (format == "csv" || format == "xlsx") {
    audit(c, "export_staff_sheet", community + " " + month, format);
  }
  if (format == "csv") {
    return download(console::to_csv(tb), "text/csv; charset=utf-8", base + ".csv");
  }
  if (format == "xlsx") {
    auto book = console::to_xlsx(tb, month, tb.title + " " + place + " " + month);
    if (!book.is_ok()) return internal(c, book.status().to_string());
    return download(std::move(*book), kXlsxType, base + ".xlsx");
  }
  if (!format.empty()) {
    data["errors"] = json::array({console::fill(c.t("fig_err_format"), {format})});
    return page(c, 400, "staff", std::move(data));
  }
  const std::string export_base =
      "/console/figures/staff?community=" + community + "&month=" + console::url_escape(month);
  json table = table_json(tb, export_base);
  data["sheet"] = std::move(table);
  data["sheet_heading"] = console::fill(c.t("staff_heading"), {place, community, month});
  return page(c, 200, "staff", std::move(data));
}

}  // namespace weimin::server
