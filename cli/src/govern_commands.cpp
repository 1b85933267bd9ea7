// weimin consult list | show | raise | meeting | decide | done        (社区协商)
// weimin access apply | decide | list | catalogue                      (社区工作准入; `access
//   check` is in station_commands.cpp)
// weimin certificate issue | list                                      (开具证明登记)
#include "context.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/consultation.hpp"

namespace weimin::cli {
namespace {

std::string short_id(const core::Uuid& id) {
  return id.to_string().substr(28);
}

nlohmann::json topic_json(const core::ConsultTopic& t) {
  nlohmann::json meetings = nlohmann::json::array();
  for (const auto& m : t.meetings) {
    meetings.push_back({{"meeting_id", m.id.to_string()},
                        {"date", m.date.to_string()},
                        {"participants", m.participants},
                        {"minutes", m.minutes},
                        {"parties", m.parties},
                        {"staff", m.staff}});
  }
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : t.decisions) {
    nlohmann::json j = {{"decision_id", d.id.to_string()}, {"text", d.text}, {"staff", d.staff}};
    if (d.meeting) j["meeting_id"] = d.meeting->to_string();
    j["carried_out"] = d.done_on ? nlohmann::json(d.done_on->to_string()) : nlohmann::json();
    if (!d.done_note.empty()) j["note"] = d.done_note;
    decisions.push_back(std::move(j));
  }
  return {{"topic_id", t.id.to_string()},
          {"title", t.title},
          {"detail", t.detail},
          {"by_resident", t.by_resident},
          {"staff", t.staff},
          {"status", core::to_string(t.status())},
          {"meetings", meetings},
          {"decisions", decisions}};
}

std::string topic_line(const core::ConsultTopic& t) {
  std::size_t done = 0;
  for (const auto& d : t.decisions) done += d.done_on ? 1 : 0;
  return short_id(t.id) + "  " + std::string(core::to_string(t.status())) + "  " + t.title +
         "  (meetings " + std::to_string(t.meetings.size()) + ", decisions " +
         std::to_string(t.decisions.size()) + ", carried out " + std::to_string(done) + ")" +
         (t.by_resident ? "  [resident]" : "") + "\n";
}

std::string topic_text(const core::ConsultTopic& t) {
  std::string text = topic_line(t);
  if (!t.detail.empty()) text += "  " + t.detail + "\n";
  for (const auto& m : t.meetings) {
    text += "  meeting " + short_id(m.id) + "  " + m.date.to_string() + "  " +
            std::to_string(m.participants) + " present" +
            (m.parties.empty() ? "" : " (" + m.parties + ")") + "\n    " + m.minutes + "\n";
  }
  for (const auto& d : t.decisions) {
    text +=
        "  decision " + short_id(d.id) + "  " + d.text + "  " +
        (d.done_on ? "carried out " + d.done_on->to_string() : std::string("not yet carried out")) +
        "\n";
  }
  return text;
}

nlohmann::json figures_json(const core::ConsultFigures& f) {
  return {{"topics", f.topics},
          {"activities", f.activities},
          {"items", f.items},
          {"carried_out", f.carried_out}};
}

nlohmann::json application_json(const core::Catalog& catalog, const core::AccessApplication& a) {
  const auto* dept = catalog.department_by_id(a.applied.department);
  nlohmann::json j = {{"application_id", a.id.to_string()},
                      {"department", a.applied.department},
                      {"department_name", dept ? dept->name.zh : a.applied.department},
                      {"task", a.applied.task},
                      {"evidence", a.applied.evidence},
                      {"verdict", core::to_string(a.applied.verdict)},
                      {"reason", core::to_string(a.applied.reason)},
                      {"staff", a.staff},
                      {"status", core::to_string(a.status())}};
  if (a.decision) {
    j["decided_by"] = a.decision->decided_by;
    j["decided_on"] = a.decision->decided_on.to_string();
    j["decision_note"] = a.decision->note;
  }
  return j;
}

std::string application_text(const core::Catalog& catalog, const core::AccessApplication& a) {
  const auto* dept = catalog.department_by_id(a.applied.department);
  std::string text = short_id(a.id) + "  " + std::string(core::to_string(a.status())) + "  " +
                     (dept ? dept->name.zh : a.applied.department) + "  " + a.applied.task;
  if (a.decision) {
    text += "  — " + a.decision->decided_by + " " + a.decision->decided_on.to_string();
  }
  return text + "\n";
}

nlohmann::json certificate_json(const core::Catalog& catalog, const core::CertificateEntry& c) {
  const auto* cert = catalog.certificate_by_id(c.issued.certificate);
  return {{"entry_id", c.id.to_string()},
          {"certificate", c.issued.certificate},
          {"certificate_name", cert ? cert->name.zh : c.issued.certificate},
          {"resident_name", core::mask_name(c.issued.resident_name)},
          {"resident_id", c.issued.resident_id_masked},
          {"basis", c.issued.basis},
          {"issued_on", c.issued.issued_on.to_string()},
          {"staff", c.staff}};
}

std::string certificate_text(const core::Catalog& catalog, const core::CertificateEntry& c) {
  const auto* cert = catalog.certificate_by_id(c.issued.certificate);
  return short_id(c.id) + "  " + c.issued.issued_on.to_string() + "  " +
         (cert ? cert->name.zh : c.issued.certificate) + "  " +
         core::mask_name(c.issued.resident_name) + " " + c.issued.resident_id_masked + "  " +
         c.issued.basis + "  (staff " + c.staff + ")\n";
}

// Runs body as staff when `as` is given, else as a resident at the kiosk.
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

// [SECTION] consult

void add_consult(CLI::App& app, Context& ctx) {
  auto* consult = app.add_subcommand("consult", "community consultation (社区协商)");
  consult->require_subcommand(1);

  {
    auto as = std::make_shared<std::string>();
    auto* list = consult->add_subcommand("list", "topics with their status, and the figures");
    list->add_option("--as", *as, "staff number")->required();
    list->callback([&ctx, as] {
      ctx.action = [&ctx, as] {
        return with_permission(ctx, "weimin consult list", *as, core::Permission::ViewRecords,
                               [&](station::Station& st, const station::Session&) {
                                 station::Consultations c(st);
                                 auto state = c.state();
                                 if (!state.is_ok()) return ctx.refuse(state.status());
                                 nlohmann::json topics = nlohmann::json::array();
                                 std::string text;
                                 for (const auto& [id, t] : state->topics) {
                                   topics.push_back(topic_json(t));
                                   text += topic_line(t);
                                 }
                                 const auto f = state->figures();
                                 text += "activities " + std::to_string(f.activities) + ", items " +
                                         std::to_string(f.items) + ", carried out " +
                                         std::to_string(f.carried_out);
                                 if (!state->conflicts.empty()) {
                                   text += "\n" + std::to_string(state->conflicts.size()) +
                                           " fact(s) kept as conflicts:";
                                   for (const auto& cf : state->conflicts)
                                     text += "\n  " + cf.reason;
                                 }
                                 return ctx.print({{"topics", topics},
                                                   {"figures", figures_json(f)},
                                                   {"conflicts", state->conflicts.size()}},
                                                  text);
                               });
      };
    });
  }
  {
    struct Options {
      std::string topic, as;
    };
    auto o = std::make_shared<Options>();
    auto* show = consult->add_subcommand("show", "one topic: meetings, decisions, carried out");
    show->add_option("TOPIC", o->topic, "topic id (or its last 8 characters)")->required();
    show->add_option("--as", o->as, "staff number")->required();
    show->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_permission(ctx, "weimin consult show", o->as, core::Permission::ViewRecords,
                               [&](station::Station& st, const station::Session&) {
                                 station::Consultations c(st);
                                 auto id = c.topic_by_prefix(o->topic);
                                 if (!id.is_ok()) return ctx.refuse(id.status());
                                 auto state = c.state();
                                 if (!state.is_ok()) return ctx.refuse(state.status());
                                 const auto* t = state->find(*id);
                                 return ctx.print(topic_json(*t), topic_text(*t));
                               });
      };
    });
  }
  {
    struct Options {
      std::string title, detail, as;
    };
    auto o = std::make_shared<Options>();
    auto* raise = consult->add_subcommand("raise", "raise a topic for consultation (议题)");
    raise->add_option("TITLE", o->title, "the topic, up to 100 characters")->required();
    raise->add_option("--detail", o->detail, "what the residents say, up to 1000 characters");
    raise->add_option("--as", o->as, "staff raising it (default: a resident)");
    raise->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return as_resident_or_staff(ctx, o->as, [&](station::Station& st, const auto& by) {
          station::Consultations c(st);
          auto t = c.raise(by, o->title, o->detail);
          if (!t.is_ok()) return ctx.refuse(t.status());
          return ctx.print(topic_json(*t), "topic raised: " + topic_line(*t));
        });
      };
    });
  }
  {
    struct Options {
      std::string topic, date, minutes, parties, as;
      int participants = 0;
    };
    auto o = std::make_shared<Options>();
    auto* meeting = consult->add_subcommand("meeting", "record a consultation meeting (协商活动)");
    meeting->add_option("TOPIC", o->topic, "topic id (or its last 8 characters)")->required();
    meeting->add_option("--date", o->date, "YYYY-MM-DD (default: today)");
    meeting->add_option("--participants", o->participants, "how many took part")->required();
    meeting->add_option("--minutes", o->minutes, "the minutes (会议纪要)")->required();
    meeting->add_option("--parties", o->parties, "other parties: 物业, 业委会, 驻区单位 …");
    meeting->add_option("--as", o->as, "staff number")->required();
    meeting->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::Consultations c(st);
          auto id = c.topic_by_prefix(o->topic);
          if (!id.is_ok()) return ctx.refuse(id.status());
          auto m = c.record_meeting(by, *id, {o->date, o->participants, o->minutes, o->parties});
          if (!m.is_ok()) return ctx.refuse(m.status());
          return ctx.print({{"meeting_id", m->id.to_string()},
                            {"topic_id", id->to_string()},
                            {"date", m->date.to_string()},
                            {"participants", m->participants}},
                           "meeting " + short_id(m->id) + " recorded on " + m->date.to_string());
        });
      };
    });
  }
  {
    struct Options {
      std::string topic, text, meeting, as;
    };
    auto o = std::make_shared<Options>();
    auto* decide = consult->add_subcommand("decide", "record a decision reached (协商事项)");
    decide->add_option("TOPIC", o->topic, "topic id (or its last 8 characters)")->required();
    decide->add_option("TEXT", o->text, "what was decided")->required();
    decide->add_option("--meeting", o->meeting, "the meeting that took it (id or last 8)");
    decide->add_option("--as", o->as, "staff number")->required();
    decide->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::Consultations c(st);
          auto id = c.topic_by_prefix(o->topic);
          if (!id.is_ok()) return ctx.refuse(id.status());
          std::optional<core::Uuid> meeting;
          if (!o->meeting.empty()) {
            auto state = c.state();
            if (!state.is_ok()) return ctx.refuse(state.status());
            for (const auto& m : state->find(*id)->meetings) {
              const std::string text = m.id.to_string();
              if (text == o->meeting || text.ends_with(o->meeting)) meeting = m.id;
            }
            if (!meeting) {
              return ctx.refuse(
                  Status(ErrorCode::NotFound, "the topic has no meeting " + o->meeting +
                                                  "; see its meetings with 'weimin consult show'"));
            }
          }
          auto d = c.decide(by, *id, o->text, meeting);
          if (!d.is_ok()) return ctx.refuse(d.status());
          return ctx.print({{"decision_id", d->id.to_string()}, {"topic_id", id->to_string()}},
                           "decision " + short_id(d->id) + " recorded");
        });
      };
    });
  }
  {
    struct Options {
      std::string topic, decision, date, note, as;
    };
    auto o = std::make_shared<Options>();
    auto* done = consult->add_subcommand("done", "mark a decision carried out (落实)");
    done->add_option("TOPIC", o->topic, "topic id (or its last 8 characters)")->required();
    done->add_option("DECISION", o->decision, "decision id (or its last 8 characters)")->required();
    done->add_option("--date", o->date, "YYYY-MM-DD (default: today)");
    done->add_option("--note", o->note, "how it was carried out");
    done->add_option("--as", o->as, "staff number")->required();
    done->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::Consultations c(st);
          auto id = c.topic_by_prefix(o->topic);
          if (!id.is_ok()) return ctx.refuse(id.status());
          auto state = c.state();
          if (!state.is_ok()) return ctx.refuse(state.status());
          std::optional<core::Uuid> decision;
          for (const auto& d : state->find(*id)->decisions) {
            const std::string text = d.id.to_string();
            if (text == o->decision || text.ends_with(o->decision)) decision = d.id;
          }
          if (!decision) {
            return ctx.refuse(
                Status(ErrorCode::NotFound, "the topic has no decision " + o->decision +
                                                "; see its decisions with 'weimin consult show'"));
          }
          auto d = c.carried_out(by, *id, *decision, o->date, o->note);
          if (!d.is_ok()) return ctx.refuse(d.status());
          return ctx.print(
              {{"decision_id", d->id.to_string()}, {"carried_out", d->done_on->to_string()}},
              "decision " + short_id(d->id) + " carried out on " + d->done_on->to_string());
        });
      };
    });
  }
}

// [SECTION] access

void add_access_register(CLI::App& app, Context& ctx) {
  CLI::App* access = app.get_subcommand("access");  // made by station_commands.cpp
  {
    struct Options {
      std::string department, task, evidence, as;
    };
    auto o = std::make_shared<Options>();
    auto* apply = access->add_subcommand(
        "apply",
        "record a work-access application (社区工作准入事项审批表) for a department's task");
    apply->add_option("--department", o->department, "catalog department id")->required();
    apply->add_option("--task", o->task, "what the department asks the station to do")->required();
    apply->add_option("--evidence", o->evidence, "its document (文号), who asked, when");
    apply->add_option("--as", o->as, "staff number")->required();
    apply->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::AccessRegister r(st);
          auto a = r.apply(by, {o->department, o->task, o->evidence});
          if (!a.is_ok()) return ctx.refuse(a.status());
          std::string text = "application recorded: " + application_text(st.catalog(), *a);
          if (a->applied.verdict == core::WorkAccessVerdict::OnList) {
            text +=
                "note: the check finds this task on the community work list; it may need no "
                "approval\n";
          }
          return ctx.print(application_json(st.catalog(), *a), text);
        });
      };
    });
  }
  {
    struct Options {
      std::string application, by, date, note, as;
      bool approve = false, refuse = false;
    };
    auto o = std::make_shared<Options>();
    auto* decide = access->add_subcommand(
        "decide", "record the leading group's approval or refusal (director or deputy head)");
    decide->add_option("APPLICATION", o->application, "application id (or its last 8)")->required();
    auto* yes = decide->add_flag("--approve", o->approve, "the leading group approved it");
    auto* no = decide->add_flag("--refuse", o->refuse, "the leading group refused it");
    yes->excludes(no);
    decide->add_option("--by", o->by, "who decided (default: 社区建设工作领导小组)");
    decide->add_option("--date", o->date, "YYYY-MM-DD (default: today)");
    decide->add_option("--note", o->note, "the reason or conditions");
    decide->add_option("--as", o->as, "staff number")->required();
    decide->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        if (!o->approve && !o->refuse) {
          return ctx.refuse(Status(ErrorCode::Invalid, "say --approve or --refuse"));
        }
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::AccessRegister r(st);
          auto id = r.application_by_prefix(o->application);
          if (!id.is_ok()) return ctx.refuse(id.status());
          auto a = r.decide(by, *id, {o->approve, o->by, o->date, o->note});
          if (!a.is_ok()) return ctx.refuse(a.status());
          return ctx.print(application_json(st.catalog(), *a), application_text(st.catalog(), *a));
        });
      };
    });
  }
  for (const std::string name : {"list", "catalogue"}) {
    auto as = std::make_shared<std::string>();
    auto* cmd = access->add_subcommand(
        name, name == "list" ? "every work-access application with its decision"
                             : "the catalogue of approved items (社区工作准入目录)");
    cmd->add_option("--as", *as, "staff number")->required();
    cmd->callback([&ctx, as, name] {
      ctx.action = [&ctx, as, name] {
        return with_permission(
            ctx, "weimin access " + name, *as, core::Permission::ViewRecords,
            [&](station::Station& st, const station::Session&) {
              station::AccessRegister r(st);
              auto state = r.state();
              if (!state.is_ok()) return ctx.refuse(state.status());
              nlohmann::json items = nlohmann::json::array();
              std::string text;
              if (name == "list") {
                for (const auto& [id, a] : state->applications) {
                  items.push_back(application_json(st.catalog(), a));
                  text += application_text(st.catalog(), a);
                }
              } else {
                for (const auto* a : state->catalogue()) {
                  items.push_back(application_json(st.catalog(), *a));
                  text += application_text(st.catalog(), *a);
                }
              }
              const auto f = state->figures();
              text += "applications " + std::to_string(f.applications) + ": approved " +
                      std::to_string(f.approved) + ", refused " + std::to_string(f.refused) +
                      ", pending " + std::to_string(f.pending);
              return ctx.print({{name == "list" ? "applications" : "catalogue", items},
                                {"approved", f.approved},
                                {"refused", f.refused},
                                {"pending", f.pending},
                                {"conflicts", state->conflicts.size()}},
                               text);
            });
      };
    });
  }
}

// [SECTION] certificate

void add_certificate(CLI::App& app, Context& ctx) {
  auto* cert = app.add_subcommand("certificate", "the certificate register (开具证明登记)");
  cert->require_subcommand(1);
  {
    struct Options {
      std::string certificate = "economic_hardship", name, id, basis, as;
    };
    auto o = std::make_shared<Options>();
    auto* issue = cert->add_subcommand(
        "issue", "issue a certificate into the register (only those a committee may issue)");
    issue->add_option("--certificate", o->certificate, "catalog certificate id")
        ->capture_default_str();
    issue->add_option("--name", o->name, "the resident's name");
    issue->add_option("--id", o->id, "the resident's identity number (only its mask is kept)")
        ->required();
    issue->add_option("--basis", o->basis, "why: 低保, job loss, illness …")->required();
    issue->add_option("--as", o->as, "staff number")->required();
    issue->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return with_staff(ctx, o->as, [&](station::Station& st, const station::Session& by) {
          station::AccessRegister r(st);
          auto c = r.issue_certificate(by, {o->certificate, o->name, o->id, o->basis});
          if (!c.is_ok()) return ctx.refuse(c.status());
          return ctx.print(certificate_json(st.catalog(), *c),
                           "issued: " + certificate_text(st.catalog(), *c));
        });
      };
    });
  }
  {
    auto as = std::make_shared<std::string>();
    auto* list = cert->add_subcommand("list", "the register of certificates issued");
    list->add_option("--as", *as, "staff number")->required();
    list->callback([&ctx, as] {
      ctx.action = [&ctx, as] {
        return with_permission(
            ctx, "weimin certificate list", *as, core::Permission::ViewRecords,
            [&](station::Station& st, const station::Session&) {
              station::AccessRegister r(st);
              auto state = r.state();
              if (!state.is_ok()) return ctx.refuse(state.status());
              nlohmann::json items = nlohmann::json::array();
              std::string text;
              for (const auto& [id, c] : state->certificates) {
                items.push_back(certificate_json(st.catalog(), c));
                text += certificate_text(st.catalog(), c);
              }
              text += std::to_string(state->certificates.size()) + " issued";
              return ctx.print({{"certificates", items}, {"issued", state->certificates.size()}},
                               text);
            });
      };
    });
  }
}

}  // namespace

void add_govern_commands(CLI::App& app, Context& ctx) {
  add_consult(app, ctx);
  add_access_register(app, ctx);
  add_certificate(app, ctx);
}

}  // namespace weimin::cli
