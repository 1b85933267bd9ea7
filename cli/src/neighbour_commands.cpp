// weimin wish post | list | show | claim | fulfil | confirm | withdraw (neighbour services and
// micro-wishes, 近邻服务 / 微心愿) and weimin care add | list | due | visit | call | remove (home
// elderly care visits and phone call-backs, 居家养老探访 / 电话回访).
#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/wishes.hpp"

namespace weimin::cli {
namespace {

nlohmann::json wish_json(const core::Wish& w) {
  nlohmann::json j = {{"wish", w.id.to_string()},
                      {"number", station::short_number(w.id)},
                      {"help", core::to_string(w.help)},
                      {"stage", core::to_string(w.stage)},
                      {"text", w.text},
                      {"posted", core::local_date_time(w.posted_ms)}};
  if (!w.phone_masked.empty()) j["phone"] = w.phone_masked;
  if (w.claim) {
    j["claimed_by"] = {{"claimant", core::to_string(w.claim->claimant)},
                       {"name", w.claim->name},
                       {"phone", w.claim->phone_masked}};
  }
  if (w.fulfilled) j["fulfilled"] = core::local_date_time(w.fulfilled->wall_ms);
  if (w.confirmed) {
    j["confirmed"] = core::local_date_time(w.confirmed->wall_ms);
    j["confirmed_by"] = w.confirmed->by_resident ? "resident" : w.confirmed->actor;
  }
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& c : w.conflicts) {
    conflicts.push_back({{"kind", core::to_string(c.event.kind)},
                         {"by", c.event.name.empty() ? c.event.actor : c.event.name},
                         {"reason", c.reason}});
  }
  if (!conflicts.empty()) j["conflicts"] = conflicts;
  return j;
}

std::string wish_text(const core::Wish& w) {
  std::string t = station::short_number(w.id) + "  " + std::string(core::to_string(w.help)) + "  " +
                  std::string(core::to_string(w.stage)) + "  " + w.text;
  if (w.claim) t += "  (claimed by " + w.claim->name + ")";
  for (const auto& c : w.conflicts) t += "\n  conflict: " + c.reason;
  return t;
}

nlohmann::json care_json(const core::CareRecord& r) {
  nlohmann::json logs = nlohmann::json::array();
  for (const auto& e : r.logs) {
    nlohmann::json l = {{"kind", e.kind == core::CareEventKind::Visit ? "visit" : "call"},
                        {"when", core::local_date_time(e.wall_ms)},
                        {"outcome", core::to_string(e.outcome)},
                        {"by", e.by}};
    if (!e.text.empty()) l["note"] = e.text;
    if (e.case_id) l["case"] = e.case_id->to_string();
    logs.push_back(l);
  }
  nlohmann::json j = {{"person", r.person.to_string()},
                      {"number", station::short_number(r.person)},
                      {"name", r.name},
                      {"address", r.address},
                      {"listed", r.listed},
                      {"logs", logs}};
  if (!r.phone_masked.empty()) j["phone"] = r.phone_masked;
  if (r.last_visit_ms) j["last_visit"] = core::local_date_time(*r.last_visit_ms);
  if (r.last_call_ms) j["last_call"] = core::local_date_time(*r.last_call_ms);
  return j;
}

std::string care_text(const core::CareRecord& r) {
  return station::short_number(r.person) + "  " + r.name + "  " + r.address +
         "  last visit: " + (r.last_visit_ms ? core::local_date_time(*r.last_visit_ms) : "none") +
         (r.listed ? "" : "  (not on the list)");
}

int as_resident_or_staff(
    Context& ctx, const std::string& as,
    const std::function<int(station::Station&, const std::optional<station::Session>&)>& body) {
  if (as.empty()) {
    return with_station(ctx, [&](station::Station& st) { return body(st, std::nullopt); });
  }
  return with_staff(ctx, as, [&](station::Station& st, const station::Session& s) {
    return body(st, std::optional<station::Session>(s));
  });
}

void add_wish_commands(CLI::App& app, Context& ctx) {
  auto* wish = app.add_subcommand("wish", "neighbour services (五助) and micro-wishes (微心愿)");
  wish->require_subcommand(1);
  {
    struct Options {
      std::string kind = "micro_wish", text, phone, as;
      bool consent = false;
    };
    auto o = std::make_shared<Options>();
    auto* post = wish->add_subcommand("post", "post a resident's wish or request for help");
    post->add_option("TEXT", o->text, "what help is wanted")->required();
    post->add_option("--kind", o->kind,
                     "childcare, education, health, elderly, hardship or micro_wish (default)");
    post->add_option("--phone", o->phone, "the resident's mobile number (kept at the station)");
    post->add_flag("--consent", o->consent, "the resident agreed to the privacy notice");
    post->add_option("--as", o->as, "staff posting it (default: the resident)");
    post->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        auto kind = core::parse_help_kind(o->kind);
        if (!kind.is_ok()) return ctx.refuse(kind.status());
        return as_resident_or_staff(ctx, o->as, [&](station::Station& st, const auto& by) {
          std::optional<std::string> phone;
          if (!o->phone.empty()) phone = o->phone;
          auto w = station::Wishes(st).post(by, {*kind, o->text, phone, o->consent});
          if (!w.is_ok()) return ctx.refuse(w.status());
          return ctx.print(wish_json(*w), "posted: wish " + station::short_number(w->id));
        });
      };
    });
  }
  {
    struct Options {
      bool all = false;
      std::string phone;
    };
    auto o = std::make_shared<Options>();
    auto* list = wish->add_subcommand("list", "the open and claimed wishes (the board)");
    list->add_flag("--all", o->all, "every wish, also fulfilled, confirmed and withdrawn ones");
    list->add_option("--phone", o->phone, "only the wishes posted with this phone number");
    list->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_station(ctx, [&](station::Station& st) {
          station::Wishes wishes(st);
          auto got = !o->phone.empty() ? wishes.of_resident(o->phone)
                     : o->all          ? wishes.all()
                                       : wishes.open();
          if (!got.is_ok()) return ctx.refuse(got.status());
          nlohmann::json j = nlohmann::json::array();
          std::string text;
          for (const auto& w : *got) {
            j.push_back(wish_json(w));
            text += wish_text(w) + "\n";
          }
          return ctx.print(j, text.empty() ? "no wishes" : text);
        });
      };
    });
  }
  {
    auto number = std::make_shared<std::string>();
    auto* show = wish->add_subcommand("show", "one wish with its steps and conflicts");
    show->add_option("WISH", *number, "the wish's number (last six characters) or id")->required();
    show->callback([&ctx, number] {
      ctx.action = [&ctx, number] {
        return with_station(ctx, [&](station::Station& st) {
          auto w = station::Wishes(st).get(*number);
          if (!w.is_ok()) return ctx.refuse(w.status());
          return ctx.print(wish_json(*w), wish_text(*w));
        });
      };
    });
  }
  {
    struct Options {
      std::string wish, volunteer, phone, as;
      bool staff = false;
    };
    auto o = std::make_shared<Options>();
    auto* claim = wish->add_subcommand("claim", "a volunteer or staff member takes a wish on");
    claim->add_option("WISH", o->wish, "the wish's number or id")->required();
    claim->add_option("--volunteer", o->volunteer, "the volunteer's name");
    claim->add_option("--phone", o->phone, "the volunteer's mobile number (kept masked)");
    claim->add_flag("--staff", o->staff, "the staff member (--as) claims it");
    claim->add_option("--as", o->as, "staff recording the claim")->required();
    claim->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        if (o->staff == !o->volunteer.empty()) {
          return ctx.refuse(
              Status(ErrorCode::Invalid, "say who claims the wish: --volunteer NAME or --staff"));
        }
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& s) {
          std::optional<std::string> phone;
          if (!o->phone.empty()) phone = o->phone;
          auto w = station::Wishes(st).claim(
              s, o->wish,
              {o->staff ? core::Claimant::Staff : core::Claimant::Volunteer, o->volunteer, phone});
          if (!w.is_ok()) return ctx.refuse(w.status());
          return ctx.print(wish_json(*w), "claimed: " + wish_text(*w));
        });
      };
    });
  }
  for (const std::string name : {"fulfil", "confirm", "withdraw"}) {
    struct Options {
      std::string wish, note, as;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = wish->add_subcommand(name, name == "fulfil" ? "the claimed wish was fulfilled"
                                           : name == "confirm"
                                               ? "the resident or staff confirm a fulfilled wish"
                                               : "withdraw a wish that is no longer wanted");
    cmd->add_option("WISH", o->wish, "the wish's number or id")->required();
    cmd->add_option(name == "withdraw" ? "--reason" : "--note", o->note, "a few words");
    auto* as = cmd->add_option(
        "--as", o->as,
        name == "fulfil" ? "staff recording it" : "staff recording it (default: the resident)");
    if (name == "fulfil") as->required();
    cmd->callback([&ctx, o, name] {
      ctx.action = [&ctx, o, name] {
        return as_resident_or_staff(ctx, o->as, [&](station::Station& st, const auto& by) {
          station::Wishes wishes(st);
          auto w = name == "fulfil"    ? wishes.fulfil(*by, o->wish, o->note)
                   : name == "confirm" ? wishes.confirm(by, o->wish, o->note)
                                       : wishes.withdraw(by, o->wish, o->note);
          if (!w.is_ok()) return ctx.refuse(w.status());
          return ctx.print(wish_json(*w), wish_text(*w));
        });
      };
    });
  }
}

void add_care_commands(CLI::App& app, Context& ctx) {
  auto* care = app.add_subcommand("care", "home elderly care: the care list, visits and calls");
  care->require_subcommand(1);
  {
    struct Options {
      std::string name, address, phone, note, as;
      bool consent = false;
    };
    auto o = std::make_shared<Options>();
    auto* add = care->add_subcommand("add", "put an elderly resident on the care list");
    add->add_option("--name", o->name, "how the resident is called, e.g. 张奶奶")->required();
    add->add_option("--address", o->address, "building and door");
    add->add_option("--phone", o->phone, "their mobile number (kept at the station)");
    add->add_flag("--consent", o->consent, "the resident agreed to the privacy notice");
    add->add_option("--note", o->note, "a few words");
    add->add_option("--as", o->as, "staff number")->required();
    add->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& s) {
          std::optional<std::string> phone;
          if (!o->phone.empty()) phone = o->phone;
          auto r = station::Care(st).list(s, {o->name, o->address, phone, o->consent, o->note});
          if (!r.is_ok()) return ctx.refuse(r.status());
          return ctx.print(care_json(*r), "on the care list: " + care_text(*r));
        });
      };
    });
  }
  for (const std::string name : {"list", "due"}) {
    struct Options {
      std::string month, as;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = care->add_subcommand(
        name, name == "list" ? "everyone on the care list"
                             : "those on the list not visited this month (or --month YYYY-MM)");
    if (name == "due") cmd->add_option("--month", o->month, "YYYY-MM");
    cmd->add_option("--as", o->as, "staff number")->required();
    cmd->callback([&ctx, o, name] {
      ctx.action = [&ctx, o, name] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session&) {
          station::Care c(st);
          auto got = name == "list" ? c.listed() : c.visits_due(o->month);
          if (!got.is_ok()) return ctx.refuse(got.status());
          nlohmann::json j = nlohmann::json::array();
          std::string text;
          for (const auto& r : *got) {
            j.push_back(care_json(r));
            text += care_text(r) + "\n";
          }
          return ctx.print(j, text.empty() ? (name == "list" ? "nobody is on the care list"
                                                             : "every listed resident was visited")
                                           : text);
        });
      };
    });
  }
  for (const std::string name : {"visit", "call"}) {
    struct Options {
      std::string person, outcome = "well", by, note, category = "other", as;
      bool open_case = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = care->add_subcommand(
        name, name == "visit" ? "log a home visit (上门探访)" : "log a phone call-back (电话回访)");
    cmd->add_option("PERSON", o->person, "the number from 'care list'")->required();
    cmd->add_option("--outcome", o->outcome, "well (default), needs_help or not_reached");
    cmd->add_option("--by", o->by, "who visited or called (default: you)");
    cmd->add_option("--note", o->note, "a few words");
    cmd->add_flag("--open-case", o->open_case, "needs help: record a case for it");
    cmd->add_option("--category", o->category, "the case's problem category (default: other)");
    cmd->add_option("--as", o->as, "staff number")->required();
    cmd->callback([&ctx, o, name] {
      ctx.action = [&ctx, o, name] {
        auto outcome = core::parse_care_outcome(o->outcome);
        if (!outcome.is_ok()) return ctx.refuse(outcome.status());
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& s) {
          station::Care c(st);
          station::CareLog log{*outcome, o->by, o->note, o->open_case, o->category};
          auto r = name == "visit" ? c.log_visit(s, o->person, log) : c.log_call(s, o->person, log);
          if (!r.is_ok()) return ctx.refuse(r.status());
          std::string text = name + " logged: " + care_text(*r);
          if (!r->logs.empty() && r->logs.back().case_id) {
            text += "\ncase recorded: " + r->logs.back().case_id->to_string();
          }
          return ctx.print(care_json(*r), text);
        });
      };
    });
  }
  {
    struct Options {
      std::string person, reason, as;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = care->add_subcommand("remove", "take a resident off the care list");
    cmd->add_option("PERSON", o->person, "the number from 'care list'")->required();
    cmd->add_option("--reason", o->reason, "why");
    cmd->add_option("--as", o->as, "staff number")->required();
    cmd->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& s) {
          auto r = station::Care(st).unlist(s, o->person, o->reason);
          if (!r.is_ok()) return ctx.refuse(r.status());
          return ctx.print(care_json(*r), "off the care list: " + care_text(*r));
        });
      };
    });
  }
}

}  // namespace

void add_neighbour_commands(CLI::App& app, Context& ctx) {
  add_wish_commands(app, ctx);
  add_care_commands(app, ctx);
}

}  // namespace weimin::cli
