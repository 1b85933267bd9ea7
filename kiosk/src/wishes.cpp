// Neighbour services at the kiosk (近邻服务, station/wishes.hpp): the residents' board of open
// wishes with posting one on the on-screen keyboard, and staff's wish desk — claim, fulfil,
// confirm, withdraw — with the care list's home visits and phone call-backs. The decide
// functions (post_wish, wish_desk_act, log_care) are testable without drawing; the screens'
// own string table is here.
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& wishes_strings() {
  static const std::vector<StringEntry> table = {
      {"home.wishes", "邻里互助", "Neighbour help"},
      {"nav.wishes", "近邻服务", "Neighbours"},
      {"wishes.title", "邻里互助 · 微心愿", "Neighbour help and micro-wishes"},
      {"wishes.hint", "邻居们的心愿和求助，志愿者和社区工作人员会认领。",
       "Neighbours' wishes and requests for help; volunteers and staff take them on."},
      {"wishes.none", "现在没有待认领的心愿。", "No wish is waiting just now."},
      {"wishes.post", "我有心愿", "Post a wish"},
      {"wishes.choose", "请选择类别", "Choose the kind of help"},
      {"wishes.text_hint", "点这里写下您的心愿或需要的帮助", "Tap here to write your wish"},
      {"wishes.send", "发布心愿", "Post it"},
      {"wishes.need_text", "请先写下您的心愿。", "Write your wish first."},
      {"wishes.posted", "心愿已发布，编号 {}", "Your wish is posted: number {}"},
      {"wishes.posted_hint", "有人认领后，社区工作人员会联系您。",
       "When someone takes it on, the station's staff will get in touch."},
      {"wishes.row", "{} · {} · {}", "{} · {} · {}"},
      {"help.childcare", "助幼", "Childcare"},
      {"help.education", "助教", "Education"},
      {"help.health", "助医", "Health"},
      {"help.elderly", "助老", "Elderly"},
      {"help.hardship", "助困", "Hardship"},
      {"help.micro_wish", "微心愿", "Micro-wish"},
      {"wish.stage.open", "待认领", "Open"},
      {"wish.stage.claimed", "已认领", "Claimed"},
      {"wish.stage.fulfilled", "已完成", "Fulfilled"},
      {"wish.stage.confirmed", "已确认", "Confirmed"},
      {"wish.stage.withdrawn", "已撤回", "Withdrawn"},
      {"wishdesk.view.wishes", "心愿", "Wishes"},
      {"wishdesk.view.care", "居家养老", "Elderly care"},
      {"wishdesk.none", "没有进行中的心愿。", "No wish in progress."},
      {"wishdesk.claimed_by", "认领人：{}", "Claimed by {}"},
      {"wishdesk.conflicts", "冲突 {} 条：{}", "{} conflict(s): {}"},
      {"wishdesk.volunteer", "志愿者姓名", "Volunteer's name"},
      {"wishdesk.claim_volunteer", "志愿者认领", "Volunteer claims"},
      {"wishdesk.claim_staff", "我来认领", "I claim it"},
      {"wishdesk.fulfil", "已完成", "Fulfilled"},
      {"wishdesk.confirm", "确认完成", "Confirm"},
      {"wishdesk.withdraw", "撤回", "Withdraw"},
      {"wishdesk.need_volunteer", "请先写下志愿者的姓名。", "Type the volunteer's name first."},
      {"wishdesk.done", "已记录：{} {}", "Recorded: {} {}"},
      {"wishdesk.refused",
       "心愿 {} 现在是“{}”，这一步（{}）不能做了，可能已在别处办理。请按它现在的状态继续。",
       "Wish {} is now \"{}\": this step ({}) cannot be taken; it may have been done elsewhere. "
       "Carry on from where it stands now."},
      {"care.due", "本月待探访 {} 人（共 {} 人）", "{} of {} not visited this month"},
      {"care.none", "关爱名单为空（用 weimin care add 添加）。",
       "Nobody is on the care list (add with weimin care add)."},
      {"care.last_visit", "最近探访：{}", "Last visit: {}"},
      {"care.never", "尚未探访", "not visited yet"},
      {"care.visit", "上门探访", "Home visit"},
      {"care.call", "电话回访", "Phone call"},
      {"care.outcome.well", "安好", "Well"},
      {"care.outcome.needs_help", "需要帮助", "Needs help"},
      {"care.outcome.not_reached", "未联系上", "Not reached"},
      {"care.logged", "已记录：{} {}（{}）", "Logged: {} {} ({})"},
  };
  return table;
}

namespace {

std::string help_key(core::HelpKind h) {
  return "help." + std::string(core::to_string(h));
}
std::string stage_key(core::WishStage s) {
  return "wish.stage." + std::string(core::to_string(s));
}

}  // namespace

// [SECTION] Deciding

Status post_wish(station::Station& station, WishBoardState& board, Lang lang) {
  board.error.clear();
  if (board.text.find_first_not_of(" \t\n") == std::string::npos) {
    board.error = tr(lang, "wishes.need_text");
    return Status(ErrorCode::Invalid, "the wish is empty");
  }
  auto posted = station::Wishes(station).post(std::nullopt, {board.help, board.text, {}, false});
  if (!posted.is_ok()) {
    board.error = error_sentence(posted.status(), KioskAction::Report, lang);
    return posted.status();
  }
  board.posted = std::move(posted).value();
  board.text.clear();
  board.posting = false;
  return Status::ok();
}

Status wish_desk_act(station::Station& station, StaffState& staff, WishAction action, Lang lang) {
  staff.error.clear();
  staff.message.clear();
  if (!staff.session || !staff.wishes.selected) {
    return Status(ErrorCode::Invalid, "no wish chosen");
  }
  const std::string id = staff.wishes.selected->to_string();
  station::Wishes wishes(station);
  Result<core::Wish> done = Status(ErrorCode::Internal, "no action");
  const char* what = "";
  switch (action) {
    case WishAction::ClaimVolunteer:
      if (staff.wishes.volunteer.find_first_not_of(' ') == std::string::npos) {
        staff.error = tr(lang, "wishdesk.need_volunteer");
        return Status(ErrorCode::Invalid, "no volunteer named");
      }
      done = wishes.claim(*staff.session, id,
                          {core::Claimant::Volunteer, staff.wishes.volunteer, std::nullopt});
      what = "wishdesk.claim_volunteer";
      break;
    case WishAction::ClaimStaff:
      done = wishes.claim(*staff.session, id, {core::Claimant::Staff, "", std::nullopt});
      what = "wishdesk.claim_staff";
      break;
    case WishAction::Fulfil:
      done = wishes.fulfil(*staff.session, id);
      what = "wishdesk.fulfil";
      break;
    case WishAction::Confirm:
      done = wishes.confirm(staff.session, id);
      what = "wishdesk.confirm";
      break;
    case WishAction::Withdraw:
      done = wishes.withdraw(staff.session, id);
      what = "wishdesk.withdraw";
      break;
  }
  if (!done.is_ok()) {
    // A step the wish's stage no longer allows (another console or station got there first):
    // say where the wish stands now, in the wish's own words, then the station's detail.
    auto now = wishes.get(id);
    if (done.status().code() == ErrorCode::Conflict && now.is_ok()) {
      staff.error =
          trf(lang, "wishdesk.refused",
              {station::short_number(now->id), tr(lang, stage_key(now->stage)), tr(lang, what)}) +
          "  " +
          trf(lang, "error.staff_detail",
              {core::mask_personal_numbers_in_text(done.status().message())});
    } else {
      staff.error = staff_error_sentence(done.status(), KioskAction::CaseDesk, lang);
    }
    return done.status();
  }
  staff.wishes.volunteer.clear();
  staff.message = trf(lang, "wishdesk.done", {station::short_number(done->id), tr(lang, what)});
  return Status::ok();
}

Status log_care(station::Station& station, StaffState& staff, core::CareOutcome outcome,
                Lang lang) {
  staff.error.clear();
  staff.message.clear();
  if (!staff.session || !staff.wishes.person) {
    return Status(ErrorCode::Invalid, "nobody chosen");
  }
  station::Care care(station);
  station::CareLog log{outcome, "", "", false, "other"};
  const std::string id = staff.wishes.person->to_string();
  auto r = staff.wishes.call ? care.log_call(*staff.session, id, log)
                             : care.log_visit(*staff.session, id, log);
  if (!r.is_ok()) {
    staff.error = staff_error_sentence(r.status(), KioskAction::CaseDesk, lang);
    return r.status();
  }
  staff.message = trf(lang, "care.logged",
                      {r->name, tr(lang, staff.wishes.call ? "care.call" : "care.visit"),
                       tr(lang, "care.outcome." + std::string(core::to_string(outcome)))});
  return Status::ok();
}

// [SECTION] The resident's board

void App::Impl::draw_wishes() {
  auto& board = resident.wishes;
  const float h = target_height();
  ImGui::PushTextWrapPos(0);
  if (board.posted) {
    ImGui::Spacing();
    ImGui::TextUnformatted(tf("wishes.posted", {""}).c_str());
    big_text(station::short_number(board.posted->id));
    ImGui::TextUnformatted(t("wishes.posted_hint"));
    ImGui::PopTextWrapPos();
    action("wishes.done", t("common.done"), [this] { resident.screen = Screen::Home; });
    return;
  }
  if (board.posting) {
    ImGui::TextUnformatted(t("wishes.choose"));
    grid(6, elder() ? 2 : 3, 0, h, [&](int i, ImVec2 size) {
      const core::HelpKind kind = core::kHelpKinds[i];
      if (button("wishes.help." + std::string(core::to_string(kind)), t(help_key(kind)), size,
                 board.help == kind ? ButtonKind::Selected : ButtonKind::Normal)) {
        board.help = kind;
      }
    });
    ImGui::Spacing();
    text_field("wishes.text", board.text, core::kMaxWishTextChars, t("wishes.text_hint"), h * 1.5f);
    ImGui::PopTextWrapPos();
    action_error = board.error;
    action("wishes.send", t("wishes.send"),
           [this] { (void)post_wish(station, resident.wishes, lang()); });
    return;
  }
  ImGui::TextUnformatted(t("wishes.title"));
  ImGui::TextColored(ImColor(colour_muted()), "%s", t("wishes.hint"));
  ImGui::Separator();
  auto open = station::Wishes(station).open();
  if (!open.is_ok()) {
    error_line(error_sentence(open.status(), KioskAction::Report, lang()));
  } else if (open->empty()) {
    ImGui::TextUnformatted(t("wishes.none"));
  } else {
    for (const core::Wish& w : *open) {
      ImGui::Spacing();
      ImGui::TextUnformatted(tf("wishes.row", {t(help_key(w.help)), t(stage_key(w.stage)),
                                               station::short_number(w.id)})
                                 .c_str());
      ImGui::TextUnformatted(w.text.c_str());
      ImGui::Separator();
    }
  }
  ImGui::PopTextWrapPos();
  action("wishes.post", t("wishes.post"), [this] {
    resident.wishes.posting = true;
    resident.wishes.error.clear();
  });
}

// [SECTION] Staff's wish desk

void App::Impl::draw_wish_desk() {
  auto& desk = staff.wishes;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  for (int i = 0; i < 2; ++i) {
    if (i) ImGui::SameLine();
    const char* id = i ? "wishdesk.view.care" : "wishdesk.view.wishes";
    if (button(id, t(id), ImVec2(item_width(t(id)), h),
               desk.care == (i == 1) ? ButtonKind::Selected : ButtonKind::Normal)) {
      desk.care = i == 1;
      staff.error.clear();
      staff.message.clear();
    }
  }
  ImGui::Separator();
  ImGui::PushTextWrapPos(0);
  if (!staff.message.empty()) ImGui::TextUnformatted(staff.message.c_str());
  if (!staff.error.empty()) error_line(staff.error);
  const float w = ImGui::GetContentRegionAvail().x;
  if (!desk.care) {
    auto all = station::Wishes(station).all();
    if (!all.is_ok()) {
      error_line(staff_error_sentence(all.status(), KioskAction::CaseDesk, lang()));
      ImGui::PopTextWrapPos();
      return;
    }
    const core::Wish* chosen = nullptr;
    int shown = 0;
    for (const core::Wish& wish : *all) {
      if (wish.stage != core::WishStage::Open && wish.stage != core::WishStage::Claimed &&
          wish.stage != core::WishStage::Fulfilled) {
        continue;
      }
      ++shown;
      const std::string number = station::short_number(wish.id);
      const bool selected = desk.selected == wish.id;
      if (selected) chosen = &wish;
      const std::string label =
          number + "  " + t(help_key(wish.help)) + "  " + t(stage_key(wish.stage));
      if (button("wishdesk.wish." + number, label, ImVec2(std::max(item_width(label), w * 0.4f), h),
                 selected ? ButtonKind::Selected : ButtonKind::Normal)) {
        desk.selected = wish.id;
        staff.error.clear();
        staff.message.clear();
      }
      ImGui::TextUnformatted(wish.text.c_str());
    }
    if (shown == 0) ImGui::TextUnformatted(t("wishdesk.none"));
    if (chosen) {
      ImGui::Separator();
      if (chosen->claim) {
        ImGui::TextUnformatted(tf("wishdesk.claimed_by", {chosen->claim->name}).c_str());
      }
      if (!chosen->conflicts.empty()) {
        error_line(tf("wishdesk.conflicts",
                      {std::to_string(chosen->conflicts.size()), chosen->conflicts.back().reason}));
      }
      const bool open = chosen->stage == core::WishStage::Open;
      if (open) {
        ImGui::TextUnformatted(t("wishdesk.volunteer"));
        text_field("wishdesk.volunteer", desk.volunteer, 30, t("wishdesk.volunteer"), h);
      }
      const float bw = (w - 2 * gap) / 3;
      struct Step {
        const char* id;
        WishAction action;
        bool enabled;
      };
      const Step steps[] = {
          {"wishdesk.claim_volunteer", WishAction::ClaimVolunteer, open},
          {"wishdesk.claim_staff", WishAction::ClaimStaff, open},
          {"wishdesk.fulfil", WishAction::Fulfil, chosen->stage == core::WishStage::Claimed},
          {"wishdesk.confirm", WishAction::Confirm, chosen->stage == core::WishStage::Fulfilled},
          {"wishdesk.withdraw", WishAction::Withdraw, chosen->stage != core::WishStage::Fulfilled}};
      int drawn = 0;
      for (const Step& s : steps) {
        if (!s.enabled) continue;
        if (drawn++ % 3) ImGui::SameLine();
        if (button(s.id, t(s.id), ImVec2(bw, h),
                   s.action == WishAction::Withdraw ? ButtonKind::Danger : ButtonKind::Normal)) {
          (void)wish_desk_act(station, staff, s.action, lang());
        }
      }
    }
    ImGui::PopTextWrapPos();
    return;
  }
  station::Care care(station);
  auto listed = care.listed();
  auto due = care.visits_due();
  if (!listed.is_ok() || !due.is_ok()) {
    error_line(staff_error_sentence(listed.is_ok() ? due.status() : listed.status(),
                                    KioskAction::CaseDesk, lang()));
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::TextUnformatted(
      tf("care.due", {std::to_string(due->size()), std::to_string(listed->size())}).c_str());
  if (listed->empty()) ImGui::TextUnformatted(t("care.none"));
  const core::CareRecord* chosen = nullptr;
  for (const core::CareRecord& r : *listed) {
    const std::string number = station::short_number(r.person);
    const bool selected = desk.person == r.person;
    if (selected) chosen = &r;
    const std::string label = r.name + "  " + r.address;
    if (button("wishdesk.person." + number, label, ImVec2(std::max(item_width(label), w * 0.4f), h),
               selected ? ButtonKind::Selected : ButtonKind::Normal)) {
      desk.person = r.person;
      staff.error.clear();
      staff.message.clear();
    }
    ImGui::TextUnformatted(
        tf("care.last_visit",
           {r.last_visit_ms ? core::local_date_time(*r.last_visit_ms) : t("care.never")})
            .c_str());
  }
  if (chosen) {
    ImGui::Separator();
    const float bw = (w - 2 * gap) / 3;
    for (int i = 0; i < 2; ++i) {
      if (i) ImGui::SameLine();
      const char* id = i ? "care.call" : "care.visit";
      if (button(id, t(id), ImVec2(bw, h),
                 desk.call == (i == 1) ? ButtonKind::Selected : ButtonKind::Normal)) {
        desk.call = i == 1;
      }
    }
    for (int i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      const core::CareOutcome outcome = core::kCareOutcomes[i];
      const std::string id = "care.outcome." + std::string(core::to_string(outcome));
      if (button(id, t(id), ImVec2(bw, h))) (void)log_care(station, staff, outcome, lang());
    }
  }
  ImGui::PopTextWrapPos();
}

}  // namespace weimin::kiosk
