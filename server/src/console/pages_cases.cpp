// The inbox and the case page with its actions (docs/CONSOLE.md). Rows come from the case
// projection (projection.hpp), never from folding facts; who sees and does what is scope.hpp's.
#include <algorithm>

#include "console/impl.hpp"
#include "console/render.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::server {

using console::Ctx;
using console::Form;
using console::Lang;
using nlohmann::json;
using sync::HttpResponse;

namespace {

constexpr std::string_view kStages[] = {"collected", "resolved",  "whistled",
                                        "reported",  "feedback",  "verified",
                                        "closed",    "evaluated", "reopened"};
constexpr std::string_view kKinds[] = {"emergency", "key", "routine"};

using console::community_name;
using console::department_name;
using console::name_of;
using console::source_name;

// A grid's name in the language; empty for no grid, the code for one the catalog lacks.
std::string grid_name(const core::Catalog* catalog, const std::string& code, Lang lang) {
  if (code.empty()) return "";
  const core::Grid* g = catalog ? catalog->grid_by_code(code) : nullptr;
  return g ? name_of(g->name, lang) : code;
}

std::string label(const Ctx& c, std::string_view prefix, const std::string& value) {
  return console::term(c.lang, prefix, value);
}

// "2026-12-05" of a time (China's date); "" for 0.
std::string local_day(std::int64_t ms) {
  return ms > 0 ? console::local_time(ms).substr(0, 10) : std::string();
}

// The unit a case's deadlines count in: its round's kind's (routine's when it was not whistled).
core::DeadlineUnit unit_of(const core::Catalog* catalog, const std::string& kind) {
  if (catalog == nullptr) return core::DeadlineUnit::Hours;
  auto k = core::parse_whistle_kind(kind.empty() ? "routine" : kind);
  if (!k.is_ok()) return core::DeadlineUnit::Hours;
  for (const core::Deadline& d : catalog->deadlines) {
    if (d.kind == *k) return d.unit;
  }
  return core::DeadlineUnit::Hours;
}

// The due column: {"due_text", "overdue"}.
json due_of(const Ctx& c, std::int64_t due_ms, std::int64_t now_ms,
            core::DeadlineUnit unit = core::DeadlineUnit::Hours) {
  if (due_ms <= 0) return json{{"due_text", ""}, {"overdue", false}};
  if (due_ms < now_ms) {
    std::int64_t hours = (now_ms - due_ms + 3'599'999) / 3'600'000;
    return json{{"due_text", console::fill(c.t("overdue_hours"), {std::to_string(hours)})},
                {"overdue", true}};
  }
  return json{{"due_text", console::fill(c.t("due_at"), {console::due_text(due_ms, unit)})},
              {"overdue", false}};
}

struct Tab {
  const char* id;
  const char* label;
};

std::vector<Tab> tabs_for(ConsoleRole role) {
  switch (role) {
    case ConsoleRole::Office:
      return {{"waiting", "tab_waiting"},
              {"community", "tab_community"},
              {"whistled", "tab_whistled"},
              {"overdue", "tab_overdue"},
              {"all", "tab_all"}};
    case ConsoleRole::Department:
      return {{"new", "tab_new"},
              {"progress", "tab_progress"},
              {"returned", "tab_returned"},
              {"overdue", "tab_overdue"},
              {"all", "tab_all"}};
    case ConsoleRole::Admin:
      return {{"all", "tab_all"}, {"overdue", "tab_overdue"}};
  }
  return {};
}

// The tab's own conditions on top of the filters.
void apply_tab(CaseQuery& q, const std::string& tab) {
  if (tab == "waiting") {
    q.stages = {"collected", "reopened", "returned"};
  } else if (tab == "community") {
    q.level = "community";
    q.stages = {"whistled", "reported", "feedback"};
  } else if (tab == "whistled") {
    q.level = "district";
    q.stages = {"whistled", "reported", "feedback"};
  } else if (tab == "new") {
    q.department_step = "whistled";
  } else if (tab == "progress") {
    q.department_step = "reported";
  } else if (tab == "returned") {
    q.department_step = "returned";
  } else if (tab == "overdue") {
    q.overdue_only = true;
  }
}

// A select's options with the chosen one marked.
json select_options(const std::vector<std::pair<std::string, std::string>>& values,
                    const std::string& chosen) {
  json out = json::array();
  for (const auto& [v, l] : values) {
    out.push_back({{"value", v}, {"label", l}, {"selected", v == chosen}});
  }
  return out;
}

// The first `n` characters of UTF-8 `text` (never half a character), with "…" when cut.
std::string first_chars(const std::string& text, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t chars = 0; i < text.size() && chars < n; ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i < text.size() ? text.substr(0, i) + "…" : text;
}

// The resident's reference, masked: its last four characters (after any "contact:" kind).
std::string ref_ending(const std::string& ref) {
  const std::size_t colon = ref.find(':');
  const std::string bare = colon == std::string::npos ? ref : ref.substr(colon + 1);
  return bare.size() <= 4 ? std::string("****") : bare.substr(bare.size() - 4);
}

}  // namespace

// [SECTION] Inbox

HttpResponse Console::Impl::inbox(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const Principal& who = c.who();

  const std::int64_t now = service.clock().now_ms();
  const std::vector<Tab> tabs = tabs_for(who.role);
  std::string tab = c.query.get("tab");
  if (std::none_of(tabs.begin(), tabs.end(), [&](const Tab& t) { return tab == t.id; })) {
    tab = tabs.front().id;
  }

  CaseQuery q;
  q.now_ms = now;
  q.limit = options.page_size;
  apply_tab(q, tab);
  json errors = json::array();
  const std::string stage = c.query.get("stage");
  if (!stage.empty()) {
    if (std::find(std::begin(kStages), std::end(kStages), stage) != std::end(kStages)) {
      q.stages = {stage};
    } else {
      errors.push_back(console::fill(c.t("err_stage_filter"), {stage}));
    }
  }
  q.community = c.query.get("community");
  if (who.role != ConsoleRole::Department) q.department = c.query.get("department");
  q.source = c.query.get("source");
  q.kind = c.query.get("kind");
  q.grid = c.query.get("grid");
  if (c.query.get("overdue") == "1") q.overdue_only = true;
  if (const std::string from = c.query.get("from"); !from.empty()) {
    auto ms = console::parse_local_date(from);
    if (ms.is_ok())
      q.collected_from_ms = *ms;
    else
      errors.push_back(console::fill(c.t("err_date"), {from}));
  }
  if (const std::string to = c.query.get("to"); !to.empty()) {
    auto ms = console::parse_local_date(to);
    if (ms.is_ok())
      q.collected_to_ms = *ms + 24LL * 3600 * 1000;
    else
      errors.push_back(console::fill(c.t("err_date"), {to}));
  }
  const std::string search = c.query.get("q");
  if (!search.empty()) {
    auto code = core::parse_tracking_code(search);
    if (code.is_ok())
      q.tracking_code = *code;
    else
      errors.push_back(c.lang == Lang::En ? code.status().message()
                                          : console::fill(c.t("err_tracking_code"), {search}));
  }
  q.after = c.query.get("after");
  q = scoped_query(who, std::move(q));

  auto page_rows = service.with_store([&](DistrictStore& s) { return s.query_cases(q); });
  if (!page_rows.is_ok()) return internal(c, page_rows.status().to_string());

  json rows = json::array();
  for (const CaseRow& row : page_rows->rows) {
    json deps = json::array();
    for (const CaseDepartmentRow& d : row.departments) {
      deps.push_back({{"name", department_name(catalog, d.department, c.lang)},
                      {"step", label(c, "step_", d.step)}});
    }
    json r{{"id", row.case_id},
           {"href", "/console/cases/" + row.case_id},
           {"code", row.tracking_code},
           {"stage", label(c, "stage_", row.stage)},
           {"community", community_name(catalog, row.community, c.lang)},
           {"source", source_name(catalog, row.source, c.lang)},
           {"level", label(c, "level_", row.level)},
           {"kind", label(c, "kind_", row.kind)},
           {"departments", std::move(deps)},
           {"changed", console::local_time(row.last_change_ms)},
           {"description", first_chars(row.description, 60)}};
    r.update(due_of(c, row.next_due_ms, now, unit_of(catalog, row.kind)));
    rows.push_back(std::move(r));
  }

  // The filters' choices, from the catalog (an office sees its own communities only).
  std::vector<std::pair<std::string, std::string>> stages{{"", c.t("filter_any")}};
  for (std::string_view s : kStages) stages.emplace_back(s, label(c, "stage_", std::string(s)));
  std::vector<std::pair<std::string, std::string>> communities{{"", c.t("filter_any")}};
  std::vector<std::pair<std::string, std::string>> departments{{"", c.t("filter_any")}};
  std::vector<std::pair<std::string, std::string>> sources{{"", c.t("filter_any")}};
  // Grids (网格) of the communities in scope; with a community chosen, only its grids.
  std::vector<std::pair<std::string, std::string>> grids{{"", c.t("filter_any")}};
  if (catalog != nullptr) {
    for (const core::Community& cm : catalog->communities) {
      if (who.role == ConsoleRole::Office && cm.street_office != who.scope) continue;
      communities.emplace_back(cm.code, name_of(cm.name, c.lang));
    }
    for (const core::Grid& g : catalog->grids) {
      const core::Community* cm = catalog->community_by_code(g.community);
      if (who.role == ConsoleRole::Office && (cm == nullptr || cm->street_office != who.scope))
        continue;
      if (!q.community.empty() && g.community != q.community) continue;
      grids.emplace_back(g.code, name_of(g.name, c.lang));
    }
    for (const core::Department& d : catalog->departments) {
      departments.emplace_back(d.id, name_of(d.name, c.lang));
    }
    for (const core::WhistleSource& s : catalog->whistle_sources) {
      sources.emplace_back(s.id, name_of(s.name, c.lang));
    }
  }
  std::vector<std::pair<std::string, std::string>> kinds{{"", c.t("filter_any")}};
  for (std::string_view k : kKinds) kinds.emplace_back(k, label(c, "kind_", std::string(k)));

  json tab_links = json::array();
  for (const Tab& t : tabs) {
    tab_links.push_back({{"id", t.id},
                         {"label", c.t(t.label)},
                         {"href", std::string("/console/?tab=") + t.id},
                         {"current", tab == t.id}});
  }
  json data{{"title", c.t("nav_inbox")},
            {"tab", tab},
            {"tabs", std::move(tab_links)},
            {"rows", std::move(rows)},
            {"errors", std::move(errors)},
            {"stages", select_options(stages, stage)},
            {"communities", select_options(communities, c.query.get("community"))},
            {"show_department_filter", who.role != ConsoleRole::Department},
            {"departments", select_options(departments, c.query.get("department"))},
            {"sources", select_options(sources, q.source)},
            {"kinds", select_options(kinds, q.kind)},
            {"grids", select_options(grids, q.grid)},
            {"overdue_checked", c.query.get("overdue") == "1"},
            {"from", c.query.get("from")},
            {"to", c.query.get("to")},
            {"q", search}};
  if (c.query.get("done") == "password") data["done"] = c.t("password_done");
  // The same filters on every page: only the cursor changes.
  std::string filtered = "/console/?";
  bool first = true;
  for (const auto& [k, v] : c.query.fields) {
    if (k == "after" || k == "done") continue;
    filtered += (first ? "" : "&") + console::url_escape(k) + "=" + console::url_escape(v);
    first = false;
  }
  if (first) filtered += "tab=" + console::url_escape(tab);
  if (!page_rows->next.empty()) {
    data["next_href"] = filtered + "&after=" + console::url_escape(page_rows->next);
  }
  if (!q.after.empty()) data["first_href"] = filtered;
  // With a community chosen: its cases by grid (网格), collected, closed and overdue now,
  // within the same scope as the list.
  if (!q.community.empty() && catalog != nullptr) {
    json by_grid = json::array();
    for (const core::Grid& g : catalog->grids) {
      if (g.community != q.community) continue;
      CaseQuery gq;
      gq.community = q.community;
      gq.grid = g.code;
      gq.now_ms = now;
      gq.limit = 200;
      gq = scoped_query(who, std::move(gq));
      int collected = 0, closed = 0, overdue = 0;
      while (true) {
        auto part = service.with_store([&](DistrictStore& s) { return s.query_cases(gq); });
        if (!part.is_ok()) return internal(c, part.status().to_string());
        for (const CaseRow& row : part->rows) {
          ++collected;
          if (row.stage == "closed" || row.stage == "evaluated") ++closed;
          if (row.next_due_ms > 0 && row.next_due_ms < now) ++overdue;
        }
        if (part->next.empty()) break;
        gq.after = part->next;
      }
      by_grid.push_back({{"grid", g.code},
                         {"name", name_of(g.name, c.lang)},
                         {"collected", collected},
                         {"closed", closed},
                         {"overdue", overdue}});
    }
    data["has_by_grid"] = !by_grid.empty();
    data["by_grid"] = std::move(by_grid);
  }
  return page(c, 200, "inbox", std::move(data));
}

// [SECTION] Case page

HttpResponse Console::Impl::case_page(Ctx& c, const std::string& case_id) {
  return case_page_with(c, case_id, 200, "", "");
}

HttpResponse Console::Impl::case_page_with(Ctx& c, const std::string& case_id, int status,
                                           const std::string& form_id, const std::string& error,
                                           const json& extra) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const core::Catalog* catalog = cat->get();
  auto found = service.with_store([&](DistrictStore& s) { return s.case_row(case_id); });
  if (!found.is_ok()) return internal(c, found.status().to_string());
  if (!*found) return not_found(c);
  const CaseRow& row = **found;
  if (auto why = view_refusal(c.who(), row, catalog)) {
    return forbidden(c, console::refusal_text(catalog, *why, c.lang), why->message, "denied_view",
                     case_id);
  }
  const std::int64_t now = service.clock().now_ms();
  const core::DeadlineUnit unit = unit_of(catalog, row.kind);

  json detail = json::object();
  if (!row.detail_json.empty()) {
    detail = json::parse(row.detail_json, nullptr, false);
    if (detail.is_discarded() || !detail.is_object()) detail = json::object();
  }
  auto str = [](const json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [](const json& j, const char* k) -> std::int64_t {
    auto it = j.find(k);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
  };

  // People as a clerk names them: 居民, 华山街道, the department's name, 翠湖社区工作人员 D001.
  auto who_of = [&](const json& e) {
    return console::who_text(catalog, str(e, "actor"), str(e, "actor_role"), row.community, c.lang);
  };
  auto behalf_of = [&](const std::string& id) -> std::string {
    if (id.empty()) return "";
    if (id == "resident") return c.t("who_resident");
    if (catalog != nullptr && catalog->department_by_id(id) != nullptr) {
      return department_name(catalog, id, c.lang);
    }
    if (catalog != nullptr && catalog->street_office_by_code(id) != nullptr) {
      return console::office_name(catalog, id, c.lang);
    }
    return id;
  };
  json timeline = json::array();
  for (const json& e : detail.value("timeline", json::array())) {
    if (!e.is_object()) continue;
    json deps = json::array();
    for (const json& d : e.value("departments", json::array())) {
      if (d.is_string()) deps.push_back(department_name(catalog, d.get<std::string>(), c.lang));
    }
    json item{{"kind", str(e, "kind")},
              {"label", label(c, "ev_", str(e, "kind"))},
              {"who", who_of(e)},
              {"on_behalf_of", behalf_of(str(e, "on_behalf_of"))},
              {"at", console::local_time(num(e, "at_ms"))},
              {"text", str(e, "text")},
              {"level", label(c, "level_", str(e, "level"))},
              {"whistle_kind", label(c, "kind_", str(e, "whistle_kind"))},
              {"departments", deps.empty() ? json(false) : json{{"list", std::move(deps)}}},
              {"rating", label(c, "rating_", str(e, "rating"))},
              {"accepted_by", str(e, "accepted_by")},
              {"due", console::due_text(num(e, "due_ms"), unit)}};
    auto met = e.find("met");
    item["met"] = met != e.end() && met->is_boolean() && met->get<bool>();
    item["missed"] = met != e.end() && met->is_boolean() && !met->get<bool>();
    timeline.push_back(std::move(item));
  }
  json notes = json::array();
  for (const json& n : detail.value("notes", json::array())) {
    if (!n.is_object()) continue;
    notes.push_back({{"who", who_of(n)},
                     {"at", console::local_time(num(n, "at_ms"))},
                     {"text", str(n, "text")}});
  }
  json visits = json::array();
  for (const json& n : detail.value("visits", json::array())) {
    if (!n.is_object()) continue;
    visits.push_back({{"who", who_of(n)},
                      {"at", console::local_time(num(n, "at_ms"))},
                      {"text", str(n, "text")}});
  }
  // Where the problem is: the place's name, the address in the resident's or worker's words,
  // the position when one was given (the grid is the row's).
  json where = detail.value("where", json::object());
  if (!where.is_object()) where = json::object();
  std::string place = str(where, "place");
  if (const core::Place* p = catalog && !place.empty() ? catalog->place_by_id(place) : nullptr) {
    place = name_of(p->name, c.lang);
  }
  std::string point;
  const auto lat = where.find("lat_e6"), lon = where.find("lon_e6");
  if (lat != where.end() && lon != where.end() && lat->is_number_integer() &&
      lon->is_number_integer()) {
    point = core::to_string(core::GeoPoint{static_cast<std::int32_t>(lat->get<std::int64_t>()),
                                           static_cast<std::int32_t>(lon->get<std::int64_t>())});
  }
  json conflicts = json::array();
  for (const json& n : detail.value("conflicts", json::array())) {
    if (!n.is_object()) continue;
    conflicts.push_back({{"kind", label(c, "ev_", str(n, "kind"))},
                         {"who", who_of(n)},
                         {"at", console::local_time(num(n, "at_ms"))},
                         {"why", str(n, "why")}});
  }
  json departments = json::array();
  for (const CaseDepartmentRow& d : row.departments) {
    departments.push_back({{"name", department_name(catalog, d.department, c.lang)},
                           {"step", label(c, "step_", d.step)},
                           {"returned", d.step == "returned"},
                           {"report_due", console::due_text(d.report_due_ms, unit)},
                           {"feedback_due", console::due_text(d.feedback_due_ms, unit)},
                           {"expected", local_day(d.expected_ms)}});
  }

  const std::string resident_ref = str(detail, "resident_ref");
  const std::string community = community_name(catalog, row.community, c.lang);
  json data{
      {"title", console::fill(c.t("case_title"), {row.tracking_code})},
      {"case_id", row.case_id},
      {"code", row.tracking_code},
      {"stage", label(c, "stage_", row.stage)},
      {"community", community},
      {"source", source_name(catalog, row.source, c.lang)},
      {"channel", label(c, "channel_", row.channel)},
      {"grid", grid_name(catalog, row.grid, c.lang)},
      {"place", place},
      {"address", str(where, "address")},
      {"point", point},
      {"description", row.description},
      {"collected", console::local_time(row.collected_ms)},
      // The level and kind of the current round, only when it was whistled.
      {"whistled", !row.level.empty()},
      {"level", label(c, "level_", row.level)},
      {"level_key", row.level},
      {"kind", label(c, "kind_", row.kind)},
      {"resolution", str(detail, "resolution")},
      {"outcome", str(detail, "outcome")},
      {"has_contact", !resident_ref.empty()},
      {"contact_masked", resident_ref.empty()
                             ? ""
                             : console::fill(c.t("contact_ending"), {ref_ending(resident_ref)})},
      {"contact_where", console::fill(c.t("contact_at_station"), {community, row.tracking_code})},
      {"departments", std::move(departments)},
      {"timeline", std::move(timeline)},
      {"notes", std::move(notes)},
      {"visits", std::move(visits)},
      {"conflicts", std::move(conflicts)},
      {"csrf", c.session->csrf},
      {"action_base", "/console/cases/" + row.case_id + "/"}};
  data.update(due_of(c, row.next_due_ms, now, unit));
  // The deadlines of the round's kind in their units, and the years they were counted
  // Monday–Friday for want of a published calendar.
  if (catalog != nullptr) {
    const auto kind = core::parse_whistle_kind(row.kind.empty() ? "routine" : row.kind);
    if (kind.is_ok()) data["limits_text"] = console::deadline_limits_text(c, *catalog, *kind);
    std::int64_t last_due = row.next_due_ms;
    for (const CaseDepartmentRow& d : row.departments) {
      last_due = std::max({last_due, d.report_due_ms, d.feedback_due_ms});
    }
    if (unit == core::DeadlineUnit::WorkingDays && last_due > 0) {
      const std::int64_t from = row.stage_since_ms > 0 ? row.stage_since_ms : row.collected_ms;
      data["calendar_warning"] = core::fallback_warning(
          core::uncovered_years(catalog->work_calendar, from, last_due), c.lang == Lang::Zh);
    }
  }
  data["has_notes"] = !data["notes"].empty();
  data["has_visits"] = !data["visits"].empty();
  data["has_departments"] = !data["departments"].empty();
  data["has_conflicts"] = !data["conflicts"].empty();
  if (const std::string done = c.query.get("done"); !done.empty() && status == 200) {
    std::string key = "action_" + done;
    std::replace(key.begin(), key.end(), '-', '_');
    data["done"] = console::fill(c.t("done"), {c.t(key)});
  }

  // The forms the principal may use now, each with its error and kept text when it failed.
  const Principal& who = c.who();
  auto form_of = [&](CaseAction action, const std::string& id) -> json {
    json f{{"id", id}};
    if (form_id == id) {
      f["error"] = error;
      for (const auto& [k, v] : c.form.fields) {
        if (k != "csrf" && k != "departments") f["v_" + k] = v;
      }
    }
    (void)action;
    return f;
  };
  bool any_action = false;
  auto offer = [&](CaseAction action, const char* key, const std::string& id) {
    if (action_offered(who, row, action) || form_id == id) {
      data[key] = form_of(action, id);
      if (action != CaseAction::Reveal) any_action = true;
    }
  };
  offer(CaseAction::Whistle, "whistle", "whistle");
  offer(CaseAction::Escalate, "escalate", "escalate");
  offer(CaseAction::SendBack, "send_back", "send-back");
  offer(CaseAction::Report, "report", "report");
  offer(CaseAction::Feedback, "feedback", "feedback");
  offer(CaseAction::Return, "return_form", "return");
  offer(CaseAction::Note, "note", "note");
  offer(CaseAction::Reveal, "reveal", "reveal");
  data["any_action"] = any_action;
  if (data.contains("whistle") || data.contains("escalate")) {
    const std::vector<std::string> chosen = form_id == "whistle" || form_id == "escalate"
                                                ? c.form.all("departments")
                                                : std::vector<std::string>{};
    // Every catalog department, those that handle the case's source first (marked 对口).
    json deps = json::array();
    if (catalog != nullptr) {
      for (const bool suggested : {true, false}) {
        for (const core::Department& d : catalog->departments) {
          const bool handles =
              std::find(d.sources.begin(), d.sources.end(), row.source) != d.sources.end();
          if (handles != suggested) continue;
          deps.push_back(
              {{"id", d.id},
               {"name", name_of(d.name, c.lang)},
               {"suggested", handles},
               {"checked", std::find(chosen.begin(), chosen.end(), d.id) != chosen.end()}});
        }
      }
    }
    const std::string kind = c.form.get("kind").empty() ? "routine" : c.form.get("kind");
    std::vector<std::pair<std::string, std::string>> kinds;
    for (std::string_view k : kKinds) kinds.emplace_back(k, label(c, "kind_", std::string(k)));
    for (const char* key : {"whistle", "escalate"}) {
      if (!data.contains(key)) continue;
      data[key]["departments"] = deps;
      if (std::string_view(key) == "escalate") {
        // Raising a whistle adds departments: those of the round already are not offered.
        json more = json::array();
        for (const json& d : deps) {
          const std::string id = d["id"].get<std::string>();
          if (std::none_of(row.departments.begin(), row.departments.end(),
                           [&](const CaseDepartmentRow& r) { return r.department == id; })) {
            more.push_back(d);
          }
        }
        data[key]["departments"] = std::move(more);
      }
      data[key]["kinds"] = select_options(kinds, kind);
      data[key]["levels"] = select_options({{"district", c.t("level_district")}}, "district");
    }
  }
  data.update(extra);
  return page(c, status, "case", std::move(data));
}

// [SECTION] Actions

HttpResponse Console::Impl::case_action(Ctx& c, const std::string& case_id,
                                        const std::string& action_name) {
  static const std::map<std::string, CaseAction, std::less<>> kByForm = {
      {"whistle", CaseAction::Whistle},    {"escalate", CaseAction::Escalate},
      {"send-back", CaseAction::SendBack}, {"report", CaseAction::Report},
      {"feedback", CaseAction::Feedback},  {"return", CaseAction::Return},
      {"note", CaseAction::Note},          {"reveal", CaseAction::Reveal}};
  auto it = kByForm.find(action_name);
  if (it == kByForm.end()) return not_found(c);
  const CaseAction action = it->second;

  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const core::Catalog* catalog = cat->get();
  auto found = service.with_store([&](DistrictStore& s) { return s.case_row(case_id); });
  if (!found.is_ok()) return internal(c, found.status().to_string());
  if (!*found) return not_found(c);
  const CaseRow& row = **found;
  const Principal& who = c.who();
  if (auto why = action_refusal(who, row, action, catalog)) {
    return forbidden(c, console::refusal_text(catalog, *why, c.lang), why->message,
                     "denied_" + std::string(to_string(action)), case_id);
  }

  auto refuse = [&](int status, const std::string& message) {
    return case_page_with(c, case_id, status, action_name, message);
  };
  // The page's words, or on an English page the English sentence the refusal came with.
  auto said = [&](const std::string& zh, const std::string& en) {
    return c.lang == Lang::En && !en.empty() ? en : zh;
  };
  if (auto field = console::too_long_field(c.form, options.max_field_bytes)) {
    return refuse(400, console::fill(c.t("field_too_long"),
                                     {*field, std::to_string(c.form.get(*field).size()),
                                      std::to_string(options.max_field_bytes)}));
  }
  auto required = [&](const char* field, const char* label_key) -> std::optional<std::string> {
    std::string v = c.form.get(field);
    if (std::all_of(v.begin(), v.end(),
                    [](char ch) { return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'; })) {
      return console::fill(c.t("field_required"), {c.t(label_key)});
    }
    return std::nullopt;
  };

  Status done;
  std::string detail;
  switch (action) {
    case CaseAction::View:
      return not_found(c);
    case CaseAction::Whistle: {
      if (c.form.get("level") != "district") {
        return refuse(400, c.t("err_level_district"));
      }
      auto kind = core::parse_whistle_kind(c.form.get("kind"));
      if (!kind.is_ok()) return refuse(400, c.t("err_kind"));
      const std::vector<std::string> deps = c.form.all("departments");
      if (deps.empty())
        return refuse(400, console::fill(c.t("field_required"), {c.t("field_departments")}));
      for (const std::string& d : deps) {
        if (catalog->department_by_id(d) == nullptr) {
          return refuse(400, console::fill(c.t("err_department_unknown"), {d}));
        }
      }
      auto r = service.whistle(who.scope, case_id, deps, *kind, c.form.get("note"));
      done = r.status();
      detail = c.form.get("kind");
      for (const std::string& d : deps) detail += " " + d;
      break;
    }
    case CaseAction::Escalate: {
      const std::vector<std::string> deps = c.form.all("departments");
      for (const std::string& d : deps) {
        if (catalog->department_by_id(d) == nullptr) {
          return refuse(400, console::fill(c.t("err_department_unknown"), {d}));
        }
      }
      done = service.escalate(who.scope, case_id, deps, c.form.get("note")).status();
      for (const std::string& d : deps) detail += (detail.empty() ? "" : " ") + d;
      break;
    }
    case CaseAction::SendBack:
      if (auto e = required("reason", "field_reason")) return refuse(400, *e);
      done = service.send_back(who.scope, case_id, c.form.get("reason")).status();
      detail = c.form.get("reason");
      break;
    case CaseAction::Report: {
      std::int64_t expected_ms = 0;
      if (const std::string expected = c.form.get("expected"); !expected.empty()) {
        auto ms = console::parse_local_date(expected);
        if (!ms.is_ok()) return refuse(400, console::fill(c.t("err_date"), {expected}));
        expected_ms = *ms;
        detail = expected;
      }
      auto r = service.report(who.scope, case_id, c.form.get("note"), expected_ms);
      done = r.status();
      break;
    }
    case CaseAction::Feedback: {
      if (auto e = required("action", "field_action")) return refuse(400, *e);
      auto r = service.feedback(who.scope, case_id, c.form.get("action"));
      done = r.status();
      break;
    }
    case CaseAction::Return:
      if (auto e = required("reason", "field_reason")) return refuse(400, *e);
      done = service.return_whistle(who.scope, case_id, c.form.get("reason")).status();
      detail = c.form.get("reason");
      break;
    case CaseAction::Note:
      if (auto e = required("text", "field_text")) return refuse(400, *e);
      done = service
                 .note(who.scope,
                       who.role == ConsoleRole::Office ? core::Role::StreetOffice
                                                       : core::Role::Department,
                       case_id, c.form.get("text"))
                 .status();
      break;
    case CaseAction::Reveal: {
      if (auto e = required("reason", "reveal_reason")) return refuse(400, *e);
      audit(c, "reveal_contact", case_id, c.form.get("reason"));
      auto f = service.with_store([&](DistrictStore& s) { return s.case_row(case_id); });
      std::string ref;
      if (f.is_ok() && *f && !(*f)->detail_json.empty()) {
        json d = json::parse((*f)->detail_json, nullptr, false);
        if (d.is_object() && d.contains("resident_ref") && d["resident_ref"].is_string()) {
          ref = d["resident_ref"].get<std::string>();
        }
      }
      return case_page_with(c, case_id, 200, "", "",
                            json{{"contact_revealed", ref.empty() ? c.t("contact_none") : ref}});
    }
  }
  if (!done.is_ok()) {
    c.log.code = std::string(to_string(done.code()));
    if (done.code() == ErrorCode::Internal) {
      c.log.detail = done.to_string();
      return refuse(500,
                    c.t("error_text") + " (" + c.t("request_id") + " " + c.log.request_id + ")");
    }
    const int status = done.code() == ErrorCode::Invalid            ? 400
                       : done.code() == ErrorCode::NotFound         ? 404
                       : done.code() == ErrorCode::Unavailable      ? 503
                       : done.code() == ErrorCode::PermissionDenied ? 403
                                                                    : 409;
    c.log.detail = done.message();
    std::string words;
    const std::string what = c.t("action_" + std::string(to_string(action)));
    if (done.code() == ErrorCode::Invalid) {
      words = done.message().rfind("departments:", 0) == 0 ? c.t("err_departments_invalid")
                                                           : c.t("err_invalid");
    } else if (done.code() == ErrorCode::NotFound) {
      words = c.t("notfound_text");
    } else if (done.code() == ErrorCode::Unavailable) {
      words = c.t("err_service_unavailable");
    } else {
      // The case moved on (another clerk, a station's sync): say where it stands now.
      auto now_row = service.with_store([&](DistrictStore& s) { return s.case_row(case_id); });
      const std::string stage = now_row.is_ok() && *now_row ? label(c, "stage_", (*now_row)->stage)
                                                            : label(c, "stage_", row.stage);
      words = console::fill(c.t("err_stage_now"), {what, stage});
    }
    return refuse(status, said(words, done.message()));
  }
  audit(c, std::string(to_string(action)), case_id, detail);
  return redirect("/console/cases/" + case_id + "?done=" + action_name);
}

}  // namespace weimin::server
