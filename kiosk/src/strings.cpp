#include "weimin/kiosk/strings.hpp"

#include <algorithm>
#include <map>

#include "string_tables.hpp"

namespace weimin::kiosk {
namespace {

// Chinese first, English second. Keep keys grouped by screen.
const std::vector<StringEntry> kTable = {
    // Frame and status bar
    {"app.title", "社区为民服务站", "Community Service Station"},
    {"status.up", "网络正常", "Online"},
    {"status.down", "网络断开", "Offline"},
    {"status.unknown", "网络未知", "Network unknown"},
    {"status.not_enrolled", "未接入区级平台", "Not enrolled"},
    {"status.pending", "待同步 {} 条", "{} waiting to sync"},
    {"status.last_sync", "上次同步 {}", "Last sync {}"},
    {"status.never", "尚未同步", "Never synced"},
    {"status.syncing", "正在同步", "Syncing"},
    {"status.syncing_pct", "正在同步 {}%", "Syncing {}%"},
    // The station's clock is more than 5 minutes off the district's (docs/SYNC.md, "Clocks").
    {"status.clock_ahead_min", "本机时钟快 {} 分钟，请校准", "Clock {} min fast: set it"},
    {"status.clock_behind_min", "本机时钟慢 {} 分钟，请校准", "Clock {} min slow: set it"},
    {"status.clock_ahead_h", "本机时钟快 {} 小时，请校准", "Clock {} h fast: set it"},
    {"status.clock_behind_h", "本机时钟慢 {} 小时，请校准", "Clock {} h slow: set it"},
    {"status.clock_ahead_d", "本机时钟快 {} 天，请校准", "Clock {} days fast: set it"},
    {"status.clock_behind_d", "本机时钟慢 {} 天，请校准", "Clock {} days slow: set it"},
    {"status.upgrade", "{} 条记录待升级", "Update: {} new records"},
    {"toggle.lang", "English", "中文"},
    {"toggle.elder", "长者模式", "Elder mode"},
    {"toggle.contrast", "高对比度", "High contrast"},
    {"toggle.voice", "语音播报", "Voice"},
    {"common.back", "返回", "Back"},
    {"common.home", "回首页", "Home"},
    {"common.next", "下一步", "Next"},
    {"common.submit", "提交", "Submit"},
    {"common.clear", "清除", "Clear"},
    {"common.delete", "删除", "Delete"},
    {"common.done", "完成", "Done"},
    {"common.yes", "是", "Yes"},
    {"common.no", "否", "No"},
    {"common.error", "未能完成：{}", "Could not do it: {}"},
    // Home
    {"home.welcome", "您好，请选择要办理的事项", "Welcome. What would you like to do?"},
    {"home.take", "取号", "Take a number"},
    {"home.guide", "办事指南", "Service guide"},
    {"home.report", "问题反映", "Report a problem"},
    {"home.progress", "进度查询", "Check progress"},
    {"home.rate", "服务评价", "Rate a service"},
    {"home.book", "预约服务", "Appointments"},
    {"home.staff", "工作人员登录", "Staff sign-in"},
    // Take a number
    {"take.title", "取号：请选择办理的站线", "Take a number: choose a service line"},
    {"take.by_service", "按事项取号", "By service"},
    {"take.by_line", "按站线取号", "By line"},
    {"take.items_title", "请选择办理的事项", "Choose the service"},
    {"take.priority_title", "是否需要优先办理？", "Do you need priority?"},
    {"take.priority_none", "不需要", "No"},
    {"take.prio_elderly", "70岁以上老人", "Aged 70 or over"},
    {"take.prio_disability", "残疾人", "Person with a disability"},
    {"take.prio_pregnancy", "孕妇", "Pregnant"},
    {"take.prio_appointment", "预约签到", "Booked and checked in"},
    {"take.your_number", "您的号码", "Your number"},
    {"take.ahead", "前面还有 {} 人", "{} people ahead of you"},
    {"take.wait", "预计等待约 {} 分钟", "Estimated wait about {} min"},
    {"take.priority_shown", "优先：{}", "Priority: {}"},
    {"take.windows", "办理窗口：{}", "Served at: {}"},
    {"take.printed", "请取走号票，留意叫号屏和语音", "Please take your ticket and watch the board"},
    {"take.printer_failed", "打印机故障，未能打印号票，请记住您的号码",
     "The printer failed; please remember your number"},
    // Service guide
    {"guide.title", "办事指南：请选择站线", "Service guide: choose a line"},
    {"guide.items", "{}：事项", "{}: services"},
    {"guide.who", "申请对象", "Who may apply"},
    {"guide.bring", "申请材料", "What to bring"},
    {"guide.time", "办理时限", "How long"},
    {"guide.on_spot", "当场办结", "Done on the spot"},
    {"guide.days", "{} 个工作日", "{} working days"},
    {"guide.none", "本站线暂无事项", "No services on this line"},
    {"guide.take_for", "为此事项取号", "Take a number for this"},
    // Report a problem
    {"report.source_title", "问题反映：这是关于哪方面的问题？",
     "Report a problem: what is it about?"},
    {"report.describe_title", "请描述问题（可多选）", "Describe it (choose any)"},
    {"report.more", "补充说明（可选）", "More detail (optional)"},
    {"report.more_hint", "点此用屏幕键盘输入，可用拼音", "Tap to type on the screen keyboard"},
    {"report.where_title", "问题在哪里？请选择地点（可选）",
     "Where is it? Choose a place (optional)"},
    {"report.where_more", "具体位置（可选）", "Exactly where (optional)"},
    {"report.where_hint", "点此输入，如：3栋2单元门口",
     "Tap to type, e.g. outside block 3, entrance 2"},
    {"report.summary_title", "请确认将要提交的内容", "Please check what will be sent"},
    {"report.sum_source", "问题类别", "Category"},
    {"report.sum_where", "地点", "Where"},
    {"report.sum_what", "问题描述", "What"},
    {"report.sum_phone", "联系电话", "Phone"},
    {"report.sum_none", "未填写", "Not given"},
    {"report.sum_no_phone", "未留电话：将给您一个验证码，凭查询码和验证码查询进度",
     "No phone: you will get a check code to follow it with"},
    {"report.no_printer", "本机没有打印机，请记下上面的号码",
     "No printer here: please write down the numbers above"},
    {"report.phone_title", "联系电话（可选）", "Your phone (optional)"},
    {"report.phone_hint", "留下电话，便于回访和查询进度",
     "With a phone number we can call you back"},
    {"report.privacy_title", "隐私告知", "Privacy notice"},
    {"report.privacy_text",
     "您的电话号码只用于办理和回访本次反映的问题，加密保存，屏幕和记录中只显示部分号码，不会向他人"
     "展示。",
     "Your phone number is used only to handle and follow up this request. It is stored "
     "encrypted, shown only in part, and never to anyone else."},
    {"report.consent", "我已阅读并同意隐私告知", "I have read the notice and agree"},
    {"report.need_consent", "留电话需先同意隐私告知",
     "To leave a phone number, agree to the notice first"},
    {"report.need_phrase", "请至少选择一项描述或补充说明",
     "Choose at least one phrase or add a detail"},
    {"report.bad_phone", "手机号码应为 11 位数字，以 1 开头",
     "A mobile number has 11 digits and starts with 1"},
    {"report.done_title", "已受理，您的查询码", "Received. Your tracking number"},
    {"report.keep", "请记下查询码：凭查询码和电话后四位可查询办理进度",
     "Keep this code: with it and your phone's last four digits you can check progress"},
    // Check progress
    {"progress.title", "进度查询", "Check progress"},
    {"progress.code", "查询码", "Tracking number"},
    {"progress.last4", "电话后四位", "Last 4 digits of phone"},
    {"progress.check", "查询", "Check"},
    {"progress.again", "查询其他事项", "Check another"},
    {"progress.not_found", "未查到：请核对查询码和电话后四位",
     "Not found: check the code and the last four digits"},
    {"progress.stage", "当前进度：{}", "Now: {}"},
    {"progress.steps", "办理经过", "Steps so far"},
    {"stage.none", "未受理", "Not received"},
    {"stage.collected", "问题收集", "Collected"},
    {"stage.resolved", "社区已解决", "Resolved by the community"},
    {"stage.whistled", "街道吹哨", "Whistle blown"},
    {"stage.reported", "部门报到", "Department reported in"},
    {"stage.feedback", "处理反馈", "Department feedback"},
    {"stage.verified", "核实结项", "Verified"},
    {"stage.closed", "已办结", "Closed"},
    {"stage.evaluated", "综合评价", "Rated"},
    {"stage.reopened", "重新办理", "Reopened"},
    {"stage.returned", "部门退单，待街道处理", "Returned; back with the street office"},
    // Steps of the timeline that are not stages
    {"step.returned", "部门退单", "A department returned it"},
    {"step.escalated", "升级为区级", "Raised to district level"},
    {"step.sent_back", "退回社区", "Sent back to the community"},
    // Who has the case, what it did and by when (case desk and progress)
    {"progress.departments", "承办部门", "Departments"},
    {"dept.waiting", "待报到", "Waiting for its report-in"},
    {"dept.reported", "已报到，正在办理", "Reported in, working on it"},
    {"dept.feedback", "已反馈", "Feedback given"},
    {"dept.returned", "退单", "Returned"},
    {"dept.note", "报到：{}", "Report-in: {}"},
    {"dept.expected", "预计完成：{}", "Expected: {}"},
    {"dept.action", "反馈：{}", "Feedback: {}"},
    {"dept.reason", "退单原因：{}", "Why returned: {}"},
    {"dept.report_due", "报到期限：{}", "Report-in due: {}"},
    {"dept.feedback_due", "反馈期限：{}", "Feedback due: {}"},
    {"cases.escalated", "街道已升级为区级", "Raised to district level by the street office"},
    {"cases.sent_back", "退回社区：{}", "Sent back to the community: {}"},
    // Rate a service
    {"rate.title", "服务评价：请输入号票号码或查询码",
     "Rate a service: enter your ticket or tracking number"},
    {"rate.satisfied", "满意", "Satisfied"},
    {"rate.basic", "基本满意", "Basically satisfied"},
    {"rate.dissatisfied", "不满意", "Dissatisfied"},
    {"rate.thanks", "感谢您的评价！", "Thank you for your rating!"},
    {"rate.need_ref", "请先输入号码", "Enter a number first"},
    // Appointments
    {"book.title", "预约服务：请选择时段", "Appointments: choose a time"},
    {"book.seats", "余 {} 位", "{} seats left"},
    {"book.full", "已满（可候补）", "Full (waitlist)"},
    {"book.phone", "请输入手机号码", "Enter your mobile number"},
    {"book.confirm", "确认预约", "Book it"},
    {"book.booked", "预约成功：{}", "Booked: {}"},
    {"book.waitlisted", "已加入候补：{}", "On the waitlist: {}"},
    {"book.checkin_hint", "预约当天到站后请凭手机号签到，签到后优先叫号",
     "On the day, check in with your phone number and you are called first"},
    {"book.checkin", "预约签到", "Check in"},
    {"book.checkin_title", "预约签到：请输入预约时的手机号码",
     "Check in: enter the phone number you booked with"},
    {"book.no_booking", "今天没有这个号码的预约", "No booking today for this number"},
    // Idle
    {"idle.title", "还在办理吗？", "Are you still there?"},
    {"idle.text", "{} 秒后将清除本次输入的内容并返回首页",
     "In {} s everything entered will be cleared and the home screen shown"},
    {"idle.staff_text", "{} 秒后将自动退出登录", "In {} s you will be signed out"},
    {"idle.continue", "继续办理", "Continue"},
    // Staff
    {"staff.title", "工作人员登录", "Staff sign-in"},
    {"staff.no", "工号", "Staff number"},
    {"staff.pin", "密码", "PIN"},
    {"staff.sign_in", "登录", "Sign in"},
    {"staff.sign_out", "退出登录", "Sign out"},
    {"staff.hello", "{}（{}）", "{} ({})"},
    {"nav.console", "叫号", "Queue"},
    {"nav.cases", "案件", "Cases"},
    {"nav.figures", "数据统计", "Figures"},
    {"nav.sync", "同步", "Sync"},
    {"nav.access", "准入核查", "Work-access check"},
    {"nav.more", "更多", "More"},
    {"more.title", "其他工作", "Other work"},
    {"more.access", "部门交办的事是否在清单内", "Is a department's task on the lists?"},
    {"more.sync", "与街道的同步状态", "Sync with the district"},
    {"console.window", "{} 号窗口", "Window {}"},
    {"console.current", "当前：{}", "Now: {}"},
    {"console.nobody", "当前无人", "Nobody at the window"},
    {"console.waiting", "等候 {} 人", "{} waiting"},
    {"console.call_next", "叫下一位", "Call next"},
    {"console.recall", "重新呼叫", "Recall"},
    {"console.no_show", "未到", "No-show"},
    {"console.transfer", "转到 {} 号窗口", "Send to window {}"},
    {"console.finish", "办结", "Finish"},
    {"console.number", "指定号码", "Ticket number"},
    {"console.call_number", "呼叫此号", "Call this number"},
    {"console.requeue", "未到者重新排队", "Put back in line"},
    {"console.pause", "暂停本窗口", "Pause this window"},
    {"console.resume", "恢复本窗口", "Resume this window"},
    {"console.paused_note", "本窗口已暂停，不会叫号", "This window is paused: nobody is called"},
    {"console.called", "已呼叫 {}", "Called {}"},
    {"console.waited", "已等 {} 分钟", "waited {} min"},
    {"console.queue", "等候队列", "Waiting"},
    {"cases.title", "案件台", "Case desk"},
    {"cases.all", "全部", "All"},
    {"cases.overdue", "超期", "Overdue"},
    {"cases.new", "登记来访诉求", "Record a walk-in request"},
    {"cases.resolve", "社区解决", "Resolve locally"},
    {"cases.whistle", "吹哨", "Blow the whistle"},
    {"cases.feedback", "登记部门反馈（电话）", "Record department feedback (phone)"},
    {"cases.report", "登记部门报到（电话）", "Record report-in (phone)"},
    {"cases.verify", "核实", "Verify"},
    {"cases.close", "结项", "Close"},
    {"cases.settle", "处理冲突", "Settle conflict"},
    {"cases.accept", "采纳", "Accept"},
    {"cases.dismiss", "驳回", "Dismiss"},
    {"cases.level_district", "区级", "District"},
    {"cases.level_community", "社区级", "Community"},
    {"cases.kind_key", "重点哨", "Key"},
    {"cases.kind_routine", "常规哨", "Routine"},
    {"cases.kind_emergency", "应急哨", "Emergency"},
    {"cases.department", "部门", "Department"},
    {"cases.none", "没有案件", "No cases"},
    {"cases.prev_page", "上一页", "Previous"},
    {"cases.next_page", "下一页", "Next"},
    {"cases.page_of", "第 {} / {} 页，共 {} 件", "Page {} of {}, {} cases"},
    {"cases.conflicts", "待处理冲突 {} 个", "{} conflicts to settle"},
    {"cases.note_text", "说明", "Note"},
    {"cases.grid", "网格（可选）", "Grid (optional)"},
    {"cases.address", "楼栋门牌", "Building, door"},
    {"cases.address_hint", "楼栋、单元、门牌或地址（可不填）",
     "Building, entrance, door or address (optional)"},
    {"cases.where_grid", "网格：{}", "Grid: {}"},
    {"cases.where_place", "地点：{}", "Place: {}"},
    {"cases.where_address", "楼栋门牌：{}", "Building, door: {}"},
    {"cases.where_point", "坐标：{}", "Position: {}"},
    {"cases.visits", "走访记录", "Visits"},
    {"cases.id_number", "身份证号（可选）", "Identity number (optional)"},
    {"cases.id_hint", "请居民把身份证放在读卡器上，或点此手动输入",
     "Lay the card on the reader, or tap to type it"},
    {"cases.id_short", "身份证号应为18位，现在只有{}位",
     "An identity number has 18 characters; {} typed"},
    {"cases.id_from_card", "已读卡：{}", "Read from the card: {}"},
    {"cases.consent", "居民同意登记证件号", "The resident agrees to keep the number"},
    {"cases.need_consent", "登记身份证号需居民同意",
     "Keeping an identity number needs the resident's consent"},
    {"card.garbage", "这张卡没有读出来，请重新放卡或手动输入，已输入的内容都还在",
     "The card could not be read: lay it again or type the number; nothing typed was lost"},
    {"card.gone", "读卡器没有连接，请检查读卡器或手动输入，已输入的内容都还在",
     "The card reader is not connected: check it or type the number; nothing typed was lost"},
    {"cases.done_by_phone", "电话反馈已处理", "Handled, reported by phone"},
    {"cases.return", "登记部门退单（电话）", "Record a return (phone)"},
    {"cases.returned_by_phone", "电话告知：不属本部门职责",
     "By phone: not this department's business"},
    {"cases.resolved_text", "社区已现场解决", "Settled on the spot by the community"},
    {"cases.verified_text", "已与居民核实", "Checked with the resident"},
    {"cases.closed_text", "核实后结项", "Closed after verification"},
    {"sync.title", "与区级平台同步", "Sync with the district"},
    {"sync.server", "服务器：{}", "Server: {}"},
    {"sync.pending", "待同步事实 {} 条", "{} facts waiting to sync"},
    {"sync.last", "上次成功同步：{}", "Last good sync: {}"},
    {"sync.error", "上次错误：{}", "Last error: {}"},
    {"sync.now", "立即同步", "Sync now"},
    {"sync.requested", "已请求同步", "Sync requested"},
    {"sync.no_service", "本机未运行同步服务", "No sync service runs here"},
    {"access.title", "社区工作准入核查", "Work-access check"},
    {"access.hint", "输入部门交办的工作，核查是否在社区工作事项清单内",
     "Type the task a department hands down to check it against the work list"},
    {"access.check", "核查", "Check"},
    {"access.allowed", "在清单内，可以承接", "On the work list: may be taken on"},
    {"access.needs_approval", "需准入审批", "Needs work-access approval"},
    {"access.approved", "领导小组已批准，可以承接",
     "Approved by the leading group: may be taken on"},
    {"access.refused", "领导小组不予准入，社区不承接",
     "Refused by the leading group: the station does not take it on"},
    {"access.samples", "示例", "Examples"},
    {"access.sample0", "协助开展高龄津贴申报", "Help with old-age allowance applications"},
    {"access.sample1", "完成招商引资任务指标", "Meet an investment attraction quota"},
};

// The screens' table followed by each feature's own (string_tables.hpp).
const std::vector<StringEntry>& all() {
  static const std::vector<StringEntry> built = [] {
    std::vector<StringEntry> v = kTable;
    for (const auto* part : {&keyboard_strings(), &receipt_strings(), &voice_strings(),
                             &board_strings(), &error_strings(), &figures_strings(),
                             &govern_strings(), &wishes_strings(), &handheld_strings()}) {
      v.insert(v.end(), part->begin(), part->end());
    }
    return v;
  }();
  return built;
}

const std::map<std::string_view, const StringEntry*>& index() {
  static const std::map<std::string_view, const StringEntry*> built = [] {
    std::map<std::string_view, const StringEntry*> m;
    for (const auto& e : all()) m.emplace(e.key, &e);
    return m;
  }();
  return built;
}

}  // namespace

const std::vector<StringEntry>& string_table() {
  return all();
}

bool has_string(std::string_view key) {
  return index().count(key) > 0;
}

const char* tr(Lang lang, std::string_view key) {
  auto it = index().find(key);
  if (it == index().end()) return key.data();
  return lang == Lang::Zh ? it->second->zh : it->second->en;
}

std::string trf(Lang lang, std::string_view key, std::initializer_list<std::string> args) {
  std::string text = tr(lang, key);
  std::size_t from = 0;
  for (const auto& a : args) {
    auto at = text.find("{}", from);
    if (at == std::string::npos) break;
    text.replace(at, 2, a);
    from = at + a.size();
  }
  return text;
}

}  // namespace weimin::kiosk
