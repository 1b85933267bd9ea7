// The handheld's screens (handheld.hpp), drawn for a portrait window (720×1280, 1080×1920):
// one column, controls the full width, a scrolling content region, the screen's actions in the
// action bar and a bar of its own at the bottom (back, language, elder, contrast). Nothing here
// assumes landscape: every width is the window's.
#include <algorithm>

#include <imgui.h>

#include "impl.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/kiosk/handheld.hpp"

namespace weimin::kiosk {

std::string handheld_where(const core::Catalog& catalog, const core::CaseWhere& w, Lang lang);

namespace {

// Staff numbers are a letter and digits (G010, D001, S002).
constexpr std::string_view kHandheldNoKeys = "123456789<0*DGS";
constexpr std::string_view kHandheldPinKeys = "123456789<0*";

std::string words(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

// The bar's buttons are a target high, or two lines of text high when that is more: at 720 px
// an English label ("High contrast") breaks onto a second line.
float handheld_bar_button_height(float target) {
  return std::max(target, 2 * ImGui::GetFontSize() + 2 * ImGui::GetStyle().FramePadding.y);
}

// `text` cut, at a character, to what fits in `room` pixels, with "…" when cut.
std::string fitted_line(const std::string& text, float room) {
  if (ImGui::CalcTextSize(text.c_str()).x <= room) return text;
  std::string cut = text;
  while (!cut.empty()) {
    do {
      cut.pop_back();
    } while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80);
    if (!cut.empty()) cut.pop_back();  // the lead byte of the character just emptied
    if (ImGui::CalcTextSize((cut + "…").c_str()).x <= room) return cut + "…";
  }
  return "…";
}

}  // namespace

float App::Impl::handheld_bar_height() const {
  return handheld_bar_button_height(target_height()) + 2 * ImGui::GetStyle().ItemSpacing.y;
}

void App::Impl::handheld_bar(bool with_back) {
  const float h = handheld_bar_button_height(target_height());
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetCursorPosY(ImGui::GetWindowHeight() - handheld_bar_height() +
                       ImGui::GetStyle().ItemSpacing.y);
  const int n = with_back ? 4 : 3;
  const float w =
      (ImGui::GetContentRegionAvail().x - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  if (with_back) {
    if (button("hh.nav.back", t("hh.back"), ImVec2(w, h))) {
      handheld.error.clear();
      handheld.message.clear();
      handheld.screen = handheld.staff.session ? HandheldScreen::Cases : HandheldScreen::SignIn;
    }
    ImGui::SameLine();
  }
  if (button("hh.toggle.lang", t("toggle.lang"), ImVec2(w, h))) {
    resident.prefs.lang = lang() == Lang::Zh ? Lang::En : Lang::Zh;
  }
  ImGui::SameLine();
  if (button("hh.toggle.elder", t("toggle.elder"), ImVec2(w, h),
             elder() ? ButtonKind::Selected : ButtonKind::Normal)) {
    resident.prefs.elder = !resident.prefs.elder;
  }
  ImGui::SameLine();
  if (button("hh.toggle.contrast", t("toggle.contrast"), ImVec2(w, h),
             contrast() ? ButtonKind::Selected : ButtonKind::Normal)) {
    resident.prefs.high_contrast = !resident.prefs.high_contrast;
  }
}

void App::Impl::draw_handheld() {
  // What stays above the bar: the content scrolls, the actions stay in sight.
  const float below = handheld_bar_height() + action_bar_h;
  switch (handheld.screen) {
    case HandheldScreen::SignIn:
      draw_handheld_sign_in(below);
      break;
    case HandheldScreen::Cases:
      draw_handheld_cases(below);
      break;
    case HandheldScreen::Record:
      draw_handheld_record(below);
      break;
    case HandheldScreen::Detail:
      draw_handheld_detail(below);
      break;
    case HandheldScreen::Sync:
      draw_handheld_sync(below);
      break;
  }
  draw_action_bar();
  handheld_bar(handheld.screen != HandheldScreen::SignIn &&
               handheld.screen != HandheldScreen::Cases);
}

void App::Impl::draw_handheld_sign_in(float below) {
  StaffState& s = handheld.staff;
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  begin_scroll("##hh_sign_in", ImVec2(0, -below), false);
  ImGui::TextUnformatted(t("hh.sign_in_title"));
  const float w = ImGui::GetContentRegionAvail().x;
  if (button("hh.field.no", std::string(t("staff.no")) + ":  " + s.staff_no, ImVec2(w, h),
             s.field == 0 ? ButtonKind::Selected : ButtonKind::Normal)) {
    s.field = 0;
  }
  if (button("hh.field.pin", std::string(t("staff.pin")) + ":  " + std::string(s.pin.size(), '*'),
             ImVec2(w, h), s.field == 1 ? ButtonKind::Selected : ButtonKind::Normal)) {
    s.field = 1;
  }
  if (s.field == 0) {
    keypad("hh.pad", s.staff_no, kHandheldNoKeys, 12, 3, (w - 2 * gap) / 3);
  } else {
    keypad("hh.pad", s.pin, kHandheldPinKeys, 12, 3, (w - 2 * gap) / 3);
  }
  end_scroll();
  action_error = handheld.error;
  const bool ready = !s.staff_no.empty() && s.pin.size() >= 6;
  action(
      "hh.sign_in", t("staff.sign_in"),
      [this] { (void)handheld_sign_in(station, handheld, lang()); }, ButtonKind::Primary, ready);
}

void App::Impl::draw_handheld_cases(float below) {
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  const station::Session& session = *handheld.staff.session;
  ImGui::TextUnformatted((session.name + "  " + session.staff_no).c_str());
  // The worker's grids, one tap each (most have one).
  grid(static_cast<int>(session.grids.size()), 2, 240, h, [&](int i, ImVec2 size) {
    const std::string& code = session.grids[static_cast<std::size_t>(i)];
    const core::Grid* g = cat.grid_by_code(code);
    if (button("hh.grid." + code, g ? words(g->name, lang()) : code, size,
               handheld.grid == code ? ButtonKind::Selected : ButtonKind::Normal)) {
      handheld.grid = code;
      (void)handheld_load(station, handheld, lang());
    }
  });
  if (!handheld.message.empty()) ImGui::TextWrapped("%s", handheld.message.c_str());
  begin_scroll("##hh_cases", ImVec2(0, -below));
  if (handheld.cases.empty()) ImGui::TextUnformatted(t("hh.cases_none"));
  for (const auto& v : handheld.cases) {
    const core::WhistleSource* src = cat.source_by_id(v.state.source);
    std::string label =
        v.tracking_code + "  " + t("stage." + std::string(core::to_string(v.state.stage)));
    if (!v.overdue.empty()) label += std::string("  ") + t("hh.overdue");
    std::string second = src ? words(src->name, lang()) : v.state.source;
    const std::string where = handheld_where(cat, v.state.where, lang());
    if (!where.empty()) second += "  " + where;
    // Two lines at most: the second is cut to the row's width (the detail shows it whole).
    label += "\n" + fitted_line(second, ImGui::GetContentRegionAvail().x -
                                            2 * ImGui::GetStyle().FramePadding.x - 2);
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.f, 0.5f));
    const bool tapped = button("hh.case." + v.tracking_code, label, ImVec2(-1, h * 1.6f));
    ImGui::PopStyleVar();
    if (tapped) (void)handheld_open(station, handheld, v.state.case_id, lang());
  }
  end_scroll();
  action_error = handheld.error;
  action(
      "hh.sign_out", t("hh.sign_out"), [this] { handheld_sign_out(station, handheld); },
      ButtonKind::Normal);
  action(
      "hh.sync", t("hh.sync"),
      [this] {
        handheld.error.clear();
        handheld.message.clear();
        handheld.screen = HandheldScreen::Sync;
      },
      ButtonKind::Normal);
  action("hh.record", t("hh.record"), [this] {
    handheld.error.clear();
    handheld.message.clear();
    handheld.screen = HandheldScreen::Record;
  });
}

void App::Impl::draw_handheld_record(float below) {
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  HandheldRecord& r = handheld.record;
  begin_scroll("##hh_record", ImVec2(0, -below));
  ImGui::TextUnformatted(t("hh.record_title"));
  ImGui::TextUnformatted(t("hh.category"));
  grid(static_cast<int>(cat.whistle_sources.size()), 2, 300, h, [&](int i, ImVec2 size) {
    const core::WhistleSource& s = cat.whistle_sources[static_cast<std::size_t>(i)];
    const bool on = r.source == s.id;
    if (button("hh.source." + s.id, words(s.name, lang()), size,
               on ? ButtonKind::Selected : ButtonKind::Normal)) {
      r.source = on ? std::string() : s.id;
    }
  });
  ImGui::TextUnformatted(t("hh.place"));
  const auto places = handheld_places(cat, handheld);
  grid(static_cast<int>(places.size()), 2, 300, h, [&](int i, ImVec2 size) {
    const core::Place& p = *places[static_cast<std::size_t>(i)];
    const bool on = r.place == p.id;
    if (button("hh.place." + p.id, words(p.name, lang()), size,
               on ? ButtonKind::Selected : ButtonKind::Normal)) {
      r.place = on ? std::string() : p.id;
    }
  });
  text_field("hh.address", r.address, 200, t("hh.address_hint"), h);
  text_field("hh.description", r.description, 500, t("hh.description_hint"), h * 1.5f);
  text_field("hh.phone", r.phone, 11, t("hh.phone_hint"), h);
  if (!r.phone.empty()) checkbox("hh.consent", t("hh.consent"), r.consent);
  end_scroll();
  action_error = handheld.error;
  action(
      "hh.save", t("hh.save"), [this] { (void)handheld_record(station, handheld, lang()); },
      ButtonKind::Primary, !r.source.empty() && !r.description.empty());
}

void App::Impl::draw_handheld_detail(float below) {
  const core::Catalog& cat = station.catalog();
  const float h = target_height();
  if (!handheld.open) {
    handheld.screen = HandheldScreen::Cases;
    return;
  }
  const station::CaseView& v = *handheld.open;
  begin_scroll("##hh_detail", ImVec2(0, -below));
  const core::WhistleSource* src = cat.source_by_id(v.state.source);
  ImGui::TextUnformatted(
      (v.tracking_code + "  " + (src ? words(src->name, lang()) : v.state.source)).c_str());
  ImGui::TextUnformatted(
      tf("hh.stage", {t("stage." + std::string(core::to_string(v.state.stage)))}).c_str());
  const std::string where = handheld_where(cat, v.state.where, lang());
  if (!where.empty()) ImGui::TextWrapped("%s", tf("hh.where", {where}).c_str());
  ImGui::TextWrapped("%s", v.state.description.c_str());
  if (!v.phone_masked.empty()) ImGui::TextUnformatted(v.phone_masked.c_str());
  if (!v.state.visits.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted(t("hh.visits"));
    for (const auto& x : v.state.visits) {
      ImGui::TextWrapped("%s  %s  %s", core::local_date_time(x.hlc.wall_ms).c_str(),
                         x.actor.c_str(), x.text.c_str());
    }
  }
  if (!v.state.notes.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted(t("hh.notes"));
    for (const auto& x : v.state.notes) {
      ImGui::TextWrapped("%s  %s  %s", core::local_date_time(x.hlc.wall_ms).c_str(),
                         x.actor.c_str(), x.text.c_str());
    }
  }
  ImGui::Separator();
  if (!handheld.message.empty()) ImGui::TextWrapped("%s", handheld.message.c_str());
  text_field("hh.follow_up", handheld.follow_up, 500, t("hh.follow_hint"), h * 1.5f);
  end_scroll();
  action_error = handheld.error;
  const bool ready = !handheld.follow_up.empty();
  action(
      "hh.note", t("hh.add_note"),
      [this] { (void)handheld_follow_up(station, handheld, false, lang()); }, ButtonKind::Normal,
      ready);
  action(
      "hh.visit", t("hh.visit_done"),
      [this] { (void)handheld_follow_up(station, handheld, true, lang()); }, ButtonKind::Primary,
      ready);
}

void App::Impl::draw_handheld_sync(float below) {
  (void)refresh_status(false);
  begin_scroll("##hh_sync", ImVec2(0, -below), false);
  ImGui::TextUnformatted(t("hh.sync_title"));
  ImGui::TextWrapped("%s",
                     tf("sync.server", {status.server.empty() ? "—" : status.server}).c_str());
  ImGui::TextUnformatted(tf("sync.pending", {std::to_string(status.pending)}).c_str());
  ImGui::TextWrapped(
      "%s", tf("sync.last",
               {status.last_ok_ms ? core::local_date_time(*status.last_ok_ms) : t("status.never")})
                .c_str());
  if (!status.last_error.empty()) error_line(tf("sync.error", {status.last_error}));
  if (!sync) ImGui::TextWrapped("%s", t("sync.no_service"));
  if (handheld.sync_requested) ImGui::TextWrapped("%s", t("sync.requested"));
  end_scroll();
  action(
      "hh.sync_now", t("hh.sync_now"),
      [this] {
        if (!sync) return;
        sync->sync_now();
        handheld.sync_requested = true;
        status_read_ms = -1;
      },
      ButtonKind::Primary, sync != nullptr);
}

}  // namespace weimin::kiosk
