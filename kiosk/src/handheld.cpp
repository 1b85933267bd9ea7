// The handheld's decisions (handheld.hpp) and its string table (string_tables.hpp).
#include "weimin/kiosk/handheld.hpp"

#include <algorithm>

#include "string_tables.hpp"
#include "weimin/core/validation.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& handheld_strings() {
  static const std::vector<StringEntry> table = {
      {"hh.title", "网格巡查", "Grid rounds"},
      {"hh.sign_in_title", "网格员登录", "Grid worker sign-in"},
      {"hh.not_grid_worker",
       "您在名册上没有网格，掌上巡查只供网格员使用；请找站长在名册上登记您的网格。",
       "You have no grid on the roster; the handheld is for grid workers. Ask the director to "
       "add your grid to the roster."},
      {"hh.grid", "网格：{}", "Grid: {}"},
      {"hh.cases_none", "本网格暂无案件。", "No cases in this grid yet."},
      {"hh.record", "记录新问题", "Record a problem"},
      {"hh.sync", "同步", "Sync"},
      {"hh.sign_out", "退出", "Sign out"},
      {"hh.back", "返回", "Back"},
      {"hh.record_title", "巡查发现的问题", "A problem found on the round"},
      {"hh.category", "问题类别", "Category"},
      {"hh.place", "地点（本网格）", "Place (this grid)"},
      {"hh.address_hint", "楼栋、单元、门牌（可不填）", "Building, entrance, door (optional)"},
      {"hh.description_hint", "问题描述（必填）", "What is wrong (required)"},
      {"hh.phone_hint", "居民手机号（可不填）", "Resident's mobile (optional)"},
      {"hh.consent", "居民同意隐私告知", "The resident agreed to the privacy notice"},
      {"hh.save", "保存", "Save"},
      {"hh.need_category", "请先选择问题类别。", "Choose a category first."},
      {"hh.need_description", "请写下问题描述。", "Describe the problem."},
      {"hh.bad_phone", "手机号应为11位数字，以1开头。",
       "A mobile number is 11 digits starting with 1."},
      {"hh.need_consent", "留手机号需居民同意隐私告知。",
       "A phone number is kept only with the resident's consent."},
      {"hh.recorded", "已记录，查询码 {}", "Recorded; tracking code {}"},
      {"hh.where", "地点：{}", "Where: {}"},
      {"hh.stage", "进度：{}", "Stage: {}"},
      {"hh.visits", "走访记录", "Visits"},
      {"hh.notes", "备注", "Notes"},
      {"hh.follow_hint", "走访情况或备注", "What you found, or a note"},
      {"hh.visit_done", "走访完成", "Visit done"},
      {"hh.add_note", "添加备注", "Add note"},
      {"hh.need_text", "请先写下走访情况或备注。", "Write what you found or a note first."},
      {"hh.visit_saved", "已记录走访。", "Visit recorded."},
      {"hh.note_saved", "已添加备注。", "Note added."},
      {"hh.sync_title", "与区平台同步", "Sync with the district"},
      {"hh.sync_now", "立即同步", "Sync now"},
      {"hh.overdue", "超期", "overdue"},
  };
  return table;
}

namespace {

std::string words(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

void set_error(HandheldState& h, const Status& st, KioskAction action, Lang lang) {
  h.error = staff_error_sentence(st, action, lang);
}

}  // namespace

Status handheld_sign_in(station::Station& station, HandheldState& h, Lang lang) {
  h.error.clear();
  h.message.clear();
  Status st = staff_sign_in(station, h.staff, lang);
  if (!st.is_ok()) {
    h.error = h.staff.error;
    return st;
  }
  if (h.staff.session->grids.empty()) {
    staff_sign_out(station, h.staff);
    h.error = tr(lang, "hh.not_grid_worker");
    return Status(ErrorCode::PermissionDenied, h.error);
  }
  h.grid = h.staff.session->grids.front();
  h.screen = HandheldScreen::Cases;
  return handheld_load(station, h, lang);
}

void handheld_sign_out(station::Station& station, HandheldState& h) {
  staff_sign_out(station, h.staff);
  h = HandheldState{};
}

Status handheld_load(station::Station& station, HandheldState& h, Lang lang) {
  station::Cases cases(station);
  auto listed = cases.list(station::CaseFilter{std::nullopt, false, h.grid});
  if (!listed.is_ok()) {
    set_error(h, listed.status(), KioskAction::CaseDesk, lang);
    return listed.status();
  }
  h.cases = std::move(listed).value();
  if (h.open) {
    auto again = cases.view(h.open->state.case_id);
    if (again.is_ok()) h.open = std::move(again).value();
  }
  return Status::ok();
}

std::vector<const core::Place*> handheld_places(const core::Catalog& catalog,
                                                const HandheldState& h) {
  std::vector<const core::Place*> out;
  for (const core::Place& p : catalog.places) {
    if (!h.grid.empty() && p.grid == h.grid) out.push_back(&p);
  }
  return out;
}

Status handheld_record(station::Station& station, HandheldState& h, Lang lang) {
  h.error.clear();
  h.message.clear();
  auto refuse = [&](const char* key) {
    h.error = tr(lang, key);
    return Status(ErrorCode::Invalid, h.error);
  };
  if (!h.staff.session) return refuse("hh.not_grid_worker");
  const HandheldRecord& r = h.record;
  if (r.source.empty()) return refuse("hh.need_category");
  if (r.description.empty()) return refuse("hh.need_description");
  if (!r.phone.empty()) {
    if (!core::parse_mobile_number(r.phone).is_ok()) return refuse("hh.bad_phone");
    if (!r.consent) return refuse("hh.need_consent");
  }
  station::NewCase request;
  request.source = r.source;
  request.channel = core::CaseChannel::GridRound;
  request.description = r.description;
  if (!r.phone.empty()) request.phone = r.phone;
  request.consent = r.consent;
  request.where = core::CaseWhere{r.place.empty() ? h.grid : "", r.place, r.address, std::nullopt};
  station::Cases cases(station);
  auto made = cases.record(*h.staff.session, request);
  if (!made.is_ok()) {
    set_error(h, made.status(), KioskAction::WalkIn, lang);
    return made.status();
  }
  h.record = HandheldRecord{};
  h.message = trf(lang, "hh.recorded", {made->tracking_code});
  h.screen = HandheldScreen::Cases;
  return handheld_load(station, h, lang);
}

Status handheld_open(station::Station& station, HandheldState& h, const core::Uuid& id, Lang lang) {
  h.error.clear();
  h.message.clear();
  station::Cases cases(station);
  auto v = cases.view(id);
  if (!v.is_ok()) {
    set_error(h, v.status(), KioskAction::CaseDesk, lang);
    return v.status();
  }
  h.open = std::move(v).value();
  h.follow_up.clear();
  h.screen = HandheldScreen::Detail;
  return Status::ok();
}

Status handheld_follow_up(station::Station& station, HandheldState& h, bool visit, Lang lang) {
  h.error.clear();
  h.message.clear();
  if (!h.staff.session || !h.open) return Status(ErrorCode::Invalid, "no case is open");
  if (h.follow_up.empty()) {
    h.error = tr(lang, "hh.need_text");
    return Status(ErrorCode::Invalid, h.error);
  }
  station::Cases cases(station);
  const core::Uuid id = h.open->state.case_id;
  auto done = visit ? cases.visit(*h.staff.session, id, h.follow_up)
                    : cases.note(*h.staff.session, id, h.follow_up);
  if (!done.is_ok()) {
    set_error(h, done.status(), KioskAction::CaseDesk, lang);
    return done.status();
  }
  h.follow_up.clear();
  h.message = tr(lang, visit ? "hh.visit_saved" : "hh.note_saved");
  return handheld_load(station, h, lang);
}

// The where of a case in the screen's language: place, address, grid.
std::string handheld_where(const core::Catalog& catalog, const core::CaseWhere& w, Lang lang) {
  std::string out;
  if (const core::Place* p = catalog.place_by_id(w.place)) out = words(p->name, lang);
  if (!w.address.empty()) out += (out.empty() ? "" : "  ") + w.address;
  if (out.empty()) {
    if (const core::Grid* g = catalog.grid_by_code(w.grid)) out = words(g->name, lang);
  }
  return out;
}

}  // namespace weimin::kiosk
