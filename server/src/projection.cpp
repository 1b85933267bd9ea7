// The case projection: a case's row from its events (project_case), and what both stores share
// to keep and query it (projection_store.hpp).
#include "weimin/server/projection.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "projection_store.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

using nlohmann::json;

namespace {

std::string kind_name(core::CaseEventKind kind) {
  std::string_view k = core::to_string(kind);
  if (k.starts_with("case.")) k.remove_prefix(5);
  return std::string(k);
}

// The words of a step: what its event says.
std::string step_text(const core::CaseEvent& e) {
  struct Visitor {
    std::string operator()(const core::CaseCollected& p) const { return p.description; }
    std::string operator()(const core::CaseResolved& p) const { return p.summary; }
    std::string operator()(const core::CaseWhistled& p) const { return p.note; }
    std::string operator()(const core::CaseReported& p) const { return p.note; }
    std::string operator()(const core::CaseFeedback& p) const { return p.action; }
    std::string operator()(const core::CaseVerified& p) const { return p.outcome; }
    std::string operator()(const core::CaseClosed& p) const { return p.summary; }
    std::string operator()(const core::CaseEvaluated& p) const { return p.comment; }
    std::string operator()(const core::CaseReopened& p) const { return p.reason; }
    std::string operator()(const core::CaseNote& p) const { return p.text; }
    std::string operator()(const core::ConflictSettled& p) const { return p.reason; }
    std::string operator()(const core::CaseReturned& p) const { return p.reason; }
    std::string operator()(const core::CaseEscalated& p) const { return p.note; }
    std::string operator()(const core::CaseSentBack& p) const { return p.reason; }
    std::string operator()(const core::CaseVisited& p) const { return p.outcome; }
  };
  return std::visit(Visitor{}, e.payload);
}

// What each step of the timeline was due by, replaying the rounds.
struct Round {
  std::optional<std::int64_t> whistled_ms;
  core::WhistleKind kind = core::WhistleKind::Routine;
  std::map<std::string, std::int64_t> reported_ms;
  std::optional<std::int64_t> first_feedback_ms;
  std::optional<std::int64_t> resolved_ms;
};

json timeline_json(const core::CaseState& state,
                   const std::map<core::Uuid, const core::CaseEvent*>& by_id,
                   const core::CaseDeadlines& deadlines) {
  json out = json::array();
  Round round;
  for (const core::CaseStep& step : state.timeline) {
    const auto found = by_id.find(step.event);
    const core::CaseEvent* e = found == by_id.end() ? nullptr : found->second;
    const std::int64_t at = step.effective.wall_ms;
    std::int64_t due = 0;
    json item = {{"event", step.event.to_string()},
                 {"kind", kind_name(step.kind)},
                 {"actor", step.actor},
                 {"actor_role", std::string(core::to_string(step.actor_role))},
                 {"on_behalf_of", step.on_behalf_of},
                 {"at_ms", at},
                 {"text", e ? step_text(*e) : std::string()},
                 {"level", ""},
                 {"whistle_kind", ""}};
    const std::string dept = e ? core::responding_department(*e) : std::string();
    switch (step.kind) {
      case core::CaseEventKind::Collected:
      case core::CaseEventKind::Reopened:
        round = Round{};
        break;
      case core::CaseEventKind::ResolvedLocally:
        round.resolved_ms = at;
        break;
      case core::CaseEventKind::Whistled: {
        json departments = json::array();
        if (e) {
          const auto& p = std::get<core::CaseWhistled>(e->payload);
          item["level"] = std::string(core::to_string(p.level));
          item["whistle_kind"] = std::string(core::to_string(p.kind));
          for (const std::string& d : p.departments) departments.push_back(d);
          round.kind = p.kind;
        }
        item["departments"] = std::move(departments);
        round.whistled_ms = at;
        round.reported_ms.clear();
        round.first_feedback_ms.reset();
        break;
      }
      case core::CaseEventKind::Reported:
        if (round.whistled_ms) {
          const auto& l = deadlines.for_kind(round.kind);
          due = deadlines.due_after(l, *round.whistled_ms, l.report_in);
        }
        round.reported_ms.emplace(dept, at);
        break;
      case core::CaseEventKind::Feedback: {
        const auto r = round.reported_ms.find(dept);
        if (r != round.reported_ms.end()) {
          const auto& l = deadlines.for_kind(round.kind);
          due = deadlines.due_after(l, r->second, l.feedback);
        }
        if (!round.first_feedback_ms) round.first_feedback_ms = at;
        break;
      }
      case core::CaseEventKind::Verified:
        if (round.first_feedback_ms) {
          const auto& l = deadlines.for_kind(round.kind);
          due = deadlines.due_after(l, *round.first_feedback_ms, l.verify);
        } else if (round.resolved_ms) {
          due =
              deadlines.due_after(deadlines.routine, *round.resolved_ms, deadlines.routine.verify);
        }
        break;
      case core::CaseEventKind::Evaluated:
        if (e) {
          item["rating"] =
              std::string(core::to_string(std::get<core::CaseEvaluated>(e->payload).rating));
        }
        break;
      default:
        break;
    }
    item["due_ms"] = due;
    item["met"] = due > 0 ? json(at <= due) : json(nullptr);
    item["accepted_by"] = step.accepted_by ? json(step.accepted_by->to_string()) : json(nullptr);
    out.push_back(std::move(item));
  }
  return out;
}

std::string detail_of(const core::CaseState& state,
                      const std::map<core::Uuid, const core::CaseEvent*>& by_id,
                      const core::CaseDeadlines& deadlines, const std::string& case_id,
                      const std::string& community) {
  json notes = json::array();
  for (const core::CaseNoteEntry& n : state.notes) {
    notes.push_back({{"event", n.event.to_string()},
                     {"actor", n.actor},
                     {"actor_role", std::string(core::to_string(n.actor_role))},
                     {"at_ms", n.hlc.wall_ms},
                     {"text", n.text}});
  }
  json conflicts = json::array();
  for (const core::CaseConflict& c : state.conflicts) {
    conflicts.push_back({{"event", c.event.id.to_string()},
                         {"kind", kind_name(c.event.kind())},
                         {"actor", c.event.actor},
                         {"actor_role", std::string(core::to_string(c.event.actor_role))},
                         {"at_ms", c.event.hlc.wall_ms},
                         {"code", std::string(to_string(c.code))},
                         {"why", c.why}});
  }
  json visits = json::array();
  for (const core::CaseNoteEntry& v : state.visits) {
    visits.push_back({{"event", v.event.to_string()},
                      {"actor", v.actor},
                      {"actor_role", std::string(core::to_string(v.actor_role))},
                      {"at_ms", v.hlc.wall_ms},
                      {"text", v.text}});
  }
  // Where the problem is (grid, place, address, position), as the collected event said.
  json where = {
      {"grid", state.where.grid}, {"place", state.where.place}, {"address", state.where.address}};
  if (state.where.point) {
    where["lat_e6"] = state.where.point->lat_e6;
    where["lon_e6"] = state.where.point->lon_e6;
  }
  json settled = json::array();
  for (const core::SettledConflict& s : state.settled) {
    settled.push_back({{"event", s.conflict.event.id.to_string()},
                       {"kind", kind_name(s.conflict.event.kind())},
                       {"decision", std::string(core::to_string(s.decision))},
                       {"why", s.conflict.why}});
  }
  json detail = {
      {"resident_ref", state.resident_ref}, {"resolution", state.resolution},
      {"outcome", state.outcome},           {"timeline", timeline_json(state, by_id, deadlines)},
      {"notes", std::move(notes)},          {"conflicts", std::move(conflicts)},
      {"settled", std::move(settled)},      {"where", std::move(where)},
      {"visits", std::move(visits)}};
  detail[std::string(projection::kViewKey)] = projection::case_view_json(case_id, community, state);
  return detail.dump();
}

}  // namespace

namespace {

// The row of a folded case (project_case without the fold).
CaseRow row_of_state(const core::CaseState& state, const core::Uuid& case_id,
                     std::span<const core::CaseEvent> events, const std::string& community,
                     const core::CaseDeadlines& deadlines) {
  CaseRow row;
  row.case_id = case_id.to_string();
  row.tracking_code = core::tracking_code(case_id);
  row.community = community;
  row.office = community.substr(0, 9);
  row.stage = std::string(core::to_string(state.stage));
  row.source = state.source;
  row.channel = state.channel ? std::string(core::to_string(*state.channel)) : std::string();
  row.level = state.level ? std::string(core::to_string(*state.level)) : std::string();
  row.kind = state.kind ? std::string(core::to_string(*state.kind)) : std::string();
  row.description = state.description;
  row.stage_since_ms = state.stage == core::CaseStage::None ? 0 : state.stage_since.wall_ms;
  for (const core::CaseStep& step : state.timeline) {
    if (step.kind == core::CaseEventKind::Collected && row.collected_ms == 0) {
      row.collected_ms = step.effective.wall_ms;
    }
    row.last_change_ms = std::max(row.last_change_ms, step.effective.wall_ms);
  }
  row.open_conflicts = static_cast<int>(state.conflicts.size());
  row.reopen_count = state.reopen_count;
  row.evaluation = state.evaluation ? std::string(core::to_string(*state.evaluation)) : "";
  row.sent_back = state.sent_back.has_value();
  row.grid = state.where.grid;

  // The current round's departments and deadlines (core::overdue's rules, every step still
  // waiting rather than only the late ones).
  std::int64_t next_due = 0;
  auto consider = [&](std::int64_t due) {
    if (due > 0 && (next_due == 0 || due < next_due)) next_due = due;
  };
  const bool in_round = state.stage == core::CaseStage::Whistled ||
                        state.stage == core::CaseStage::Reported ||
                        state.stage == core::CaseStage::Feedback;
  const core::CaseDeadlines::Limits& limits =
      deadlines.for_kind(state.kind.value_or(core::WhistleKind::Routine));
  auto due_after = [&](std::int64_t from_ms, int count) {
    return deadlines.due_after(limits, from_ms, count);
  };
  for (const core::DepartmentProgress& d : state.departments) {
    CaseDepartmentRow dr;
    dr.department = d.department;
    dr.step = d.returned   ? "returned"
              : d.feedback ? "feedback"
              : d.reported ? "reported"
                           : "whistled";
    // Due from the whistle or escalation that named the department (core::overdue's rule).
    if (state.whistled_at) dr.report_due_ms = due_after(d.whistled.wall_ms, limits.report_in);
    if (d.reported) {
      dr.reported_ms = d.reported->wall_ms;
      dr.feedback_due_ms = due_after(d.reported->wall_ms, limits.feedback);
    }
    if (d.feedback) dr.feedback_ms = d.feedback->wall_ms;
    dr.expected_ms = d.expected_ms;
    if (in_round && state.kind && state.whistled_at && !d.returned) {
      if (!d.reported) {
        consider(dr.report_due_ms);
      } else if (!d.feedback) {
        consider(dr.feedback_due_ms);
      }
    }
    row.departments.push_back(std::move(dr));
  }
  if (in_round && state.kind && state.whistled_at && state.stage == core::CaseStage::Feedback) {
    consider(due_after(state.stage_since.wall_ms, limits.verify));
  }
  if (state.stage == core::CaseStage::Resolved) {
    consider(deadlines.due_after(deadlines.routine, state.stage_since.wall_ms,
                                 deadlines.routine.verify));
  }
  row.next_due_ms = next_due;
  row.detail_json =
      detail_of(state, projection::events_by_id(events), deadlines, row.case_id, community);
  return row;
}

}  // namespace

CaseRow project_case(const core::Uuid& case_id, std::span<const core::CaseEvent> events,
                     const std::string& community, const core::CaseDeadlines& deadlines) {
  return row_of_state(core::fold_case(case_id, events), case_id, events, community, deadlines);
}

namespace projection {

// The event fold_case kept for each id (of two sharing an id, the first in its total order).
std::map<core::Uuid, const core::CaseEvent*> events_by_id(std::span<const core::CaseEvent> events) {
  std::map<core::Uuid, const core::CaseEvent*> out;
  for (const core::CaseEvent& e : events) {
    auto [it, fresh] = out.emplace(e.id, &e);
    if (fresh) continue;
    const core::CaseEvent& held = *it->second;
    const bool earlier = e.hlc != held.hlc || e.origin != held.origin
                             ? (e.hlc < held.hlc || (e.hlc == held.hlc && e.origin < held.origin))
                             : e < held;
    if (earlier) it->second = &e;
  }
  return out;
}

json case_view_json(const std::string& case_id, const std::string& community,
                    const core::CaseState& s) {
  json deps = json::array();
  for (const auto& d : s.departments) {
    deps.push_back({{"department", d.department},
                    {"reported", d.reported.has_value()},
                    {"feedback", d.feedback.has_value()},
                    {"returned", d.returned.has_value()},
                    {"report_note", d.report_note},
                    {"expected_ms", d.expected_ms},
                    {"feedback_action", d.feedback_action},
                    {"return_reason", d.return_reason}});
  }
  json j = {{"case", case_id},
            {"community", community},
            {"stage", core::to_string(s.stage)},
            {"description", s.description},
            {"source", s.source},
            {"departments", std::move(deps)},
            {"resolution", s.resolution},
            {"outcome", s.outcome},
            {"conflicts", s.conflicts.size()},
            {"steps", s.timeline.size()}};
  j["level"] = s.level ? json(core::to_string(*s.level)) : json(nullptr);
  j["kind"] = s.kind ? json(core::to_string(*s.kind)) : json(nullptr);
  j["evaluation"] = s.evaluation ? json(core::to_string(*s.evaluation)) : json(nullptr);
  j["sent_back"] = s.sent_back ? json{{"reason", s.sent_back->reason},
                                      {"by", s.sent_back->actor},
                                      {"at_ms", s.sent_back->at.wall_ms}}
                               : json(nullptr);
  return j;
}

// [SECTION] Rows from facts

std::vector<core::CaseEvent> case_events(const std::vector<FactRecord>& facts) {
  std::vector<core::CaseEvent> out;
  out.reserve(facts.size());
  for (const FactRecord& r : facts) {
    const sync::FactPayload& f = r.fact;
    if (!f.kind.starts_with("case.")) continue;
    auto id = core::Uuid::parse(f.id);
    auto case_id = core::Uuid::parse(f.subject);
    if (!id || !case_id) continue;
    core::CaseEventEnvelope env{*id, *case_id,
                                core::HlcTimestamp::unpack(static_cast<std::uint64_t>(f.hlc)),
                                f.origin, f.wall_ms};
    auto e = core::case_event_from_body(env, f.kind, f.body);
    if (e.is_ok()) out.push_back(std::move(*e));
  }
  return out;
}

bool before_in_fold_order(const FactRecord& a, const FactRecord& b) {
  return std::tie(a.fact.hlc, a.fact.origin, a.fact.id) <
         std::tie(b.fact.hlc, b.fact.origin, b.fact.id);
}

std::vector<FactRecord> in_fold_order(const std::vector<const FactRecord*>& facts) {
  std::vector<const FactRecord*> sorted = facts;
  std::sort(sorted.begin(), sorted.end(),
            [](const FactRecord* a, const FactRecord* b) { return before_in_fold_order(*a, *b); });
  std::vector<FactRecord> out;
  out.reserve(sorted.size());
  for (const FactRecord* r : sorted) out.push_back({r->fact, r->community, r->received_ms, {}});
  return out;
}

std::string case_community(const std::vector<FactRecord>& facts) {
  for (const FactRecord& f : facts) {
    if (f.fact.kind == "case.collected") return f.community;
  }
  return facts.empty() ? std::string() : facts.front().community;
}

CaseRow project_facts(const std::string& case_id, const std::vector<FactRecord>& facts,
                      const core::CaseDeadlines& deadlines) {
  const auto id = core::Uuid::parse(case_id);
  const std::vector<core::CaseEvent> events = case_events(facts);
  CaseRow row = project_case(id ? *id : core::Uuid{}, events, case_community(facts), deadlines);
  row.case_id = case_id;  // the facts' subject as stored, even one that is not a UUID
  return row;
}

Projected project_facts_with_units(const std::string& case_id, const std::vector<FactRecord>& facts,
                                   const core::CaseDeadlines& deadlines) {
  const core::Uuid id = core::Uuid::parse(case_id).value_or(core::Uuid{});
  const std::vector<core::CaseEvent> events = case_events(facts);
  const std::string community = case_community(facts);
  const core::CaseState state = core::fold_case(id, events);
  Projected out;
  out.row = row_of_state(state, id, events, community, deadlines);
  out.row.case_id = case_id;
  out.units = units_of_state(state, events_by_id(events), community, deadlines);
  for (WhistleUnit& u : out.units) u.case_id = case_id;
  out.grid = grid_case_of(state, out.row);
  return out;
}

std::optional<GridCase> grid_case_of(const core::CaseState& state, const CaseRow& row) {
  if (state.stage == core::CaseStage::None || row.collected_ms == 0) return std::nullopt;
  GridCase g;
  g.case_id = row.case_id;
  g.office = row.office;
  g.community = row.community;
  g.grid = row.grid;
  g.collected_day = district_day(row.collected_ms);
  if (state.stage == core::CaseStage::Closed || state.stage == core::CaseStage::Evaluated) {
    for (auto it = state.timeline.rbegin(); it != state.timeline.rend(); ++it) {
      if (it->kind == core::CaseEventKind::Closed) {
        g.closed_day = district_day(it->effective.wall_ms);
        break;
      }
    }
  }
  return g;
}

core::CaseDeadlines deadlines_of(const core::Catalog& catalog) {
  return core::case_deadlines(catalog);
}

core::CaseDeadlines DeadlineCache::get(const std::optional<ReferenceRecord>& latest) {
  const std::int64_t gseq = latest ? latest->gseq : 0;
  std::lock_guard lock(mutex_);
  if (gseq != gseq_) {
    deadlines_ = latest ? deadlines_of_text(latest->json) : core::CaseDeadlines{};
    gseq_ = gseq;
  }
  return deadlines_;
}

core::CaseDeadlines deadlines_of_text(const std::string& catalog_json) {
  auto catalog = core::parse_catalog(catalog_json, "the published catalog");
  return catalog.is_ok() ? deadlines_of(*catalog) : core::CaseDeadlines{};
}

std::string departments_to_json(const std::vector<CaseDepartmentRow>& departments) {
  json out = json::array();
  for (const CaseDepartmentRow& d : departments) {
    out.push_back(json::array({d.department, d.step, d.report_due_ms, d.reported_ms,
                               d.feedback_due_ms, d.feedback_ms, d.expected_ms}));
  }
  return out.dump();
}

std::vector<CaseDepartmentRow> departments_from_json(std::string_view text) {
  std::vector<CaseDepartmentRow> out;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const json& d : j) {
    if (!d.is_array() || d.size() != 7) continue;
    out.push_back(CaseDepartmentRow{d[0].get<std::string>(), d[1].get<std::string>(),
                                    d[2].get<std::int64_t>(), d[3].get<std::int64_t>(),
                                    d[4].get<std::int64_t>(), d[5].get<std::int64_t>(),
                                    d[6].get<std::int64_t>()});
  }
  return out;
}

std::int64_t department_due_ms(const CaseDepartmentRow& d) {
  if (d.step == "whistled") return d.report_due_ms;
  if (d.step == "reported") return d.feedback_due_ms;
  return 0;
}

// [SECTION] Inbox queries

bool overdue_at(std::int64_t next_due_ms, std::int64_t now_ms) {
  return next_due_ms > 0 && next_due_ms < now_ms;
}

Position position_of(const CaseRow& row, std::int64_t now_ms) {
  return Position{now_ms, overdue_at(row.next_due_ms, now_ms), row.next_due_ms, row.last_change_ms,
                  row.case_id};
}

bool before(const Position& a, const Position& b) {
  if (a.overdue != b.overdue) return a.overdue;
  if (a.overdue && a.due_ms != b.due_ms) return a.due_ms < b.due_ms;
  if (a.change_ms != b.change_ms) return a.change_ms > b.change_ms;
  return a.case_id < b.case_id;
}

std::string encode_cursor(const Position& p) {
  return "c1." + std::to_string(p.now_ms) + "." + (p.overdue ? "o" : "r") + "." +
         std::to_string(p.due_ms) + "." + std::to_string(p.change_ms) + "." + p.case_id;
}

std::optional<Position> decode_cursor(std::string_view text) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : text) {
    if (c == '.' && parts.size() < 5) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  parts.push_back(cur);
  if (parts.size() != 6 || parts[0] != "c1" || (parts[2] != "o" && parts[2] != "r")) {
    return std::nullopt;
  }
  auto number = [](const std::string& s, std::int64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    out = std::stoll(s);
    return true;
  };
  Position p;
  p.overdue = parts[2] == "o";
  if (!number(parts[1], p.now_ms) || !number(parts[3], p.due_ms) ||
      !number(parts[4], p.change_ms) || !core::Uuid::parse(parts[5])) {
    return std::nullopt;
  }
  p.case_id = parts[5];
  return p;
}

Status check_query(const CaseQuery& q) {
  if (q.limit < 1 || q.limit > kMaxPageRows) {
    return Status(ErrorCode::Invalid, "a page holds 1 to " + std::to_string(kMaxPageRows) +
                                          " cases, not " + std::to_string(q.limit) +
                                          "; ask for a limit in that range");
  }
  if (!q.department_step.empty() && q.department.empty()) {
    return Status(ErrorCode::Invalid,
                  "a department step (" + q.department_step.substr(0, 32) +
                      ") filters the cases of one department; name the department too");
  }
  if (!q.after.empty() && !decode_cursor(q.after)) {
    return Status(ErrorCode::Invalid,
                  "the page cursor is not one this server gave; start again from the first page");
  }
  return Status::ok();
}

std::int64_t effective_now(const CaseQuery& query) {
  if (!query.after.empty()) {
    if (auto p = decode_cursor(query.after)) return p->now_ms;
  }
  return query.now_ms;
}

CasePage finish_page(std::vector<CaseRow> rows, const CaseQuery& query) {
  CasePage page;
  const std::size_t limit = static_cast<std::size_t>(query.limit);
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next = encode_cursor(position_of(rows.back(), effective_now(query)));
  }
  if (!query.with_detail) {
    for (CaseRow& r : rows) r.detail_json.clear();
  }
  page.rows = std::move(rows);
  return page;
}

std::string_view row_columns() {
  return "r.case_id, r.tracking_code, r.community, r.office, r.stage, r.source, r.channel, "
         "r.level, r.kind, r.description, r.collected_ms, r.stage_since_ms, r.last_change_ms, "
         "r.next_due_ms, r.open_conflicts, r.reopen_count, r.evaluation, r.departments, "
         "r.sent_back, r.grid";
}

namespace {

// Builds one statement's text and parameters.
class Builder {
 public:
  explicit Builder(Dialect d) : dialect_(d) {}
  std::string param(SqlParam p) {
    params_.push_back(std::move(p));
    return dialect_ == Dialect::Sqlite ? "?" : "$" + std::to_string(params_.size());
  }
  SqlQuery done(std::string sql) { return SqlQuery{std::move(sql), std::move(params_)}; }

 private:
  Dialect dialect_;
  std::vector<SqlParam> params_;
};

// Which index leads a query: the most selective filter given.
enum class Lead {
  Tracking,
  Department,
  DepartmentStep,
  CommunityStage,
  Community,
  OfficeStage,
  Office,
  Stage,
  All
};

// The index a query's most selective filter leads with. A community or an office with stages
// has its own index: the stages an inbox tab asks for (waiting for a whistle: collected,
// reopened, returned) are few among an office's cases, which an office-only scan would read
// nearly all of to find them.
Lead lead_of(const CaseQuery& q) {
  if (!q.tracking_code.empty()) return Lead::Tracking;
  if (!q.department.empty())
    return q.department_step.empty() ? Lead::Department : Lead::DepartmentStep;
  if (!q.community.empty()) return q.stages.empty() ? Lead::Community : Lead::CommunityStage;
  if (!q.office.empty()) return q.stages.empty() ? Lead::Office : Lead::OfficeStage;
  if (!q.stages.empty()) return Lead::Stage;
  return Lead::All;
}

// SQLite index names (embedded_store.cpp's migration 5), for the overdue part and the rest.
std::pair<const char*, const char*> sqlite_indexes(Lead lead) {
  switch (lead) {
    case Lead::Tracking:
      return {"case_rows_tracking", "case_rows_tracking"};
    case Lead::Department:
      return {"case_departments_due", "case_departments_recent"};
    case Lead::DepartmentStep:
      return {"case_departments_step_due", "case_departments_step"};
    case Lead::CommunityStage:
      return {"case_rows_community_stage_due", "case_rows_community_stage"};
    case Lead::Community:
      return {"case_rows_community_due", "case_rows_community"};
    case Lead::OfficeStage:
      return {"case_rows_office_stage_due", "case_rows_office_stage"};
    case Lead::Office:
      return {"case_rows_office_due", "case_rows_office"};
    case Lead::Stage:
      return {"case_rows_stage_due", "case_rows_stage"};
    case Lead::All:
      return {"case_rows_due", "case_rows_recent"};
  }
  return {"", ""};
}

SqlQuery build(const CaseQuery& q, Dialect dialect, bool overdue_part,
               const std::string* one_stage) {
  Builder b(dialect);
  const Lead lead = lead_of(q);
  const bool by_department = lead == Lead::Department || lead == Lead::DepartmentStep;
  const char* t = by_department ? "d" : "r";  // the table whose index leads
  const auto [due_index, rest_index] = sqlite_indexes(lead);
  const char* index = overdue_part ? due_index : rest_index;
  auto indexed = [&](const char* name) {
    return dialect == Dialect::Sqlite ? std::string(" INDEXED BY ") + name : std::string();
  };
  std::string sql =
      "SELECT " + std::string(row_columns()) + (q.with_detail ? ", r.detail_json" : "") + " FROM ";
  if (by_department) {
    sql += "case_departments d" + indexed(index) +
           (dialect == Dialect::Sqlite ? " CROSS JOIN" : " JOIN") +
           " case_rows r ON r.case_id = d.case_id";
  } else {
    sql += "case_rows r" + indexed(index);
  }
  std::vector<std::string> where;
  auto eq = [&](const std::string& column, const std::string& value) {
    if (!value.empty()) where.push_back(column + " = " + b.param(value));
  };
  // The leading filter first, on the leading table.
  if (by_department) {
    eq("d.department", q.department);
    eq("d.step", q.department_step);
  } else if (!q.department.empty()) {
    std::string exists =
        "EXISTS (SELECT 1 FROM case_departments x WHERE x.department = " + b.param(q.department) +
        " AND x.case_id = r.case_id";
    if (!q.department_step.empty()) exists += " AND x.step = " + b.param(q.department_step);
    where.push_back(exists + ")");
  }
  eq("r.tracking_code", q.tracking_code);
  eq("r.community", q.community);
  eq("r.office", q.office);
  if (one_stage) {
    eq("r.stage", *one_stage);
  } else if (!q.stages.empty()) {
    std::string in;
    for (const std::string& s : q.stages) in += (in.empty() ? "" : ", ") + b.param(s);
    where.push_back("r.stage IN (" + in + ")");
  }
  if (q.whistled_only) {
    where.push_back("EXISTS (SELECT 1 FROM figure_units u WHERE u.case_id = r.case_id)");
  }
  eq("r.source", q.source);
  eq("r.level", q.level);
  eq("r.kind", q.kind);
  eq("r.channel", q.channel);
  eq("r.grid", q.grid);
  if (q.collected_from_ms > 0) {
    where.push_back("r.collected_ms >= " + b.param(q.collected_from_ms));
  }
  if (q.collected_to_ms > 0) where.push_back("r.collected_ms < " + b.param(q.collected_to_ms));

  const std::int64_t now = effective_now(q);
  const std::string T(t);
  std::optional<Position> after;
  if (!q.after.empty()) after = decode_cursor(q.after);
  if (overdue_part) {
    // The partial indexes' own term, literally, so SQLite may use them.
    where.push_back(T + ".next_due_ms > 0");
    where.push_back(T + ".next_due_ms < " + b.param(now));
    if (after && after->overdue) {
      const std::string d = b.param(after->due_ms), d2 = b.param(after->due_ms),
                        c = b.param(after->change_ms), c2 = b.param(after->change_ms),
                        id = b.param(after->case_id);
      where.push_back(T + ".next_due_ms >= " + d + " AND (" + T + ".next_due_ms > " + d2 + " OR " +
                      T + ".last_change_ms < " + c + " OR (" + T + ".last_change_ms = " + c2 +
                      " AND " + T + ".case_id > " + id + "))");
    }
  } else {
    where.push_back("NOT (" + T + ".next_due_ms > 0 AND " + T + ".next_due_ms < " + b.param(now) +
                    ")");
    if (after && !after->overdue) {
      const std::string c = b.param(after->change_ms), c2 = b.param(after->change_ms),
                        id = b.param(after->case_id);
      where.push_back(T + ".last_change_ms <= " + c + " AND (" + T + ".last_change_ms < " + c2 +
                      " OR " + T + ".case_id > " + id + ")");
    }
  }
  for (std::size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  sql += overdue_part
             ? " ORDER BY " + T + ".next_due_ms, " + T + ".last_change_ms DESC, " + T + ".case_id"
             : " ORDER BY " + T + ".last_change_ms DESC, " + T + ".case_id";
  sql += " LIMIT " + b.param(static_cast<std::int64_t>(q.limit) + 1);
  return b.done(std::move(sql));
}

}  // namespace

PagePlan plan_page(const CaseQuery& q, Dialect dialect) {
  PagePlan plan;
  std::optional<Position> after;
  if (!q.after.empty()) after = decode_cursor(q.after);
  // Several stages leading: one ordered index scan per stage, merged (an IN list would sort).
  const std::set<std::string> stages(q.stages.begin(), q.stages.end());
  const Lead lead = lead_of(q);
  const bool stage_arms =
      (lead == Lead::Stage || lead == Lead::OfficeStage || lead == Lead::CommunityStage) &&
      stages.size() > 1;
  auto arms = [&](bool overdue_part) {
    std::vector<SqlQuery> out;
    if (stage_arms) {
      for (const std::string& s : stages) out.push_back(build(q, dialect, overdue_part, &s));
    } else {
      out.push_back(build(q, dialect, overdue_part, nullptr));
    }
    return out;
  };
  if (!after || after->overdue) plan.overdue = arms(true);
  if (!q.overdue_only) plan.rest = arms(false);
  return plan;
}

}  // namespace projection
}  // namespace weimin::server
