// weimin case new | show | list | resolve | whistle | report | feedback | return | verify |
//              close | reopen | note | visit | settle | evaluate | progress
#include <cmath>

#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/work_calendar.hpp"
#include "weimin/station/cases.hpp"

namespace weimin::cli {
namespace {

nlohmann::json where_json(const core::CaseWhere& w, const core::Catalog& catalog) {
  nlohmann::json j = nlohmann::json::object();
  if (!w.grid.empty()) j["grid"] = w.grid;
  if (!w.place.empty()) {
    j["place"] = w.place;
    if (const auto* p = catalog.place_by_id(w.place)) j["place_name"] = p->name.zh;
  }
  if (!w.address.empty()) j["address"] = w.address;
  if (w.point) {
    j["lat_e6"] = w.point->lat_e6;
    j["lon_e6"] = w.point->lon_e6;
  }
  return j;
}

// "翠湖南路小区1栋, 3单元, grid 翠湖社区第一网格 (530102001001001)": a where for people.
std::string where_text(const core::CaseWhere& w, const core::Catalog& catalog) {
  std::string t;
  auto add = [&t](const std::string& part) { t += (t.empty() ? "" : ", ") + part; };
  if (!w.place.empty()) {
    const auto* p = catalog.place_by_id(w.place);
    add(p ? p->name.zh : w.place);
  }
  if (!w.address.empty()) add(w.address);
  if (!w.grid.empty()) {
    const auto* g = catalog.grid_by_code(w.grid);
    add("grid " + (g ? g->name.zh + " (" + w.grid + ")" : w.grid));
  }
  if (w.point) {
    add("lat_e6 " + std::to_string(w.point->lat_e6) + " lon_e6 " + std::to_string(w.point->lon_e6));
  }
  return t;
}

nlohmann::json view_json(const station::CaseView& v, const core::Catalog& catalog) {
  const auto& s = v.state;
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : s.timeline) {
    steps.push_back({{"step", core::to_string(step.kind)},
                     {"by", step.actor},
                     {"role", core::to_string(step.actor_role)},
                     {"on_behalf_of", step.on_behalf_of},
                     {"at", core::local_date_time(step.effective.wall_ms)},
                     {"text", step.text}});
  }
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& c : s.conflicts) {
    conflicts.push_back({{"event", c.event.id.to_string()},
                         {"kind", core::to_string(c.event.kind())},
                         {"why", c.why}});
  }
  nlohmann::json overdue = nlohmann::json::array();
  for (const auto& o : v.overdue) {
    overdue.push_back({{"step", core::to_string(o.step)},
                       {"department", o.department},
                       {"late_hours", o.late_ms / 3600000}});
  }
  nlohmann::json depts = nlohmann::json::array();
  for (const auto& d : s.departments) {
    const auto* dep = catalog.department_by_id(d.department);
    nlohmann::json one = {{"id", d.department},
                          {"name", dep ? dep->name.zh : d.department},
                          {"reported", d.reported.has_value()},
                          {"feedback", d.feedback.has_value()},
                          {"returned", d.returned.has_value()},
                          {"report_note", d.report_note},
                          {"feedback_action", d.feedback_action},
                          {"return_reason", d.return_reason}};
    if (d.expected_ms > 0) one["expected"] = core::local_date(d.expected_ms).to_string();
    depts.push_back(std::move(one));
  }
  nlohmann::json j = {{"case_id", s.case_id.to_string()},
                      {"tracking_code", v.tracking_code},
                      {"stage", core::to_string(s.stage)},
                      {"source", s.source},
                      {"description", s.description},
                      {"phone", v.phone_masked},
                      {"id_number", v.id_number_masked},
                      {"unknown_steps", v.unknown_steps},
                      {"departments", depts},
                      {"resolution", s.resolution},
                      {"outcome", s.outcome},
                      {"reopen_count", s.reopen_count},
                      {"timeline", steps},
                      {"conflicts", conflicts},
                      {"overdue", overdue}};
  if (s.level) j["level"] = core::to_string(*s.level);
  if (s.kind) j["kind"] = core::to_string(*s.kind);
  if (s.evaluation) j["evaluation"] = core::to_string(*s.evaluation);
  if (!s.where.empty()) j["where"] = where_json(s.where, catalog);
  if (!s.visits.empty()) {
    nlohmann::json visits = nlohmann::json::array();
    for (const auto& x : s.visits) {
      visits.push_back(
          {{"by", x.actor}, {"at", core::local_date_time(x.hlc.wall_ms)}, {"outcome", x.text}});
    }
    j["visits"] = std::move(visits);
  }
  if (s.escalated_at) j["escalated_at"] = core::local_date_time(s.escalated_at->wall_ms);
  if (s.sent_back) {
    j["sent_back"] = {{"reason", s.sent_back->reason},
                      {"by", s.sent_back->actor},
                      {"at", core::local_date_time(s.sent_back->at.wall_ms)}};
  }
  return j;
}

// "returned", "feedback", "reported" or "waiting": where a department of the round stands.
std::string department_step(const core::DepartmentProgress& d) {
  return d.returned ? "returned" : d.feedback ? "feedback" : d.reported ? "reported" : "waiting";
}

std::string view_text(const station::CaseView& v, const core::Catalog& catalog) {
  const auto& s = v.state;
  std::string t = "case " + v.tracking_code + "  (" + s.case_id.to_string() + ")\n";
  t += "stage: " + std::string(core::to_string(s.stage)) + "\n";
  t += "source: " + s.source + "\n";
  t += "description: " + s.description + "\n";
  if (!s.where.empty()) t += "where: " + where_text(s.where, catalog) + "\n";
  for (const auto& x : s.visits) {
    t += "visit " + core::local_date_time(x.hlc.wall_ms) + " by " + x.actor + ": " + x.text + "\n";
  }
  if (v.unknown_steps > 0) {
    t += std::to_string(v.unknown_steps) +
         " step(s) made by a newer release are not shown: upgrade this station\n";
  }
  if (!v.phone_masked.empty()) t += "phone: " + v.phone_masked + "\n";
  if (!v.id_number_masked.empty()) t += "identity number: " + v.id_number_masked + "\n";
  if (s.evaluation) t += "evaluation: " + std::string(core::to_string(*s.evaluation)) + "\n";
  if (s.level) {
    t += "whistle: " + std::string(core::to_string(*s.level)) +
         (s.kind ? " " + std::string(core::to_string(*s.kind)) : "") +
         (s.escalated_at ? " (raised to district level by the street office)" : "") + "\n";
  }
  for (const auto& d : s.departments) {
    t += "department " + d.department + ": " + department_step(d) + "\n";
    if (!d.report_note.empty()) t += "  report-in: " + d.report_note + "\n";
    if (d.expected_ms > 0) t += "  expected: " + core::local_date(d.expected_ms).to_string() + "\n";
    if (!d.feedback_action.empty()) t += "  feedback: " + d.feedback_action + "\n";
    if (d.returned) t += "  returned: " + d.return_reason + "\n";
  }
  if (s.sent_back) {
    t += "sent back to the community by " + s.sent_back->actor + ": " + s.sent_back->reason + "\n";
  }
  t += "steps:\n";
  for (const auto& step : s.timeline) {
    t += "  " + core::local_date_time(step.effective.wall_ms) + "  " +
         std::string(core::to_string(step.kind)) + "  by " + step.actor +
         (step.on_behalf_of.empty() ? "" : " for " + step.on_behalf_of) +
         (step.text.empty() ? "" : ": " + step.text) + "\n";
  }
  for (const auto& c : s.conflicts) {
    t += "conflict: " + c.event.id.to_string() + " " +
         std::string(core::to_string(c.event.kind())) + ": " + c.why + "\n";
  }
  for (const auto& o : v.overdue) {
    t += "overdue: " + std::string(core::to_string(o.step)) +
         (o.department.empty() ? "" : " (" + o.department + ")") + " by " +
         std::to_string(o.late_ms / 3600000) + " h\n";
  }
  return t;
}

struct StepOptions {
  std::string ref, as, text, dept, level = "community", kind = "routine", decision, event, expected;
  std::vector<std::string> depts;
};

using StepFn = std::function<Result<core::CaseState>(station::Cases&, const station::Session&,
                                                     const core::Uuid&, StepOptions&)>;

// One staff step on a case: `weimin case NAME ID --as NO ...`.
CLI::App* add_step(CLI::App* parent, Context& ctx, const std::string& name, const std::string& help,
                   const std::shared_ptr<StepOptions>& o, StepFn fn) {
  auto* cmd = parent->add_subcommand(name, help);
  cmd->add_option("ID", o->ref, "case id or tracking code")->required();
  cmd->add_option("--as", o->as, "your staff number")->required();
  cmd->callback([&ctx, o, fn] {
    ctx.action = [&ctx, o, fn] {
      return with_staff(ctx, o->as, [&](station::Station& station, const station::Session& s) {
        station::Cases cases(station);
        auto id = cases.resolve_reference(o->ref);
        if (!id.is_ok()) return ctx.refuse(id.status());
        auto state = fn(cases, s, *id, *o);
        if (!state.is_ok()) return ctx.refuse(state.status());
        auto v = cases.view(*id);
        if (!v.is_ok()) return ctx.refuse(v.status());
        return ctx.print(view_json(*v, station.catalog()), view_text(*v, station.catalog()));
      });
    };
  });
  return cmd;
}

}  // namespace

void add_case_commands(CLI::App& app, Context& ctx) {
  auto* cas = app.add_subcommand("case", "residents' requests and the closed loop (吹哨报到)");
  cas->require_subcommand(1);

  {  // case new
    struct Options {
      std::string source, text, phone, id_number, channel = "kiosk", as, grid, place, address;
      std::optional<double> lat, lon;
      bool consent = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = cas->add_subcommand(
        "new",
        "record a resident's request; prints the tracking code (and, without --phone, the check "
        "code that follows it)");
    cmd->add_option("--source", o->source, "problem category (whistle source id)")->required();
    cmd->add_option("--text", o->text, "what the resident says")->required();
    cmd->add_option("--phone", o->phone,
                    "the resident's mobile number (kept encrypted, shown masked)");
    cmd->add_option("--id-number", o->id_number, "the resident's identity number (GB 11643)");
    cmd->add_flag("--consent", o->consent, "the resident agreed to the privacy notice");
    cmd->add_option("--channel", o->channel, "kiosk, window or grid_round")->capture_default_str();
    cmd->add_option("--as", o->as, "your staff number (window or grid round)");
    cmd->add_option("--grid", o->grid, "the grid (网格) code where the problem is");
    cmd->add_option("--place", o->place,
                    "a catalog place id of this community (its grid is filled in)");
    cmd->add_option("--address", o->address, "the building, door or address in words");
    cmd->add_option("--lat", o->lat, "latitude in degrees (with --lon)");
    cmd->add_option("--lon", o->lon, "longitude in degrees (with --lat)");
    cmd->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        auto channel = core::parse_case_channel(o->channel);
        if (!channel.is_ok()) return ctx.refuse(channel.status());
        auto run = [&](station::Station& station, std::optional<station::Session> by) {
          station::Cases cases(station);
          station::NewCase request{o->source,    *channel,     o->text,
                                   std::nullopt, std::nullopt, o->consent};
          if (!o->phone.empty()) request.phone = o->phone;
          if (!o->id_number.empty()) request.id_number = o->id_number;
          request.where = core::CaseWhere{o->grid, o->place, o->address, std::nullopt};
          if (o->lat.has_value() != o->lon.has_value()) {
            return ctx.refuse(Status(ErrorCode::Invalid, "give both --lat and --lon, or neither"));
          }
          if (o->lat) {
            const double lat = *o->lat * 1e6, lon = *o->lon * 1e6;
            if (!(lat >= -core::kMaxLatitudeE6 && lat <= core::kMaxLatitudeE6 &&
                  lon >= -core::kMaxLongitudeE6 && lon <= core::kMaxLongitudeE6)) {
              return ctx.refuse(Status(ErrorCode::Invalid,
                                       "--lat must lie between -90 and 90 and --lon between "
                                       "-180 and 180 (degrees)"));
            }
            request.where.point = core::GeoPoint{static_cast<std::int32_t>(std::lround(lat)),
                                                 static_cast<std::int32_t>(std::lround(lon))};
          }
          auto receipt = cases.record(by, request);
          if (!receipt.is_ok()) return ctx.refuse(receipt.status());
          // A case without a phone is followed with its check code (printed once, kept only
          // as a keyed MAC).
          nlohmann::json out{{"case_id", receipt->case_id.to_string()},
                             {"tracking_code", receipt->tracking_code}};
          std::string text = receipt->tracking_code;
          if (!receipt->check_code.empty()) {
            out["check_code"] = receipt->check_code;
            text += "\ncheck code " + receipt->check_code;
          }
          return ctx.print(out, text);
        };
        if (o->as.empty()) {
          return with_station(ctx, [&](station::Station& st) { return run(st, std::nullopt); });
        }
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& s) {
          return run(st, s);
        });
      };
    });
  }
  {  // case show
    struct Options {
      std::string ref, as;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = cas->add_subcommand(
        "show", "a case's stage, steps, conflicts and deadlines (staff only: --as STAFF_NO)");
    cmd->add_option("ID", o->ref, "case id or tracking code")->required();
    cmd->add_option("--as", o->as, "your staff number");
    cmd->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_permission(ctx, "weimin case show", o->as, core::Permission::ViewRecords,
                               [&](station::Station& station, const station::Session&) {
                                 station::Cases cases(station);
                                 auto id = cases.resolve_reference(o->ref);
                                 if (!id.is_ok()) return ctx.refuse(id.status());
                                 auto v = cases.view(*id);
                                 if (!v.is_ok()) return ctx.refuse(v.status());
                                 nlohmann::json j = view_json(*v, station.catalog());
                                 std::string text = view_text(*v, station.catalog());
                                 // Its deadlines counted Monday–Friday for want of a calendar.
                                 const std::string warning = core::fallback_warning(
                                     cases.deadline_fallback_years({*v}), false);
                                 if (!warning.empty()) {
                                   j["calendar_warning"] = warning;
                                   text += "deadlines: " + warning + "\n";
                                 }
                                 return ctx.print(j, text);
                               });
      };
    });
  }
  {  // case progress (what the kiosk shows a resident)
    struct Options {
      std::string code, last4;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = cas->add_subcommand(
        "progress",
        "a resident's check: tracking code and the last four digits of the phone (or the "
        "receipt's check code)");
    cmd->add_option("CODE", o->code, "tracking code")->required();
    cmd->add_option("--phone-last4", o->last4,
                    "last four digits of the phone given, or the six-digit check code of a case "
                    "recorded without a phone")
        ->required();
    cmd->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_station(ctx, [&](station::Station& station) {
          station::Cases cases(station);
          auto v = cases.progress_for_resident(o->code, o->last4);
          if (!v.is_ok()) return ctx.refuse(v.status());
          nlohmann::json steps = nlohmann::json::array();
          std::string text = "case " + v->tracking_code + ": " +
                             std::string(core::to_string(v->state.stage)) + "\n";
          for (const auto& step : v->state.timeline) {
            steps.push_back({{"step", core::to_string(step.kind)},
                             {"at", core::local_date_time(step.effective.wall_ms)}});
            text += "  " + core::local_date_time(step.effective.wall_ms) + "  " +
                    std::string(core::to_string(step.kind)) + "\n";
          }
          return ctx.print({{"tracking_code", v->tracking_code},
                            {"stage", core::to_string(v->state.stage)},
                            {"steps", steps}},
                           text);
        });
      };
    });
  }
  {  // case list
    struct Options {
      std::string stage, as;
      std::optional<std::string> grid;
      bool overdue = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = cas->add_subcommand("list", "cases, newest first (staff only: --as STAFF_NO)");
    cmd->add_option("--stage", o->stage, "only cases at this stage (e.g. whistled)");
    cmd->add_flag("--overdue", o->overdue, "only cases with a step past its deadline");
    cmd->add_option("--grid", o->grid, "only cases in this grid (网格) code");
    cmd->add_option("--as", o->as, "your staff number");
    cmd->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_permission(
            ctx, "weimin case list", o->as, core::Permission::ViewRecords,
            [&](station::Station& station, const station::Session&) {
              std::optional<core::CaseStage> stage;
              if (!o->stage.empty()) {
                for (int i = 0; i <= static_cast<int>(core::CaseStage::Returned); ++i) {
                  if (core::to_string(static_cast<core::CaseStage>(i)) == o->stage) {
                    stage = static_cast<core::CaseStage>(i);
                  }
                }
                if (!stage) {
                  return ctx.refuse(
                      Status(ErrorCode::Invalid,
                             "unknown stage '" + o->stage + "'; e.g. collected, whistled, closed"));
                }
              }
              station::Cases cases(station);
              auto all = cases.list(station::CaseFilter{stage, o->overdue, o->grid});
              if (!all.is_ok()) return ctx.refuse(all.status());
              nlohmann::json j = nlohmann::json::array();
              std::string text;
              for (const auto& v : *all) {
                j.push_back({{"case_id", v.state.case_id.to_string()},
                             {"tracking_code", v.tracking_code},
                             {"stage", core::to_string(v.state.stage)},
                             {"overdue", !v.overdue.empty()},
                             {"grid", v.state.where.grid},
                             {"description", v.state.description}});
                text += v.tracking_code + "  " + std::string(core::to_string(v.state.stage)) +
                        (v.overdue.empty() ? "" : "  OVERDUE") + "  " + v.state.description + "\n";
              }
              // The deadlines counted Monday–Friday for want of a published calendar: said on
              // standard error, so the list (text or JSON) stays as it is.
              const std::string warning =
                  core::fallback_warning(cases.deadline_fallback_years(*all), false);
              if (!warning.empty()) ctx.io.err << "weimin: warning: deadlines: " << warning << "\n";
              return ctx.print(j, text.empty() ? "no cases" : text);
            });
      };
    });
  }

  {  // case grids
    auto as = std::make_shared<std::string>();
    auto* cmd = cas->add_subcommand(
        "grids", "cases collected, closed and overdue per grid (网格) of this community");
    cmd->add_option("--as", *as, "your staff number")->required();
    cmd->callback([&ctx, as] {
      ctx.action = [&ctx, as] {
        return with_permission(
            ctx, "weimin case grids", *as, core::Permission::ViewRecords,
            [&](station::Station& station, const station::Session&) {
              station::Cases cases(station);
              auto counts = cases.count_by_grid();
              if (!counts.is_ok()) return ctx.refuse(counts.status());
              nlohmann::json j = nlohmann::json::array();
              std::string text = "grid  collected  closed  overdue\n";
              for (const auto& c : *counts) {
                const auto* g = station.catalog().grid_by_code(c.grid);
                const std::string name = c.grid.empty() ? "(no grid)" : g ? g->name.zh : c.grid;
                j.push_back({{"grid", c.grid},
                             {"name", name},
                             {"collected", c.collected},
                             {"closed", c.closed},
                             {"overdue", c.overdue}});
                text += name + "  " + std::to_string(c.collected) + "  " +
                        std::to_string(c.closed) + "  " + std::to_string(c.overdue) + "\n";
              }
              return ctx.print(j, text);
            });
      };
    });
  }

  auto o = std::make_shared<StepOptions>();
  add_step(cas, ctx, "resolve", "settle a case in the community, without a whistle", o,
           [](auto& c, auto& s, auto& id, auto& o) { return c.resolve(s, id, o.text); })
      ->add_option("--text", o->text, "what was done")
      ->required();
  auto* whistle =
      add_step(cas, ctx, "whistle", "blow the whistle: escalate to departments", o,
               [](auto& c, auto& s, auto& id, auto& o) -> Result<core::CaseState> {
                 WEIMIN_ASSIGN_OR_RETURN(auto level, core::parse_whistle_level(o.level));
                 WEIMIN_ASSIGN_OR_RETURN(auto kind, core::parse_whistle_kind(o.kind));
                 return c.whistle(s, id, level, kind, o.depts, o.text);
               });
  whistle->add_option("--level", o->level, "community or district")->capture_default_str();
  whistle->add_option("--kind", o->kind, "emergency, key or routine")->capture_default_str();
  whistle->add_option("--dept", o->depts, "department id (repeat for several)")->required();
  whistle->add_option("--text", o->text, "a note for the departments");
  auto* report = add_step(
      cas, ctx, "report", "record a department's report-in that came by phone", o,
      [](auto& c, auto& s, auto& id, auto& o) -> Result<core::CaseState> {
        std::int64_t expected_ms = 0;
        if (!o.expected.empty()) {
          auto day = core::CivilDate::parse(o.expected);
          if (!day.is_ok()) {
            return Status(ErrorCode::Invalid,
                          "--expected must be a date like 2026-11-28: " + day.status().message());
          }
          expected_ms = core::unix_ms_at(*day, 0);
        }
        return c.record_report(s, id, o.dept, o.text, expected_ms);
      });
  report->add_option("--dept", o->dept, "the department")->required();
  report->add_option("--text", o->text, "what they said");
  report->add_option("--expected", o->expected,
                     "the day they expect to be done, YYYY-MM-DD (预计完成)");
  auto* give_back = add_step(
      cas, ctx, "return", "record a department's return of the whistle (退单) that came by phone",
      o,
      [](auto& c, auto& s, auto& id, auto& o) { return c.record_return(s, id, o.dept, o.text); });
  give_back->add_option("--dept", o->dept, "the department")->required();
  give_back->add_option("--reason", o->text, "why it is not their business")->required();
  auto* feedback = add_step(
      cas, ctx, "feedback", "record a department's feedback that came by phone", o,
      [](auto& c, auto& s, auto& id, auto& o) { return c.record_feedback(s, id, o.dept, o.text); });
  feedback->add_option("--dept", o->dept, "the department")->required();
  feedback->add_option("--text", o->text, "what they did")->required();
  add_step(cas, ctx, "verify", "record that the station checked the outcome with the resident", o,
           [](auto& c, auto& s, auto& id, auto& o) { return c.verify(s, id, o.text); })
      ->add_option("--text", o->text, "what the resident confirmed")
      ->required();
  add_step(cas, ctx, "close", "close a verified case", o, [](auto& c, auto& s, auto& id, auto& o) {
    return c.close(s, id, o.text);
  })->add_option("--text", o->text, "a closing summary");
  add_step(cas, ctx, "reopen", "reopen a closed case", o,
           [](auto& c, auto& s, auto& id, auto& o) { return c.reopen(s, id, o.text); })
      ->add_option("--reason", o->text, "why")
      ->required();
  add_step(cas, ctx, "note", "add a note to a case", o,
           [](auto& c, auto& s, auto& id, auto& o) { return c.note(s, id, o.text); })
      ->add_option("--text", o->text, "the note")
      ->required();
  add_step(cas, ctx, "visit", "record a visit done on a round (走访): what it found", o,
           [](auto& c, auto& s, auto& id, auto& o) { return c.visit(s, id, o.text); })
      ->add_option("--text", o->text, "what the visit found or did")
      ->required();
  auto* settle =
      add_step(cas, ctx, "settle", "accept or dismiss an event kept as a conflict", o,
               [](auto& c, auto& s, auto& id, auto& o) -> Result<core::CaseState> {
                 auto event = core::Uuid::parse(o.event);
                 if (!event)
                   return Status(ErrorCode::Invalid, "--event must be the conflict's event id");
                 WEIMIN_ASSIGN_OR_RETURN(auto decision, core::parse_settle_decision(o.decision));
                 return c.settle(s, id, *event, decision, o.text);
               });
  settle->add_option("--event", o->event, "the conflicting event's id")->required();
  settle->add_option("--decision", o->decision, "accept or dismiss")->required();
  settle->add_option("--reason", o->text, "why")->required();

  {  // case evaluate
    struct Options {
      std::string ref, rating, comment, as;
      int score = 0;
    };
    auto e = std::make_shared<Options>();
    auto* cmd = cas->add_subcommand("evaluate", "the resident's rating of a closed case");
    cmd->add_option("ID", e->ref, "case id or tracking code")->required();
    cmd->add_option("--rating", e->rating, "satisfied, basically_satisfied or dissatisfied")
        ->required();
    cmd->add_option("--score", e->score, "1-5 (optional)")->check(CLI::Range(1, 5));
    cmd->add_option("--comment", e->comment, "the resident's words");
    cmd->add_option("--as", e->as, "staff recording the rating for the resident");
    cmd->callback([&ctx, e] {
      ctx.action = [&ctx, e] {
        auto rating = core::parse_rating(e->rating);
        if (!rating.is_ok()) return ctx.refuse(rating.status());
        auto run = [&](station::Station& station, std::optional<station::Session> by) {
          station::Cases cases(station);
          auto id = cases.resolve_reference(e->ref);
          if (!id.is_ok()) return ctx.refuse(id.status());
          std::optional<int> score;
          if (e->score > 0) score = e->score;
          auto state = cases.evaluate(by, *id, *rating, score, e->comment);
          if (!state.is_ok()) return ctx.refuse(state.status());
          return ctx.print({{"case_id", id->to_string()}, {"evaluation", e->rating}},
                           "thank you: " + e->rating);
        };
        if (e->as.empty()) {
          return with_station(ctx, [&](station::Station& st) { return run(st, std::nullopt); });
        }
        return with_staff(ctx, e->as, [&](station::Station& st, const station::Session& s) {
          return run(st, s);
        });
      };
    });
  }
}

}  // namespace weimin::cli
