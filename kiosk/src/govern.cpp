// The governance screens (govern.hpp): a resident raising a consultation topic, and the staff's
// consultation, work-access register and certificate register. Their words are in this file's
// own table (govern_strings).
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/kiosk/govern.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/consultation.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& govern_strings() {
  static const std::vector<StringEntry> table = {
      {"home.consult", "社区议事", "Community topics"},
      {"nav.consult", "社区协商", "Consultation"},
      {"nav.register", "准入登记", "Work-access register"},
      {"nav.certificates", "证明登记", "Certificates"},
      {"more.consult", "议题、协商会、落实情况", "Topics, meetings, decisions"},
      {"more.register", "准入申请与审批", "Applications and approvals"},
      {"more.certificates", "经济困难证明开具登记", "Hardship certificate register"},
      {"consult.title", "社区协商：您希望社区一起商量什么事？",
       "Community consultation: what should the community talk over?"},
      {"consult.hint_title", "议题（必填，例如：小区停车难）",
       "Topic (required, e.g. parking at night)"},
      {"consult.hint_detail", "具体情况（可不填）", "What is happening (optional)"},
      {"consult.submit", "提交议题", "Raise the topic"},
      {"consult.done", "议题已提交，社区将组织居民协商。",
       "Your topic is raised; the community will call a consultation."},
      {"consult.need_title", "请先写下议题", "Write the topic first"},
      {"govern.view.consult", "社区协商", "Consultation"},
      {"govern.view.access", "准入登记", "Work access"},
      {"govern.view.certificate", "证明登记", "Certificates"},
      {"govern.figures", "协商活动 {} 次，协商事项 {} 项，已落实 {} 项",
       "Activities {}, items {}, carried out {}"},
      {"govern.new_topic", "新议题", "New topic"},
      {"govern.raise", "登记议题", "Record topic"},
      {"govern.topics", "议题", "Topics"},
      {"govern.none", "暂无记录", "Nothing recorded yet"},
      {"govern.by_resident", "（居民提出）", " (raised by a resident)"},
      {"govern.status.raised", "待协商", "to discuss"},
      {"govern.status.discussed", "已协商", "discussed"},
      {"govern.status.decided", "待落实", "to carry out"},
      {"govern.status.carried_out", "已落实", "carried out"},
      {"govern.meetings", "协商活动：{} 次", "Meetings: {}"},
      {"govern.meeting_line", "{}，{} 人参加：{}", "{}, {} took part: {}"},
      {"govern.participants", "参加人数 {}", "Participants {}"},
      {"govern.minutes_hint", "会议纪要（必填）", "Minutes (required)"},
      {"govern.record_meeting", "登记今天的协商会", "Record today's meeting"},
      {"govern.decision_hint", "协商形成的事项", "What was decided"},
      {"govern.decide", "登记事项", "Record decision"},
      {"govern.done", "已落实", "Carried out"},
      {"govern.done_on", "{} 已落实", "carried out {}"},
      {"govern.recorded", "已登记", "Recorded"},
      {"govern.department", "推送部门", "Department"},
      {"govern.task_hint", "部门要求社区做的事（必填）", "What the department asks (required)"},
      {"govern.evidence_hint", "依据：文号、通知人、日期", "Evidence: document, who asked, when"},
      {"govern.apply", "登记准入申请", "Record application"},
      {"govern.applications", "准入申请（领导小组审批）",
       "Applications (the leading group decides)"},
      {"govern.app_line", "{}：{}（{}）", "{}: {} ({})"},
      {"govern.app.pending", "待审批", "pending"},
      {"govern.app.approved", "批准", "approved"},
      {"govern.app.refused", "不予批准", "refused"},
      {"govern.verdict.on_list", "在清单内", "on the list"},
      {"govern.verdict.needs_approval", "需准入审批", "needs approval"},
      {"govern.approve", "批准", "Approve"},
      {"govern.refuse", "不批准", "Refuse"},
      {"govern.decided_by", "{}，{}", "{}, {}"},
      {"govern.catalogue", "准入目录：已批准 {} 项", "Catalogue of approved items: {}"},
      {"govern.catalogue_line", "{}（{}；{} {}批准）", "{} ({}; approved {} by {})"},
      {"govern.cert_title", "经济困难证明（社区唯一可开具的证明）",
       "Economic hardship certificate (the one a committee may issue)"},
      {"govern.id", "身份证号", "Identity number"},
      {"govern.name_hint", "姓名（可不填）", "Name (optional)"},
      {"govern.basis_hint", "事由（必填，例如：失业，家庭困难）",
       "Basis (required, e.g. job loss)"},
      {"govern.issue", "开具并登记", "Issue and record"},
      {"govern.register", "开具登记：{} 份", "Register: {} issued"},
      {"govern.cert_line", "{} {} {}：{}（经办 {}）", "{} {} {}: {} (staff {})"},
      {"govern.issued", "已开具：{}", "Issued: {}"},
      {"govern.cert_choose", "居民要开具的证明", "The certificate the resident asks for"},
      {"govern.cert_other", "其他证明", "Another certificate"},
      {"govern.cert_refused", "社区不能开具{}。", "{}: a residents' committee may not issue it."},
      {"govern.cert_refused_note", "{}：{}", "{}: {}"},
      {"govern.cert_unknown", "目录中没有这种证明，请选择上面列出的证明。",
       "The catalog has no such certificate: choose one of those above."},
      {"govern.cert_tell", "请告知居民到上述部门办理，本站不予登记。",
       "Tell the resident to go to that office; nothing is recorded here."},
  };
  return table;
}

namespace {

constexpr std::string_view kIdKeys = "1234567890X<*";

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

std::string short_id(const core::Uuid& id) {
  return id.to_string().substr(28);
}

// A bullet and its text, wrapped at the region's edge (ImGui's BulletText does not wrap).
void bullet_line(const std::string& text) {
  ImGui::Bullet();
  ImGui::SameLine();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

// [SECTION] Decisions

Status resident_raise_topic(station::Station& station, ConsultRaiseState& raise, Lang lang) {
  raise.error.clear();
  if (raise.title.empty()) {
    raise.error = tr(lang, "consult.need_title");
    return Status(ErrorCode::Invalid, "the topic has no title");
  }
  station::Consultations c(station);
  auto t = c.raise(std::nullopt, raise.title, raise.detail);
  if (!t.is_ok()) {
    raise.error = error_sentence(t.status(), KioskAction::Report, lang);
    return t.status();
  }
  raise.raised = *t;
  raise.title.clear();
  raise.detail.clear();
  return Status::ok();
}

namespace {

// Runs `work`; on failure sets g.error (the staff's sentence), on success g.message.
template <class F>
Status staff_step(GovernState& g, Lang lang, F&& work) {
  g.error.clear();
  g.message.clear();
  Result<std::string> done = work();
  if (!done.is_ok()) {
    g.error = staff_error_sentence(done.status(), KioskAction::Console, lang);
    return done.status();
  }
  g.message = *done;
  return Status::ok();
}

}  // namespace

Status govern_raise_topic(station::Station& station, const station::Session& by, GovernState& g,
                          Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    station::Consultations c(station);
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultTopic t, c.raise(by, g.topic_title, ""));
    g.topic = t.id;
    g.topic_title.clear();
    return std::string(tr(lang, "govern.recorded")) + ": " + t.title;
  });
}

Status govern_record_meeting(station::Station& station, const station::Session& by, GovernState& g,
                             Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    if (!g.topic) return Status(ErrorCode::Invalid, "choose a topic first");
    station::Consultations c(station);
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultMeeting m,
                            c.record_meeting(by, *g.topic, {"", g.participants, g.minutes, ""}));
    g.minutes.clear();
    return std::string(tr(lang, "govern.recorded")) + ": " + m.date.to_string();
  });
}

Status govern_decide(station::Station& station, const station::Session& by, GovernState& g,
                     Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    if (!g.topic) return Status(ErrorCode::Invalid, "choose a topic first");
    station::Consultations c(station);
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultState st, c.state());
    const core::ConsultTopic* t = st.find(*g.topic);
    std::optional<core::Uuid> meeting;
    if (t && !t->meetings.empty()) meeting = t->meetings.back().id;
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultDecision d, c.decide(by, *g.topic, g.decision, meeting));
    g.decision.clear();
    return std::string(tr(lang, "govern.recorded")) + ": " + d.text;
  });
}

Status govern_carried_out(station::Station& station, const station::Session& by, GovernState& g,
                          const core::Uuid& decision, Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    if (!g.topic) return Status(ErrorCode::Invalid, "choose a topic first");
    station::Consultations c(station);
    WEIMIN_ASSIGN_OR_RETURN(core::ConsultDecision d, c.carried_out(by, *g.topic, decision, "", ""));
    return trf(lang, "govern.done_on", {d.done_on->to_string()}) + ": " + d.text;
  });
}

Status govern_apply(station::Station& station, const station::Session& by, GovernState& g,
                    Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    station::AccessRegister r(station);
    WEIMIN_ASSIGN_OR_RETURN(core::AccessApplication a,
                            r.apply(by, {g.department, g.task, g.evidence}));
    g.task.clear();
    g.evidence.clear();
    return std::string(tr(lang, "govern.recorded")) + ": " + a.applied.task + " — " +
           tr(lang, "govern.verdict." + std::string(core::to_string(a.applied.verdict)));
  });
}

Status govern_decide_application(station::Station& station, const station::Session& by,
                                 GovernState& g, const core::Uuid& application, bool approve,
                                 Lang lang) {
  return staff_step(g, lang, [&]() -> Result<std::string> {
    station::AccessRegister r(station);
    WEIMIN_ASSIGN_OR_RETURN(core::AccessApplication a,
                            r.decide(by, application, {approve, "", "", ""}));
    return std::string(tr(lang, "govern.app." + std::string(core::to_string(a.status())))) + ": " +
           a.applied.task;
  });
}

std::string cert_refusal(const core::Catalog& catalog, const std::string& certificate, Lang lang) {
  const core::Certificate* c = catalog.certificate_by_id(certificate);
  if (!c) return tr(lang, "govern.cert_unknown");
  if (c->issuable) return "";
  // The catalog's note says that it is no longer issued and who issues it instead.
  const std::string& note = pick(c->note, lang);
  return (note.empty() ? trf(lang, "govern.cert_refused", {pick(c->name, lang)})
                       : trf(lang, "govern.cert_refused_note", {pick(c->name, lang), note})) +
         " " + tr(lang, "govern.cert_tell");
}

Status govern_issue_certificate(station::Station& station, const station::Session& by,
                                GovernState& g, Lang lang) {
  // Refused before anything is typed into the register, in words that say where to go.
  const std::string refusal = cert_refusal(station.catalog(), g.certificate, lang);
  if (!refusal.empty()) {
    g.message.clear();
    g.error = refusal;
    return core::check_certificate_issuable(station.catalog(), g.certificate);
  }
  return staff_step(g, lang, [&]() -> Result<std::string> {
    station::AccessRegister r(station);
    WEIMIN_ASSIGN_OR_RETURN(
        core::CertificateEntry e,
        r.issue_certificate(by, {g.certificate, g.resident_name, g.id_number, g.basis}));
    g.id_number.clear();
    g.resident_name.clear();
    g.basis.clear();
    return trf(lang, "govern.issued", {e.issued.resident_name + " " + e.issued.resident_id_masked});
  });
}

// [SECTION] The resident's screen

void App::Impl::draw_consult_raise() {
  auto& raise = resident.consult;
  const float h = target_height();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(t("consult.title"));
  ImGui::PopTextWrapPos();
  if (raise.raised) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(t("consult.done"));
    ImGui::PopTextWrapPos();
    big_text(raise.raised->title);
    return;
  }
  text_field("consult.topic", raise.title, core::kMaxTopicTitleChars, t("consult.hint_title"), h);
  text_field("consult.detail", raise.detail, 500, t("consult.hint_detail"), h * 1.5f);
  error_line(raise.error);
  action("consult.submit", t("consult.submit"),
         [this] { (void)resident_raise_topic(station, resident.consult, lang()); });
}

// [SECTION] The staff's screen

void App::Impl::draw_govern() {
  auto& g = staff.govern;
  const float h = target_height();
  struct View {
    const char* id;
    GovernView view;
  };
  const View views[] = {{"govern.view.consult", GovernView::Consult},
                        {"govern.view.access", GovernView::Access},
                        {"govern.view.certificate", GovernView::Certificate}};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    if (button(views[i].id, t(views[i].id), ImVec2(item_width(t(views[i].id)), h),
               g.view == views[i].view ? ButtonKind::Selected : ButtonKind::Normal)) {
      g.view = views[i].view;
      g.error.clear();
      g.message.clear();
    }
  }
  if (!g.message.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(g.message.c_str());
    ImGui::PopTextWrapPos();
  }
  action_error = g.error;  // above the action bar: in sight however far the screen scrolled
  switch (g.view) {
    case GovernView::Consult:
      draw_govern_consult();
      break;
    case GovernView::Access:
      draw_govern_access();
      break;
    case GovernView::Certificate:
      draw_govern_certificates();
      break;
  }
}

void App::Impl::draw_govern_consult() {
  auto& g = staff.govern;
  const float h = target_height();
  station::Consultations c(station);
  auto st = c.state();
  if (!st.is_ok()) {
    error_line(staff_error_sentence(st.status(), KioskAction::Console, lang()));
    return;
  }
  const core::ConsultFigures f = st->figures();
  ImGui::TextUnformatted(
      tf("govern.figures",
         {std::to_string(f.activities), std::to_string(f.items), std::to_string(f.carried_out)})
          .c_str());
  // The new topic's field and 登记议题 on one line: the field takes what the button leaves.
  const float raise_w = item_width(t("govern.raise"));
  text_field("govern.topic_title", g.topic_title, core::kMaxTopicTitleChars, t("govern.new_topic"),
             h, ImGui::GetContentRegionAvail().x - raise_w - ImGui::GetStyle().ItemSpacing.x);
  ImGui::SameLine();
  if (button("govern.raise", t("govern.raise"), ImVec2(raise_w, h))) {
    (void)govern_raise_topic(station, *staff.session, g, lang());
  }
  ImGui::TextUnformatted(t("govern.topics"));
  if (st->topics.empty()) ImGui::TextUnformatted(t("govern.none"));
  const float w = ImGui::GetContentRegionAvail().x;
  for (const auto& [id, topic] : st->topics) {
    const std::string label =
        topic.title + (topic.by_resident ? t("govern.by_resident") : "") + "  ·  " +
        t(("govern.status." + std::string(core::to_string(topic.status()))).c_str());
    if (button("govern.topic." + short_id(id), label, ImVec2(w, h),
               g.topic == id ? ButtonKind::Selected : ButtonKind::Normal)) {
      g.topic = id;
      g.error.clear();
    }
  }
  const core::ConsultTopic* topic = g.topic ? st->find(*g.topic) : nullptr;
  if (!topic) return;
  ImGui::Separator();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(topic->title.c_str());
  if (!topic->detail.empty()) ImGui::TextUnformatted(topic->detail.c_str());
  ImGui::TextUnformatted(tf("govern.meetings", {std::to_string(topic->meetings.size())}).c_str());
  for (const auto& m : topic->meetings) {
    bullet_line(
        tf("govern.meeting_line", {m.date.to_string(), std::to_string(m.participants), m.minutes}));
  }
  ImGui::PopTextWrapPos();
  // Participants: − and + around the count.
  const float kw = std::max(min_target(), h);
  if (button("govern.participants.minus", "-", ImVec2(kw, h))) {
    g.participants = std::max(1, g.participants - 1);
  }
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (h - ImGui::GetFontSize()) / 2);
  ImGui::TextUnformatted(tf("govern.participants", {std::to_string(g.participants)}).c_str());
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() - (h - ImGui::GetFontSize()) / 2);
  if (button("govern.participants.plus", "+", ImVec2(kw, h))) {
    g.participants = std::min(core::kMaxParticipants, g.participants + 1);
  }
  text_field("govern.minutes", g.minutes, 1000, t("govern.minutes_hint"), h * 1.5f);
  if (button("govern.record_meeting", t("govern.record_meeting"),
             ImVec2(item_width(t("govern.record_meeting")), h))) {
    (void)govern_record_meeting(station, *staff.session, g, lang());
  }
  for (const auto& d : topic->decisions) {
    ImGui::PushTextWrapPos(0);
    bullet_line((d.text + "  ·  " +
                 (d.done_on ? tf("govern.done_on", {d.done_on->to_string()})
                            : std::string(t("govern.status.decided")))));
    ImGui::PopTextWrapPos();
    if (!d.done_on) {
      if (button("govern.done." + short_id(d.id), t("govern.done"),
                 ImVec2(item_width(t("govern.done")), h))) {
        (void)govern_carried_out(station, *staff.session, g, d.id, lang());
      }
    }
  }
  text_field("govern.decision", g.decision, 1000, t("govern.decision_hint"), h);
  if (button("govern.decide", t("govern.decide"), ImVec2(item_width(t("govern.decide")), h))) {
    (void)govern_decide(station, *staff.session, g, lang());
  }
}

void App::Impl::draw_govern_access() {
  auto& g = staff.govern;
  const float h = target_height();
  const core::Catalog& cat = station.catalog();
  ImGui::TextUnformatted(t("govern.department"));
  if (g.department.empty() && !cat.departments.empty()) g.department = cat.departments.front().id;
  grid(static_cast<int>(cat.departments.size()), 3, 200, h, [&](int i, ImVec2 size) {
    const auto& d = cat.departments[static_cast<std::size_t>(i)];
    if (button("govern.dept." + d.id, pick(d.name, lang()), size,
               g.department == d.id ? ButtonKind::Selected : ButtonKind::Normal)) {
      g.department = d.id;
    }
  });
  text_field("govern.task", g.task, core::kMaxAccessTaskChars, t("govern.task_hint"), h);
  text_field("govern.evidence", g.evidence, 500, t("govern.evidence_hint"), h);
  action("govern.apply", t("govern.apply"),
         [this] { (void)govern_apply(station, *staff.session, staff.govern, lang()); });
  station::AccessRegister r(station);
  auto st = r.state();
  if (!st.is_ok()) {
    error_line(staff_error_sentence(st.status(), KioskAction::Console, lang()));
    return;
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(tf("govern.catalogue", {std::to_string(st->catalogue().size())}).c_str());
  // The catalogue itself (准入目录): what the station may now take on, and since when.
  int shown = 0;
  for (const core::AccessApplication* a : st->catalogue()) {
    const core::Department* d = cat.department_by_id(a->applied.department);
    const std::string line =
        trf(lang(), "govern.catalogue_line",
            {a->applied.task, d ? pick(d->name, lang()) : a->applied.department,
             a->decision->decided_on.to_string(), a->decision->decided_by});
    labels["govern.catalogue." + std::to_string(shown++)] = line;  // for tests
    ImGui::PushTextWrapPos(0);
    bullet_line(line);
    ImGui::PopTextWrapPos();
  }
  ImGui::TextUnformatted(t("govern.applications"));
  if (st->applications.empty()) ImGui::TextUnformatted(t("govern.none"));
  const bool decides =
      staff.session->role == core::Role::Director || staff.session->role == core::Role::DeputyHead;
  for (const auto& [id, a] : st->applications) {
    const core::Department* d = cat.department_by_id(a.applied.department);
    std::string line =
        trf(lang(), "govern.app_line",
            {d ? pick(d->name, lang()) : a.applied.department, a.applied.task,
             t(("govern.verdict." + std::string(core::to_string(a.applied.verdict))).c_str())});
    line += "  ·  " +
            std::string(t(("govern.app." + std::string(core::to_string(a.status()))).c_str()));
    if (a.decision) {
      line += "  " +
              tf("govern.decided_by", {a.decision->decided_by, a.decision->decided_on.to_string()});
    }
    ImGui::PushTextWrapPos(0);
    bullet_line(line);
    ImGui::PopTextWrapPos();
    if (decides && !a.decision) {
      // In the list, not the action bar: each pending application has its own pair.
      if (button("govern.approve." + short_id(id), t("govern.approve"),
                 ImVec2(item_width(t("govern.approve")), h))) {
        (void)govern_decide_application(station, *staff.session, g, id, true, lang());
      }
      ImGui::SameLine();
      if (button("govern.refuse." + short_id(id), t("govern.refuse"),
                 ImVec2(item_width(t("govern.refuse")), h), ButtonKind::Danger)) {
        (void)govern_decide_application(station, *staff.session, g, id, false, lang());
      }
    }
  }
}

void App::Impl::draw_govern_certificates() {
  auto& g = staff.govern;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(t("govern.cert_title"));
  ImGui::PopTextWrapPos();
  // What the resident asks for: the certificates a committee may issue, and 其他证明 (other
  // certificates) listing those it may not — any of them is refused at once with where to go
  // instead, and nothing is typed for it.
  ImGui::TextUnformatted(t("govern.cert_choose"));
  const auto& certs = station.catalog().certificates;
  bool first = true;
  for (const core::Certificate& c : certs) {
    if (!c.issuable) continue;
    if (!first) ImGui::SameLine();
    first = false;
    const std::string label = pick(c.name, lang());
    if (button("govern.cert." + c.id, label, ImVec2(item_width(label), h),
               g.certificate == c.id ? ButtonKind::Selected : ButtonKind::Normal)) {
      g.certificate = c.id;
      g.other_certificates = false;
      g.error.clear();
      g.message.clear();
    }
  }
  if (!first) ImGui::SameLine();
  if (button("govern.cert.other", t("govern.cert_other"),
             ImVec2(item_width(t("govern.cert_other")), h),
             g.other_certificates ? ButtonKind::Selected : ButtonKind::Normal)) {
    g.other_certificates = !g.other_certificates;
  }
  if (g.other_certificates) {
    std::vector<const core::Certificate*> others;
    for (const core::Certificate& c : certs) {
      if (!c.issuable) others.push_back(&c);
    }
    grid(static_cast<int>(others.size()), 4, elder() ? 300.f : 240.f, h, [&](int i, ImVec2 size) {
      const core::Certificate& c = *others[static_cast<std::size_t>(i)];
      if (button("govern.cert." + c.id, fit_label(pick(c.name, lang()), size.x - 2 * gap), size,
                 g.certificate == c.id ? ButtonKind::Selected : ButtonKind::Normal)) {
        g.certificate = c.id;
        g.error.clear();
        g.message.clear();
      }
    });
  }
  ImGui::Spacing();
  const std::string refusal = cert_refusal(station.catalog(), g.certificate, lang());
  if (!refusal.empty()) {
    // Above the action bar, so it is in sight however long the list of certificates is.
    action_error = refusal;
    labels["govern.cert_refusal"] = refusal;  // what tests read
    action(
        "govern.issue", t("govern.issue"), [] {}, ButtonKind::Primary, false);
    return;
  }
  const std::string shown = identity_shown(g.id_number);
  ImGui::TextUnformatted((std::string(t("govern.id")) + ":  " + shown).c_str());
  const std::string problem = identity_problem(g.id_number, core::local_date(clock.now_ms()));
  if (!problem.empty()) error_line(problem);
  const float kw = std::min((ImGui::GetContentRegionAvail().x - 4 * gap) / 5, 160.f);
  keypad("govern.id", g.id_number, kIdKeys, 18, 5, std::max(kw, min_target()));
  text_field("govern.name", g.resident_name, core::kMaxResidentNameChars, t("govern.name_hint"), h);
  text_field("govern.basis", g.basis, core::kMaxBasisChars, t("govern.basis_hint"), h);
  action("govern.issue", t("govern.issue"),
         [this] { (void)govern_issue_certificate(station, *staff.session, staff.govern, lang()); });
  station::AccessRegister r(station);
  auto st = r.state();
  if (!st.is_ok()) return;
  ImGui::Spacing();
  ImGui::TextUnformatted(tf("govern.register", {std::to_string(st->certificates.size())}).c_str());
  for (const auto& [id, e] : st->certificates) {
    const core::Certificate* c = station.catalog().certificate_by_id(e.issued.certificate);
    ImGui::PushTextWrapPos(0);
    bullet_line(
        tf("govern.cert_line",
           {e.issued.issued_on.to_string(), c ? pick(c->name, lang()) : e.issued.certificate,
            e.issued.resident_name + " " + e.issued.resident_id_masked, e.issued.basis, e.staff}));
    ImGui::PopTextWrapPos();
  }
}

}  // namespace weimin::kiosk
