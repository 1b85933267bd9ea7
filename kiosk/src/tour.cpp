// The tour: every screen, in every theme and both languages, to PNG, over a demo station.
#include <unistd.h>

#include <cstdlib>
#include <functional>

#include "impl.hpp"
#include "weimin/core/validation.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/access_register.hpp"
#include "weimin/station/cases.hpp"
#include "weimin/station/consultation.hpp"
#include "weimin/station/staff_desk.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::kiosk {

namespace {

// 2026-11-25 (a Wednesday) 09:30 in China: the legal clinic is on.
constexpr std::int64_t kTourMs = 1795570200000;
constexpr const char* kTourGrid = "530102001001001";  // 翠湖社区第一网格

// Governance records for the tour's screens (once per station): a resident's topic with a
// meeting and a decision carried out, a staff topic, three applications (one refused, one
// approved into the catalogue of approved items, one pending) and a hardship certificate.
void seed_govern_for_tour(station::Station& st, const station::Session& by) {
  station::Consultations c(st);
  auto state = c.state();
  if (!state.is_ok() || !state->topics.empty()) return;
  auto topic = c.raise(std::nullopt, "小区夜间停车难", "晚上回来没有车位，消防通道被占");
  if (!topic.is_ok()) return;
  auto meeting = c.record_meeting(
      by, topic->id, {"", 23, "居民、物业、业委会协商：划定夜间临时车位", "物业、业委会"});
  if (meeting.is_ok()) {
    auto d = c.decide(by, topic->id, "划定夜间临时车位", meeting->id);
    if (d.is_ok()) (void)c.carried_out(by, topic->id, d->id, "", "已划线");
    (void)c.decide(by, topic->id, "物业增加夜间巡查", meeting->id);
  }
  (void)c.raise(by, "加装电梯意见征集", "");
  station::AccessRegister r(st);
  auto refused =
      r.apply(by, {"urban_management", "要求社区负责辖区占道经营执法", "五城管〔2026〕12号"});
  if (refused.is_ok()) (void)r.decide(by, refused->id, {false, "", "", "属执法事项，不得转嫁社区"});
  auto approved = r.apply(by, {"health", "协助开展爱国卫生运动入户宣传", "五卫通〔2026〕7号"});
  if (approved.is_ok()) (void)r.decide(by, approved->id, {true, "", "", "经费随事转"});
  (void)r.apply(by, {"police", "协助开展反诈宣传入户", "五公通〔2026〕3号"});
  (void)r.issue_certificate(by,
                            {"economic_hardship", "张三", "11010519491231002X", "失业，家庭困难"});
}
// A temporary folder removed with its contents.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "weimin-tour-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// A morning's work so the screens have something to show.
Status seed(station::Station& st, platform::ManualClock& clock) {
  station::StaffDesk desk(st);
  WEIMIN_ASSIGN_OR_RETURN(auto director, desk.sign_in("D001", "583920"));
  WEIMIN_TRY(desk.put_staff(director, {"S002", "王芳", core::Role::Staff, true}, "649271"));
  station::Queue queue(st);
  const auto& windows = st.catalog().windows_for(st.community());
  for (int i = 0; i < 7; ++i) {
    station::TicketRequest r;
    r.line = windows.front().lines[static_cast<std::size_t>(i) % windows.front().lines.size()];
    if (i == 3) {
      r.priority = core::Priority::Elderly;
      r.reason = "70岁以上老人";
    }
    WEIMIN_TRY(queue.take(r).status());
    clock.advance(60'000);
  }
  WEIMIN_TRY(queue.call_next(director, windows.front().number).status());
  station::Cases cases(st);
  station::NewCase c;
  c.source = st.catalog().whistle_sources.front().id;
  c.description = "路灯不亮；存在安全隐患";
  c.phone = "13912345678";
  c.consent = true;
  // Where it is, with a position, so the case desk shows the place.
  c.where =
      core::CaseWhere{kTourGrid, "", "青云街12号路灯", core::GeoPoint{25'046'512, 102'702'139}};
  WEIMIN_ASSIGN_OR_RETURN(auto made, cases.record(std::nullopt, c));
  // Whistled to three departments: one reports in with the day it expects to be done and gives
  // feedback, one returns the whistle (退单), one has yet to report in (its deadline shows) —
  // what the case desk and the resident's progress screen show of the district's work.
  const std::string first = st.catalog().departments.front().id;
  const std::string second = st.catalog().departments.at(1).id;
  const std::string third = st.catalog().departments.at(2).id;
  WEIMIN_TRY(cases
                 .whistle(director, made.case_id, core::WhistleLevel::Community,
                          core::WhistleKind::Routine, {first, second, third}, "")
                 .status());
  clock.advance(20 * 60'000);
  WEIMIN_TRY(cases
                 .record_report(director, made.case_id, first, "已派维修班组，明日到场",
                                kTourMs + 3 * 24 * 3'600'000LL)
                 .status());
  clock.advance(20 * 60'000);
  WEIMIN_TRY(
      cases.record_return(director, made.case_id, second, "路灯归城管，不属本部门职责").status());
  clock.advance(20 * 60'000);
  WEIMIN_TRY(cases.record_feedback(director, made.case_id, first, "已更换灯泡，恢复照明").status());
  clock.advance(20 * 60'000);
  WEIMIN_TRY(cases.visit(director, made.case_id, "已到现场查看，灯已亮").status());
  c.description = "楼道堆放杂物";
  c.where = core::CaseWhere{};
  c.phone.reset();
  c.consent = false;
  WEIMIN_TRY(cases.record(std::nullopt, c).status());
  return Status::ok();
}

// A grid worker (G010, grid 1 of 翠湖) and what they found on this morning's round: a case at
// a building of their grid with a visit done, another at a street of it.
Status seed_round(station::Station& st, platform::ManualClock& clock) {
  station::StaffDesk desk(st);
  WEIMIN_ASSIGN_OR_RETURN(auto director, desk.sign_in("D001", "583920"));
  WEIMIN_TRY(desk.put_staff(director, {"G010", "赵网格", core::Role::GridWorker, true, {kTourGrid}},
                            "720461"));
  WEIMIN_ASSIGN_OR_RETURN(auto worker, desk.sign_in("G010", "720461"));
  station::Cases cases(st);
  station::NewCase c;
  c.source = st.catalog().whistle_sources.front().id;
  c.channel = core::CaseChannel::GridRound;
  c.description = "2单元楼道堆放纸箱，堵塞消防通道";
  c.where = core::CaseWhere{"", "cuihu.bldg2", "2单元", std::nullopt};
  WEIMIN_ASSIGN_OR_RETURN(auto first, cases.record(worker, c));
  clock.advance(10 * 60'000);
  WEIMIN_TRY(cases.visit(worker, first.case_id, "已上门提醒住户，约定明日清理").status());
  c.description = "青云街人行道井盖松动";
  c.where = core::CaseWhere{"", "cuihu.qingyun", "", std::nullopt};
  WEIMIN_TRY(cases.record(worker, c).status());
  return Status::ok();
}

// The handheld's screens, in every theme and both languages, at the two portrait sizes; files
// "handheld-<W>x<H>-<theme>-<lang>-<screen>.png".
template <class Picture, class Themes, class Langs>
Status tour_handheld(station::Station& st, platform::ManualClock& clock, AppOptions options,
                     const Themes& themes, const Langs& langs, Picture&& picture) {
  WEIMIN_TRY(seed_round(st, clock));
  for (const auto& [width, height] : {std::pair{720, 1280}, std::pair{1080, 1920}}) {
    options.width = width;
    options.height = height;
    options.mode = Mode::Kiosk;
    options.handheld = true;
    WEIMIN_ASSIGN_OR_RETURN(auto app, App::create(st, clock, {}, nullptr, options));
    const std::string prefix =
        "handheld-" + std::to_string(width) + "x" + std::to_string(height) + "-";
    for (const auto& theme : themes) {
      for (const auto& [lang_name, lang] : langs) {
        const std::string stem = prefix + theme.name + "-" + lang_name + "-";
        HandheldState& h = app->handheld();
        auto shot = [&, lang = lang](const std::string& name) {  // (clang 14: no binding captured)
          app->resident().prefs = Prefs{lang, theme.elder, theme.contrast, false};
          app->touch();
          app->frame(true);
          app->frame(true);
          picture(*app, stem + name);
        };
        h = HandheldState{};
        h.staff.staff_no = "G010";
        shot("sign_in");
        h.staff.pin = "720461";
        WEIMIN_TRY(handheld_sign_in(st, h, lang));
        h.message.clear();
        shot("cases");
        h.screen = HandheldScreen::Record;
        h.record.source = st.catalog().whistle_sources.front().id;
        h.record.place = "cuihu.bldg1";
        h.record.description = "路灯不亮";
        h.record.phone = "13912345678";
        h.record.consent = true;
        shot("record");
        // The description being typed on the on-screen keyboard, "ludeng" composed in pinyin
        // (letters in English), over what the worker chose so far.
        h.record.description.clear();
        app->frame(true);  // lays the screen out in this theme so the field can be tapped
        if (!app->tap("hh.description")) {
          return Status(ErrorCode::Internal, "the tour could not tap the handheld's description");
        }
        for (char k : std::string("ludeng")) (void)app->tap(std::string("kb.key.") + k);
        shot("record_keyboard");
        (void)app->tap("kb.cancel");
        h.record = HandheldRecord{};
        WEIMIN_TRY(handheld_open(st, h, h.cases.back().state.case_id, lang));
        h.follow_up = "已拍照，联系物业";
        shot("detail");
        h.screen = HandheldScreen::Sync;
        shot("sync");
        handheld_sign_out(st, h);
      }
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<std::filesystem::path>> run_tour(const std::filesystem::path& out_dir,
                                                    const std::string& catalog_json,
                                                    AppOptions options, TourOptions tour) {
  std::error_code ec;
  if (tour.write_png) std::filesystem::create_directories(out_dir, ec);
  if (ec)
    return Status(ErrorCode::Unavailable, "cannot make " + out_dir.string() + ": " + ec.message());
  if (tour.sizes.empty()) tour.sizes.emplace_back(options.width, options.height);
  ScratchDir scratch;
  if (scratch.path.empty())
    return Status(ErrorCode::Unavailable, "cannot make a temporary folder for the tour's station");
  platform::ManualClock clock(kTourMs);
  platform::FileKeyStore keys(scratch.path / "station.kek", scratch.path / "data");
  std::filesystem::create_directories(scratch.path / "data");
  WEIMIN_ASSIGN_OR_RETURN(auto st, station::Station::init(scratch.path / "data", keys, clock,
                                                          {"530102001001", catalog_json, "catalog",
                                                           "D001", "李主任", "583920"}));
  WEIMIN_TRY(seed(*st, clock));
  std::vector<std::filesystem::path> written;
  options.hidden = true;

  struct Theme {
    const char* name;
    bool elder;
    bool contrast;
  };
  const Theme themes[] = {
      {"standard", false, false}, {"elder", true, false}, {"contrast", false, true}};
  const std::pair<const char*, Lang> langs[] = {{"zh", Lang::Zh}, {"en", Lang::En}};

  const auto first_size = tour.sizes.front();
  for (const auto& [width, height] : tour.sizes) {
    options.width = width;
    options.height = height;
    const std::string prefix = std::make_pair(width, height) == first_size
                                   ? std::string()
                                   : std::to_string(width) + "x" + std::to_string(height) + "-";
    // Writes the frame (or only lays it out) and lets the hook look at it.
    auto picture = [&](App& app, const std::string& stem) {
      const auto file = out_dir / (prefix + stem + ".png");
      app.frame(true, tour.write_png ? &file : nullptr);
      if (tour.on_screen) tour.on_screen(prefix + stem, app);
      written.push_back(file);
    };
    {
      options.mode = Mode::Kiosk;
      WEIMIN_ASSIGN_OR_RETURN(auto app, App::create(*st, clock, {}, nullptr, options));
      const core::Catalog& cat = st->catalog();
      // The station's clock as measured against the district's (nullopt: never measured).
      auto set_clock_offset = [&](std::optional<std::int64_t> offset) {
        (void)st->transact([&]() -> Status {
          if (offset) return station::save_clock_offset(st->db(), {*offset, clock.now_ms()});
          WEIMIN_TRY(storage::Meta::set(st->db(), station::kMetaClockOffset, ""));
          return Status::ok();
        });
      };
      // Facts the district left out of this station's pages (Meta sync.left_out; "" none).
      auto set_left_out = [&](const std::string& count) {
        (void)st->transact(
            [&]() { return storage::Meta::set(st->db(), station::kMetaLeftOut, count); });
      };
      // A whistle source that has phrases in the catalog, and its first n phrases.
      auto source_with_phrases = [&]() -> std::string {
        for (const auto& src : cat.whistle_sources) {
          if (!cat.phrases_for(src.id).empty()) return src.id;
        }
        return cat.whistle_sources.front().id;
      };
      auto first_phrases = [&](std::size_t n) {
        std::vector<std::string> ids;
        for (const auto* p : cat.phrases_for(source_with_phrases())) {
          if (ids.size() < n) ids.push_back(p->id);
        }
        return ids;
      };
      using Setup = std::function<void(App&)>;
      const std::vector<std::pair<std::string, Setup>> screens = {
          {"home", [](App& a) { a.show(Screen::Home); }},
          {"take_line",
           [](App& a) {
             a.show(Screen::TakeNumber);
             a.resident().take.line = 1;
           }},
          {"take_service",
           [](App& a) {
             a.show(Screen::TakeNumber);
             a.resident().take.by_service = true;
             a.resident().take.priority = core::Priority::Elderly;
           }},
          {"ticket",
           [&](App& a) {
             a.resident().take.line = 1;
             a.resident().take.priority = core::Priority::Elderly;
             (void)take_number(*st, a.resident().take);
             a.show(Screen::TicketShown);
           }},
          {"ticket_printer_failed",
           [&](App& a) {
             a.resident().take.line = 1;
             (void)take_number(*st, a.resident().take);
             a.resident().take.printer_failed = true;
             a.show(Screen::TicketShown);
           }},
          {"guide_lines", [](App& a) { a.show(Screen::Guide); }},
          {"guide_items",
           [](App& a) {
             a.show(Screen::Guide);
             a.resident().guide.line = 4;
           }},
          {"guide_item",
           [&](App& a) {
             a.show(Screen::Guide);
             const auto& item = cat.service_items.front();
             a.resident().guide.line = item.line;
             a.resident().guide.item = item.id;
           }},
          {"report_source", [](App& a) { a.show(Screen::Report); }},
          {"report_where",
           [&](App& a) {
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 1;
             r.source = source_with_phrases();
             const auto places = cat.places_for(st->community());
             if (!places.empty()) r.place = places.front()->id;
             r.place_text = "3栋2单元门口";
           }},
          {"report_describe",
           [&](App& a) {
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 2;
             r.source = source_with_phrases();
             r.phrases = first_phrases(2);
           }},
          {"report_phone",
           [&](App& a) {
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 3;
             r.source = source_with_phrases();
             r.phrases = first_phrases(1);
             r.phone = "13912345678";
             r.consent = true;
           }},
          {"report_summary",
           [&](App& a) {
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 4;
             r.source = source_with_phrases();
             const auto places = cat.places_for(st->community());
             if (!places.empty()) r.place = places.front()->id;
             r.place_text = "3栋2单元门口";
             r.phrases = first_phrases(2);
             r.detail = "灯杆也歪了";
           }},
          {"report_done",
           [&](App& a) {
             auto& r = a.resident().report;
             r.source = source_with_phrases();
             r.phrases = first_phrases(1);
             r.phone = "13912345678";
             r.consent = true;
             (void)submit_report(*st, r, a.resident().prefs.lang);
             a.show(Screen::ReportDone);
           }},
          {"report_done_no_phone",
           [&](App& a) {
             auto& r = a.resident().report;
             r.source = source_with_phrases();
             r.phrases = first_phrases(1);
             (void)submit_report(*st, r, a.resident().prefs.lang);
             a.show(Screen::ReportDone);
           }},
          {"keyboard_pinyin",
           [&](App& a) {
             // The on-screen keyboard on the report's detail, "ludeng" composed in pinyin.
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 2;
             r.source = source_with_phrases();
             a.frame(true);
             (void)a.tap("report.detail");
             for (char k : std::string("ludeng")) (void)a.tap(std::string("kb.key.") + k);
           }},
          {"keyboard_letters",
           [&](App& a) {
             a.show(Screen::Report);
             auto& r = a.resident().report;
             r.step = 1;
             r.source = source_with_phrases();
             a.frame(true);
             (void)a.tap("report.place_text");
             (void)a.tap("kb.mode.letters");
             for (char k : std::string("room")) (void)a.tap(std::string("kb.key.") + k);
           }},
          {"progress_form",
           [](App& a) {
             a.show(Screen::Progress);
             a.resident().progress.code = "7K3";
           }},
          {"progress_result",
           [&](App& a) {
             a.show(Screen::Progress);
             station::Cases cases(*st);
             auto listed = cases.list(std::nullopt, false);
             if (listed.is_ok()) {
               for (const auto& v : listed.value()) {
                 if (v.phone_masked.empty()) continue;
                 a.resident().progress.code = v.tracking_code;
                 a.resident().progress.last4 = "5678";
                 (void)check_progress(*st, a.resident().progress, a.resident().prefs.lang);
               }
             }
           }},
          {"rate",
           [](App& a) {
             a.show(Screen::Rate);
             a.resident().rate.reference = "A001";
           }},
          {"book_slots", [](App& a) { a.show(Screen::Book); }},
          {"book_phone",
           [&](App& a) {
             a.show(Screen::Book);
             station::Appointments ap(*st);
             auto slots = ap.slots();
             if (slots.is_ok() && !slots->empty()) a.resident().book.slot = slots->front().slot.id;
             a.resident().book.phone = "1391234";
           }},
          {"idle_countdown",
           [&](App& a) {
             a.show(Screen::Report);
             a.resident().report.step = 3;
             a.resident().report.phone = "13912";
             a.touch();
             clock.advance(static_cast<std::int64_t>(options.idle_timeout_s) * 1000 *
                               (a.resident().prefs.elder ? 2 : 1) +
                           7'000);
           }},
          {"staff_sign_in",
           [](App& a) {
             a.show(Screen::StaffSignIn);
             a.staff().staff_no = "S002";
             a.staff().pin = "6492";
             a.staff().field = 1;
           }},
          {"staff_console",
           [&](App& a) {
             a.staff().staff_no = "D001";
             a.staff().pin = "583920";
             (void)staff_sign_in(*st, a.staff());
             a.show(Screen::StaffConsole);
           }},
          {"staff_console_paused",
           [&](App& a) {
             (void)console_act(*st, a.staff(), ConsoleAction::Pause, a.resident().prefs.lang);
             a.staff().message.clear();
             a.staff().call_label = "A00";
             a.show(Screen::StaffConsole);
           }},
          {"staff_cases",
           [&](App& a) {
             (void)console_act(*st, a.staff(), ConsoleAction::Resume, a.resident().prefs.lang);
             a.staff().call_label.clear();
             a.show(Screen::CaseDesk);
             station::Cases cases(*st);
             auto listed = cases.list(std::nullopt, false);
             if (listed.is_ok() && !listed->empty())
               a.staff().cases.selected = listed->back().state.case_id;
           }},
          {"staff_walk_in",
           [&](App& a) {
             // The walk-in form just after a card read: the number masked, the reader's name.
             a.show(Screen::CaseDesk);
             auto& desk = a.staff().cases;
             desk.selected.reset();
             desk.recording = true;
             desk.source = cat.whistle_sources.front().id;
             desk.description = tr(Lang::Zh, "cases.resolved_text");
             desk.grid = kTourGrid;
             desk.address = "青云街12号";
             desk.id_number =
                 "53010219900101123" +
                 std::string(1, *core::compute_identity_check_digit("53010219900101123"));
             desk.card_name = "张三";
             desk.consent = true;
           }},
          {"staff_figures",
           [](App& a) {
             a.staff().cases = CaseDeskState{};
             a.staff().figures = FiguresView::Today;
             a.show(Screen::Figures);
           }},
          {"staff_figures_month",
           [](App& a) {
             a.staff().figures = FiguresView::Month;
             a.show(Screen::Figures);
           }},
          {"staff_figures_sheet",
           [](App& a) {
             a.staff().figures = FiguresView::StaffSheet;
             a.show(Screen::Figures);
           }},
          {"staff_sync", [](App& a) { a.show(Screen::SyncPanel); }},
          {"staff_access",
           [&](App& a) {
             // A task the leading group approved (seed_govern_for_tour): the check says when.
             seed_govern_for_tour(*st, *a.staff().session);
             a.show(Screen::WorkAccess);
             a.staff().access_task = "请社区协助开展爱国卫生运动入户宣传";
             auto d = station::AccessRegister(*st).check(a.staff().access_task);
             if (d.is_ok()) a.staff().access = d.value();
           }},
          {"staff_more", [](App& a) { a.show(Screen::StaffMore); }},
          {"staff_govern_consult",
           [&](App& a) {
             seed_govern_for_tour(*st, *a.staff().session);
             auto& g = a.staff().govern;
             g = GovernState{};
             auto topics = station::Consultations(*st).state();
             if (topics.is_ok() && !topics->topics.empty()) g.topic = topics->topics.begin()->first;
             a.show(Screen::Govern);
           }},
          {"staff_govern_access",
           [&](App& a) {
             a.staff().govern = GovernState{};
             a.staff().govern.view = GovernView::Access;
             a.staff().govern.task = "要求社区负责辖区占道经营执法";
             a.show(Screen::Govern);
           }},
          {"staff_govern_certificates",
           [&](App& a) {
             a.staff().govern = GovernState{};
             a.staff().govern.view = GovernView::Certificate;
             a.staff().govern.id_number = "5301021990";
             a.show(Screen::Govern);
           }},
          {"staff_govern_cert_refused",
           [&](App& a) {
             // A resident asks for a proof of residence: refused, with where to go instead.
             a.staff().govern = GovernState{};
             a.staff().govern.view = GovernView::Certificate;
             a.staff().govern.certificate = "residence";
             a.staff().govern.other_certificates = true;
             a.show(Screen::Govern);
           }},
          {"consult_raise",
           [](App& a) {
             a.show(Screen::ConsultRaise);
             a.resident().consult.title = "小区夜间停车难";
           }},
          {"wishes_board",
           [&](App& a) {
             station::Wishes wishes(*st);
             if (wishes.all().value_or(std::vector<core::Wish>{}).empty()) {
               (void)wishes.post(
                   std::nullopt,
                   {core::HelpKind::Elderly, "想请人周六陪我去医院复查，腿脚不方便", {}, false});
               (void)wishes.post(std::nullopt,
                                 {core::HelpKind::MicroWish, "给孙子一套课外书", {}, false});
             }
             a.show(Screen::Wishes);
           }},
          {"wishes_post",
           [](App& a) {
             a.show(Screen::Wishes);
             a.resident().wishes.posting = true;
             a.resident().wishes.help = core::HelpKind::Childcare;
             a.resident().wishes.text = "周末需要有人帮忙接孩子放学";
           }},
          {"staff_wishes",
           [&](App& a) {
             a.staff().staff_no = "D001";
             a.staff().pin = "583920";
             (void)staff_sign_in(*st, a.staff());
             a.staff().wishes = WishDeskState{};
             auto open = station::Wishes(*st).open();
             if (open.is_ok() && !open->empty()) a.staff().wishes.selected = open->front().id;
             a.show(Screen::WishDesk);
           }},
          {"staff_care",
           [&](App& a) {
             station::Care care(*st);
             if (care.listed().value_or(std::vector<core::CareRecord>{}).empty() &&
                 a.staff().session) {
               (void)care.list(*a.staff().session, {"张奶奶", "3栋2单元401", {}, false, ""});
               (void)care.list(*a.staff().session, {"李爷爷", "5栋1单元101", {}, false, ""});
             }
             a.staff().wishes = WishDeskState{};
             a.staff().wishes.care = true;
             auto listed = care.listed();
             if (listed.is_ok() && !listed->empty())
               a.staff().wishes.person = listed->front().person;
             a.show(Screen::WishDesk);
           }},
          {"home_clock_off",
           [&](App& a) {
             // The station's clock a week fast: flagged on the status bar until it is set; and
             // beside it, facts the district left out until the kiosk is upgraded.
             set_clock_offset(-7 * 24 * 3600'000LL);
             set_left_out("12");
             a.refresh_status_now();
             a.show(Screen::Home);
           }},
      };
      for (const auto& theme : themes) {
        for (const auto& [lang_name, lang] : langs) {
          for (const auto& [name, setup] : screens) {
            const std::int64_t start = clock.now_ms();
            const bool staff_screen = name.rfind("staff_", 0) == 0 && name != "staff_sign_in";
            if (!staff_screen && app->staff().session) staff_sign_out(*st, app->staff());
            if (!staff_screen) app->reset_resident();
            app->resident().prefs = Prefs{lang, theme.elder, theme.contrast, theme.elder};
            app->touch();
            setup(*app);
            app->frame(true);  // lays the screen out; the next frame is the picture
            app->frame(true);  // (the action bar takes its room)
            picture(*app, std::string(theme.name) + "-" + lang_name + "-" + name);
            if (name == "home_clock_off") {
              set_clock_offset(std::nullopt);
              set_left_out("");
              app->refresh_status_now();
            }
            clock.set(start);
            app->touch();
          }
          if (app->staff().session) staff_sign_out(*st, app->staff());
        }
      }
    }
    // The calling board in each theme.
    for (const auto& theme : themes) {
      for (const auto& [lang_name, lang] : langs) {
        options.mode = Mode::Board;
        WEIMIN_ASSIGN_OR_RETURN(auto board, App::create(*st, clock, {}, nullptr, options));
        board->resident().prefs = Prefs{lang, theme.elder, theme.contrast};
        board->frame(true);
        picture(*board, std::string(theme.name) + "-" + lang_name + "-board");
      }
    }
  }
  // The kiosk on a 1280×800 touchscreen beside the board on a 1920×1080 hall screen, from one
  // window over both (split.hpp), in each theme; files "split-<theme>-zh.png".
  for (const auto& theme : themes) {
    AppOptions split = options;
    split.mode = Mode::Kiosk;
    split.width = 3200;
    split.height = 1080;
    split.board_on_second_display = true;
    split.displays = [] {
      return std::vector<PixelRect>{{0, 0, 1280, 800}, {1280, 0, 1920, 1080}};
    };
    WEIMIN_ASSIGN_OR_RETURN(auto app, App::create(*st, clock, {}, nullptr, split));
    app->resident().prefs = Prefs{Lang::Zh, theme.elder, theme.contrast, false};
    app->frame(true);
    const std::string stem = std::string("split-") + theme.name + "-zh";
    const auto file = out_dir / (stem + ".png");
    app->frame(true, tour.write_png ? &file : nullptr);
    if (tour.on_screen) tour.on_screen(stem, *app);
    written.push_back(file);
  }
  // The grid worker's handheld, at its own portrait sizes.
  WEIMIN_TRY(
      tour_handheld(*st, clock, options, themes, langs, [&](App& app, const std::string& stem) {
        const auto file = out_dir / (stem + ".png");
        app.frame(true, tour.write_png ? &file : nullptr);
        if (tour.on_screen) tour.on_screen(stem, app);
        written.push_back(file);
      }));
  return written;
}

}  // namespace weimin::kiosk
