// The console's words (strings.hpp). Keys are [a-z0-9_] so mustache reads them as t.<key>.
#include "console/strings.hpp"

#include "console/forms.hpp"

namespace weimin::server::console {

namespace {

struct Entry {
  const char* key;
  const char* zh;
  const char* en;
};

// clang-format off
constexpr Entry kStrings[] = {
    {"app_title", "为民 · 区级工作台", "Weimin · District console"},
    {"lang_zh", "中文", "中文"},
    {"lang_en", "English", "English"},
    {"skip", "跳到正文", "Skip to content"},
    {"signin_title", "登录", "Sign in"},
    {"signin_user", "用户名", "User name"},
    {"signin_password", "密码", "Password"},
    {"signin_submit", "登录", "Sign in"},
    {"signout", "退出登录", "Sign out"},
    {"signed_in_as", "当前用户", "Signed in as"},
    {"password_title", "修改密码", "Change password"},
    {"password_forced", "首次登录或密码已重置，请先设置新密码。", "Set a new password before you go on: this one was given once."},
    {"password_old", "当前密码", "Current password"},
    {"password_new", "新密码", "New password"},
    {"password_again", "再次输入新密码", "New password again"},
    {"password_submit", "保存新密码", "Save the new password"},
    {"password_mismatch", "两次输入的新密码不一致", "The two new passwords differ"},
    {"password_done", "密码已修改", "Password changed"},
    {"nav_inbox", "待办", "Inbox"},
    {"nav_stations", "服务站", "Stations"},
    {"nav_accounts", "账号", "Accounts"},
    {"nav_audit", "审计日志", "Audit log"},
    {"nav_password", "修改密码", "Change password"},
    {"role_office", "街道", "Street office"},
    {"role_department", "职能部门", "Department"},
    {"role_admin", "区级管理员", "District admin"},
    {"tab_waiting", "待吹哨", "Waiting for a whistle"},
    {"tab_community", "社区级吹哨", "Community-level whistles"},
    {"tab_whistled", "已吹哨", "Whistled"},
    {"tab_new", "新哨待报到", "New whistles to report in"},
    {"tab_progress", "办理中", "In progress"},
    {"tab_returned", "已退单", "Returned"},
    {"tab_overdue", "逾期", "Overdue"},
    {"tab_all", "全部", "All"},
    {"col_code", "查询码", "Tracking code"},
    {"col_stage", "进度", "Stage"},
    {"col_community", "社区", "Community"},
    {"col_source", "问题类别", "Source"},
    {"col_level", "级别", "Level"},
    {"col_kind", "哨类", "Kind"},
    {"col_grid", "网格", "Grid"},
    {"col_place", "地点", "Place"},
    {"col_address", "楼栋、门牌或地址", "Building or address"},
    {"col_point", "坐标", "Position"},
    {"by_grid_title", "本社区各网格案件（收集、结项、当前逾期）", "Cases by grid (collected, closed, overdue now)"},
    {"by_grid_collected", "收集", "Collected"},
    {"by_grid_closed", "结项", "Closed"},
    {"by_grid_overdue", "逾期", "Overdue"},
    {"col_departments", "部门", "Departments"},
    {"col_due", "时限", "Due"},
    {"col_changed", "最近更新", "Last change"},
    {"col_description", "诉求", "Request"},
    {"filters", "筛选", "Filters"},
    {"filter_apply", "筛选", "Apply"},
    {"filter_any", "全部", "Any"},
    {"filter_overdue", "只看逾期", "Overdue only"},
    {"filter_from", "登记日期从", "Collected from"},
    {"filter_to", "至", "to"},
    {"search", "按查询码查找", "Find by tracking code"},
    {"search_submit", "查找", "Find"},
    {"next_page", "下一页", "Next page"},
    {"first_page", "第一页", "First page"},
    {"prev_page", "上一页", "Previous page"},
    {"rows_shown", "第 {}–{} 条", "Rows {}–{}"},
    {"no_cases", "没有案件", "No cases"},
    {"overdue_hours", "逾期 {} 小时", "{} h overdue"},
    {"due_at", "{} 前", "by {}"},
    {"stage_none", "未受理", "Not received"},
    {"stage_collected", "问题收集", "Collected"},
    {"stage_resolved", "社区已解决", "Resolved by the community"},
    {"stage_whistled", "吹哨", "Whistle blown"},
    {"stage_reported", "部门报到", "Department reported in"},
    {"stage_feedback", "处理反馈", "Department feedback"},
    {"stage_returned", "部门退单，待街道处理", "Returned; back with the street office"},
    {"stage_verified", "核实结项", "Verified"},
    {"stage_closed", "已办结", "Closed"},
    {"stage_evaluated", "综合评价", "Rated"},
    {"stage_reopened", "重新办理", "Reopened"},
    {"step_whistled", "待报到", "to report in"},
    {"step_reported", "已报到", "reported in"},
    {"step_feedback", "已反馈", "gave feedback"},
    {"step_returned", "已退单", "returned"},
    {"level_district", "区级", "District"},
    {"level_community", "社区级", "Community"},
    {"kind_emergency", "应急哨", "Emergency"},
    {"kind_key", "重点哨", "Key"},
    {"kind_routine", "常规哨", "Routine"},
    {"channel_kiosk", "自助终端", "Kiosk"},
    {"channel_window", "窗口", "Window"},
    {"channel_grid_round", "网格巡查", "Grid round"},
    {"ev_collected", "问题收集", "Collected"},
    {"ev_resolved_locally", "社区解决", "Resolved locally"},
    {"ev_whistled", "吹哨", "Whistle blown"},
    {"ev_reported", "报到", "Reported in"},
    {"ev_feedback", "反馈", "Feedback"},
    {"ev_verified", "核实", "Verified"},
    {"ev_closed", "结项", "Closed"},
    {"ev_evaluated", "评价", "Rated"},
    {"ev_reopened", "重新办理", "Reopened"},
    {"ev_note", "备注", "Note"},
    {"ev_conflict_settled", "冲突处理", "Conflict settled"},
    {"ev_returned", "退单", "Returned"},
    {"ev_escalated", "升级为区级", "Raised to district level"},
    {"ev_sent_back", "退回社区", "Sent back to the community"},
    {"case_title", "案件 {}", "Case {}"},
    {"case_reported", "居民反映", "What the resident reported"},
    {"case_contact", "居民联系方式", "Resident's contact"},
    {"contact_at_station", "居民的电话保存在{}服务站，区级只保存居民编号。需要联系居民时，请联系服务站并报上查询码 {}。", "The resident's phone is kept at the {} station; the district holds only the resident's reference. To reach the resident, call the station and give tracking code {}."},
    {"contact_ref", "居民编号", "Resident's reference"},
    {"contact_ending", "尾号 {}（已隐藏）", "ending in {} (hidden)"},
    {"contact_anonymous", "居民未留联系方式（匿名反映）", "The resident left no contact (anonymous)"},
    {"contact_none", "未登记", "None recorded"},
    {"reveal_reason", "查看原因（必填，将记入审计日志）", "Reason to reveal (required; it is audited)"},
    {"reveal_submit", "查看", "Reveal"},
    {"reveal_need_reason", "请填写查看原因", "Give a reason to reveal the contact"},
    {"timeline", "办理过程", "Timeline"},
    {"notes", "备注", "Notes"},
    {"visits", "走访", "Visits"},
    {"conflicts", "待处理冲突", "Conflicts"},
    {"settled", "已处理冲突", "Settled conflicts"},
    {"deadline", "时限", "Deadline"},
    {"met", "按时", "met"},
    {"missed", "超时", "missed"},
    {"on_behalf_of", "代", "for"},
    {"rating", "评价", "Rating"},
    {"expected", "预计完成", "Expected"},
    {"actions", "操作", "Actions"},
    {"action_whistle", "吹哨", "Blow the whistle"},
    {"action_escalate", "升级为区级吹哨", "Raise to a district-level whistle"},
    {"action_send_back", "退回社区", "Send back to the community"},
    {"action_report", "报到", "Report in"},
    {"action_feedback", "反馈", "Give feedback"},
    {"action_return", "退单", "Return the whistle"},
    {"action_note", "添加备注", "Add a note"},
    {"action_reveal", "查看联系方式", "Reveal the contact"},
    {"field_level", "级别", "Level"},
    {"field_kind", "哨类", "Kind"},
    {"field_departments", "职能部门（可多选）", "Departments (one or more)"},
    {"field_note", "说明", "Note"},
    {"field_reason", "原因", "Reason"},
    {"field_action", "处理情况（做了什么、何时完成）", "What was done and when"},
    {"field_expected", "预计完成日期", "Expected completion date"},
    {"field_text", "备注内容", "Note"},
    {"done", "已完成：{}", "Done: {}"},
    {"forbidden_title", "无权访问", "Not allowed"},
    {"notfound_title", "找不到页面", "Not found"},
    {"notfound_text", "没有这个页面或案件。", "There is no such page or case."},
    {"error_title", "出错了", "Something went wrong"},
    {"error_text", "服务器内部错误。请稍后再试；如果一直出现，请把请求编号告诉区级管理员。", "Internal error. Try again later; if it goes on, give the request id to the district's administrator."},
    {"request_id", "请求编号", "Request id"},
    {"back_inbox", "返回待办", "Back to the inbox"},
    {"stations_title", "服务站", "Stations"},
    {"col_station", "服务站", "Station"},
    {"col_enrolled", "接入时间", "Enrolled"},
    {"col_created", "创建时间", "Created"},
    {"col_last_seen", "最近同步", "Last seen"},
    {"col_skew", "时钟偏差", "Clock skew"},
    {"col_revoked", "已吊销", "Revoked"},
    {"revoke", "吊销", "Revoke"},
    {"issue_token", "签发接入令牌", "Issue an enrolment token"},
    {"issue_community", "社区", "Community"},
    {"issue_submit", "签发", "Issue"},
    {"token_once", "接入令牌（只显示这一次）", "Enrolment token (shown once only)"},
    {"stations_version", "软件版本", "Version"},
    {"stations_last_sync", "最近同步", "Last sync"},
    {"stations_waiting", "待上传事实", "Facts waiting"},
    {"stations_link", "连接状态", "Link"},
    {"stations_last_request", "最近请求", "Last request"},
    {"stations_never", "从未", "never"},
    {"stations_unknown", "未报告", "not reported"},
    {"stations_link_online", "在线", "Online"},
    {"stations_link_today", "今日已同步", "Synced today"},
    {"stations_link_recent", "36 小时内已同步", "Synced within 36 hours"},
    {"stations_link_never", "尚未同步", "Not synced yet"},
    {"stations_link_amber", "超过 36 小时未同步", "No sync for over 36 hours"},
    {"stations_link_red", "超过 3 天未同步", "No sync for over 3 days"},
    {"stations_link_revoked", "已吊销", "Revoked"},
    {"stations_ago_now", "刚刚", "just now"},
    {"stations_ago_minutes", "{} 分钟前", "{} min ago"},
    {"stations_ago_hours", "{} 小时前", "{} h ago"},
    {"stations_ago_days", "{} 天前", "{} days ago"},
    {"stations_legend", "在线：15 分钟内有来自该站的签名请求。超过 36 小时未同步标黄，超过 3 天标红；需要关注的服务站（红、黄、时钟偏差超过 5 分钟）排在前面。待上传事实是该站最近一次请求时自己报告的数目。", "Online: a signed request from the station in the last 15 minutes. Amber after 36 hours without a sync, red after 3 days; the stations needing attention (red, amber, a clock off by more than 5 minutes) come first. Facts waiting is what the station itself reported with its last request."},
    {"accounts_title", "账号", "Accounts"},
    {"col_user", "用户名", "User"},
    {"col_role", "角色", "Role"},
    {"col_scope", "范围", "Scope"},
    {"col_state", "状态", "State"},
    {"state_disabled", "已停用", "Disabled"},
    {"state_locked", "已锁定", "Locked"},
    {"state_active", "正常", "Active"},
    {"state_must_change", "须改密码", "Must change password"},
    {"account_add", "新增账号", "Add an account"},
    {"account_add_submit", "新增", "Add"},
    {"account_disable", "停用", "Disable"},
    {"account_reset", "重置密码", "Reset password"},
    {"one_time_password", "一次性密码（只显示这一次）：{}", "One-time password (shown once only): {}"},
    {"audit_title", "审计日志", "Audit log"},
    {"col_at", "时间", "Time"},
    {"col_address", "地址", "Address"},
    {"col_action", "操作", "Action"},
    {"col_target", "对象", "Target"},
    {"col_detail", "详情", "Detail"},
    {"older", "更早", "Older"},
    {"col_channel", "受理渠道", "Channel"},
    {"col_department", "部门", "Department"},
    {"colon", "：", ": "},
    {"col_collected", "登记时间", "Collected"},
    {"col_step", "进度", "Step"},
    {"col_report_due", "报到时限", "Report-in due"},
    {"col_feedback_due", "反馈时限", "Feedback due"},
    {"col_expected", "预计完成", "Expected"},
    {"dept_suggested", "对口", "matches"},
    {"rating_satisfied", "满意", "Satisfied"},
    {"rating_basically_satisfied", "基本满意", "Basically satisfied"},
    {"rating_dissatisfied", "不满意", "Dissatisfied"},
    {"who_resident", "居民", "Resident"},
    {"who_system", "系统", "System"},
    {"who_staff", "{}工作人员 {}（{}）", "{} staff {} ({})"},
    {"who_staff_nocommunity", "服务站工作人员 {}（{}）", "Station staff {} ({})"},
    {"who_office", "街道 {}", "Street office {}"},
    {"who_department", "职能部门 {}", "Department {}"},
    {"actor_director", "书记/主任", "director"},
    {"actor_deputy_head", "副站长", "deputy head"},
    {"actor_staff", "专职工作者", "community worker"},
    {"actor_grid_worker", "网格员", "grid worker"},
    {"actor_social_worker", "社工", "social worker"},
    {"actor_street_office", "街道", "street office"},
    {"actor_department", "职能部门", "department"},
    {"actor_resident", "居民", "resident"},
    {"actor_system", "系统", "system"},
    {"err_wrong_credentials", "用户名或密码不正确，请检查后重试（连续多次失败后账号会被锁定一段时间，管理员可以重置）", "wrong user name or password; check both and try again (after repeated failures the account locks for a while; an admin can reset it)"},
    {"err_locked", "账号 {} 连续 {} 次登录失败，已锁定到 {}（还有约 {} 分钟）；届时再试，或请管理员重置密码", "the account '{}' is locked after {} failed sign-ins until {} (about {} min from now); try again then, or ask an admin to reset it"},
    {"err_locked_plain", "账号 {} 已被锁定；请稍后再试，或请管理员重置密码", "the account '{}' is locked; try again later, or ask an admin to reset it"},
    {"err_throttled", "这台电脑的登录尝试过于频繁，请 {} 秒后再试", "too many sign-in attempts from this computer; try again in {} s"},
    {"err_busy", "服务器暂时繁忙，请稍后再试", "the server is busy; try again in a moment"},
    {"err_password_wrong", "当前密码不正确，请输入登录时用的密码", "the current password is wrong; type the password you signed in with"},
    {"err_password_short", "新密码太短（{} 个字符），至少需要 {} 个字符，例如几个不相关的词", "the new password is too short ({} characters); use {} or more, e.g. a few unrelated words"},
    {"err_password_long", "新密码太长，最多 {} 个字符", "the new password is longer than {} characters; use a shorter one"},
    {"err_password_same", "新密码不能与当前密码相同", "the new password is the same as the current one; choose a different one"},
    {"err_csrf_signin", "登录页面已过期或不是从本工作台打开的，请刷新登录页面后再试", "the sign-in form is stale or did not come from this console (CSRF token missing or wrong); reload the sign-in page and try again"},
    {"err_csrf", "页面已过期或不是从本工作台打开的，本次操作没有执行。请刷新页面后再试", "this form is stale or did not come from this console (CSRF token missing or wrong); nothing was done. Reload the page and try again"},
    {"err_admin_only", "服务站、账号和审计日志页面只对区级管理员开放；账号 {} 是{}账号", "the stations, accounts and audit pages are for the district's admins; account '{}' is a {} account"},
    {"err_no_catalog", "区级尚未发布目录，无法核对账号 {} 的范围；请区级管理员先发布目录", "no catalog is published, so account '{}' cannot be checked; ask the district's admin to publish it"},
    {"err_admin_other_district", "账号 {} 是区划 {} 的管理员，不是本区（{}）的", "account '{}' is an admin of district '{}', not of this district ({})"},
    {"err_office_not_in_catalog", "账号 {} 的街道 {} 不在已发布的目录中；请区级管理员修改账号", "street office '{}' of account '{}' is not in the published catalog; ask the district's admin to fix the account"},
    {"err_department_not_in_catalog", "账号 {} 的部门 {} 不在已发布的目录中；请区级管理员修改账号", "department '{}' of account '{}' is not in the published catalog; ask the district's admin to fix the account"},
    {"err_community_not_in_catalog", "案件 {} 所属社区 {} 不在已发布的目录中", "case {} belongs to community '{}', which the published catalog does not list"},
    {"err_not_offices_community", "案件 {} 属于{}，不是{}管辖的社区", "case {} belongs to {}, not one of {}'s communities"},
    {"err_not_whistled_to", "案件 {} 没有向{}吹哨，只有被吹哨的部门可以查看和办理", "case {} was not whistled to {}; only the whistled departments see and act on it"},
    {"err_role_may_not", "账号 {} 不能“{}”：这一步由{}办理", "account '{}' may not {}: {} does this step"},
    {"err_by_office", "街道", "the street office"},
    {"err_by_department", "被吹哨的职能部门", "the whistled department"},
    {"err_by_writers", "街道和职能部门", "the street office and the departments"},
    {"err_stage_now", "未能{}：案件现在的进度是“{}”，这一步现在不能做。请查看办理过程后再操作", "could not {}: the case is now at “{}”, where this step cannot be taken. Look at the timeline and act from there"},
    {"err_step_conflict", "未能{}：案件刚有变化（{}），请查看办理过程后再操作", "could not {}: the case has changed ({}); look at the timeline and act from there"},
    {"err_department_unknown", "部门“{}”不在已发布的目录中，请从列表中选择", "department '{}' is not in the published catalog; choose from the list"},
    {"err_departments_invalid", "所选部门不符合要求：最多 20 个，每个只能选一次", "the departments chosen are not allowed: at most 20, each once"},
    {"err_level_district", "街道吹的是区级哨；社区级哨由社区服务站吹", "the street office blows district-level whistles; a community-level whistle is the station's"},
    {"err_kind", "请选择哨类（应急哨、重点哨或常规哨）", "choose the kind of whistle (emergency, key or routine)"},
    {"err_date", "日期“{}”的格式不对，请用 年-月-日，例如 2026-12-05", "the date '{}' is not a date; use YYYY-MM-DD, e.g. 2026-12-05"},
    {"err_tracking_code", "“{}”不是查询码：查询码是 9 位字母和数字，例如 K754APPHS", "'{}' is not a tracking code: a tracking code has 9 letters and digits, e.g. K754APPHS"},
    {"err_stage_filter", "“{}”不是一个进度", "'{}' is not one of the stages"},
    {"err_invalid", "提交的内容不符合要求，请检查后再提交；已输入的内容都还在", "what was sent is not allowed; check it and send it again; nothing typed was lost"},
    {"err_form_type", "表单须以 application/x-www-form-urlencoded 提交", "forms are sent as application/x-www-form-urlencoded"},
    {"err_form_large", "表单超过 {} KiB，请缩短内容后再提交", "this form is larger than {} KiB; shorten its text and send it again"},
    {"err_form_bad", "提交的内容无法读取（编码有误或字段太多），请刷新页面后再试", "what was sent cannot be read (a bad escape, too many fields, or text that is not UTF-8); reload the page and try again"},
    {"err_service_unavailable", "服务器暂时不可用，请稍后再试；已输入的内容都还在", "the server is unavailable for a moment; try again; nothing typed was lost"},
    {"err_user_name", "用户名“{}”不行：须为 3–32 个小写字母、数字或 . _ -", "'{}' is not a user name: use 3-32 of a-z, 0-9, '.', '_' and '-'"},
    {"err_user_taken", "用户名“{}”已被使用，请换一个", "the user name '{}' is taken; choose another"},
    {"err_scope", "“{}”不是{}账号的范围：街道填 9 位街道代码，职能部门填部门编号，区级管理员填本区代码 {}", "'{}' is not a scope for a {} account: a street office's 9-digit code, a department's id, or this district's code {} for an admin"},
    {"err_role", "请选择角色", "choose a role"},
    {"err_account_action", "未能完成：{}", "could not do it: {}"},
    {"err_account_disabled", "账号 {} 已停用", "account '{}' is disabled already"},
    {"scope_hint", "街道：9 位街道代码；职能部门：部门编号；区级管理员：本区代码", "street office: its 9-digit code; department: its id; admin: the district's code"},
    {"audit_signin", "登录", "signed in"},
    {"audit_signout", "退出登录", "signed out"},
    {"audit_signin_failed", "登录失败", "sign-in failed"},
    {"audit_signin_locked", "登录被拒（账号锁定）", "sign-in refused (locked)"},
    {"audit_signin_throttled", "登录被拒（过于频繁）", "sign-in refused (too many)"},
    {"audit_account_locked", "账号锁定", "account locked"},
    {"audit_password_change", "修改密码", "changed password"},
    {"audit_password_change_failed", "修改密码失败", "password change failed"},
    {"audit_account_add", "新增账号", "added account"},
    {"audit_account_disable", "停用账号", "disabled account"},
    {"audit_account_reset", "重置密码", "reset password"},
    {"audit_issue_enroll_token", "签发接入令牌", "issued enrolment token"},
    {"audit_revoke_station", "吊销服务站", "revoked station"},
    {"audit_reveal_contact", "查看居民联系方式", "revealed contact"},
    {"audit_whistle", "吹哨", "whistled"},
    {"audit_escalate", "升级为区级", "raised to district level"},
    {"audit_send_back", "退回社区", "sent back"},
    {"audit_report", "报到", "reported in"},
    {"audit_feedback", "反馈", "gave feedback"},
    {"audit_return", "退单", "returned"},
    {"audit_note", "备注", "added a note"},
    {"audit_denied", "被拒绝（无权）", "refused (not allowed)"},
    {"audit_export_staff_sheet", "下载每月考核", "downloaded a staff sheet"},
    {"yes", "是", "yes"},
    {"no", "否", "no"},
    {"field_too_long", "“{}”太长（{} 字节，最多 {} 字节），请缩短后再提交；已输入的内容都还在", "“{}” is too long ({} bytes, at most {}); shorten it and send again; nothing typed was lost"},
    {"field_required", "请填写“{}”", "“{}” is required"},
    {"nav_figures", "数据统计", "Figures"},
    {"nav_govern", "协商与准入", "Consultation & access"},
    {"nav_wishes", "近邻服务", "Neighbour services"},
    {"fig_title", "数据统计", "Figures"},
    {"fig_scope_office", "范围：{}所辖社区的案件", "Scope: the cases of {}'s communities"},
    {"fig_scope_department", "范围：向{}吹哨的案件（本部门的部分）", "Scope: the whistles to {} (this department's part)"},
    {"fig_scope_admin", "范围：全区（{}）", "Scope: the whole district ({})"},
    {"fig_period", "统计期间", "Period"},
    {"fig_from", "开始日期", "From"},
    {"fig_to", "结束日期", "To"},
    {"fig_by", "时间序列", "Series by"},
    {"fig_by_day", "按日", "Day"},
    {"fig_by_week", "按周", "Week"},
    {"fig_by_month", "按月", "Month"},
    {"fig_apply", "查看", "Show"},
    {"fig_this_month", "本月", "This month"},
    {"fig_last_month", "上月", "Last month"},
    {"fig_this_year", "本年", "This year"},
    {"fig_period_text", "统计期间：{} 至 {}（北京时间，按吹哨日期计）", "Period: {} to {} (Beijing dates, by the day of the whistle)"},
    {"fig_now", "截至 {}", "as of {}"},
    {"fig_rates", "三率", "The three rates"},
    {"fig_rate_responded", "按时报到率", "Responded on time"},
    {"fig_rate_resolved", "按时办结率", "Resolved on time"},
    {"fig_rate_satisfied", "满意率", "Satisfied"},
    {"fig_met_responded", "按时报到", "Reported in on time"},
    {"fig_due_responded", "应报到", "Due to report in"},
    {"fig_met_resolved", "按时办结", "Resolved on time (count)"},
    {"fig_due_resolved", "应办结", "Due to be resolved"},
    {"fig_met_satisfied", "满意和基本满意", "Satisfied or basically satisfied"},
    {"fig_due_satisfied", "已评价", "Rated"},
    {"fig_formula_link", "计算方法", "How it is counted"},
    {"fig_formulas", "计算方法", "How the rates are counted"},
    {"fig_formula_responded", "按时报到率 = 在报到时限前（含）报到的部门次 ÷ 应报到的部门次。应报到：报到时限已过，或已经报到。", "Responded on time = departments named in a whistle that reported in at or before the report-in deadline ÷ those due: the deadline has passed, or they reported in."},
    {"fig_formula_resolved", "按时办结率 = 在办结时限前（含）反馈并经核实的部门次 ÷ 应办结的部门次。办结时限 = 点名该部门的时刻（吹哨或升级）+ 报到、反馈、核实时限之和；应办结：时限已过，或已经办结。", "Resolved on time = departments that gave feedback, verified, at or before the resolution deadline ÷ those due. The resolution deadline is when the department was named (the whistle or an escalation) plus the report-in, feedback and verification hours; due: the deadline has passed, or resolved."},
    {"fig_formula_satisfied", "满意率 =（满意 + 基本满意）÷ 已评价的吹哨。按每次吹哨计；职能部门的一行按该部门参与（未退单）的吹哨计。", "Satisfied = (satisfied + basically satisfied) ÷ rated whistles. Counted per whistle; a department's row over the whistles it was named in and did not return."},
    {"fig_formula_returned", "退单的部门次不计入三率。每次吹哨按其吹哨日期计入统计期间；级别、哨类按该次吹哨结束时的为准（升级为区级的计为区级）。没有评价的吹哨不计入满意率。", "A department that returned the whistle (退单) counts in none of the rates. A whistle falls in the period by the day it was blown; its level and kind are those at the round's end (an escalated whistle counts as district level). Unrated whistles are not in the satisfied rate."},
    {"fig_open", "当前未办结案件", "Open cases now"},
    {"fig_overdue_now", "其中逾期", "of them overdue"},
    {"fig_overdue_more", "列出最早到期的 {} 件（共 {} 件逾期）", "The {} with the earliest deadline are listed (of {} overdue)"},
    {"fig_sec_whistles", "吹哨", "Whistles"},
    {"fig_sec_open", "未办结与逾期", "Open and overdue"},
    {"fig_sec_returns", "退单", "Returns"},
    {"fig_sec_rankings", "排名", "Rankings"},
    {"fig_sec_queue", "排队叫号", "Queues"},
    {"fig_sec_staff", "每月考核", "Monthly staff sheet"},
    {"fig_total", "合计", "Total"},
    {"fig_none", "没有数据", "Nothing in this period"},
    {"fig_export", "下载", "Download"},
    {"fig_csv", "CSV", "CSV"},
    {"fig_xlsx", "Excel", "Excel"},
    {"fig_t_total", "总体", "Overall"},
    {"fig_t_series", "按时间", "Over time"},
    {"fig_t_by_level", "按级别（区级/社区级）", "By level"},
    {"fig_t_by_kind", "按哨类（应急哨/重点哨/常规哨）", "By kind"},
    {"fig_t_by_source", "按问题类别", "By source"},
    {"fig_t_by_office", "按街道", "By street office"},
    {"fig_t_by_community", "按社区", "By community"},
    {"fig_t_by_department", "按职能部门", "By department"},
    {"fig_t_overdue", "逾期案件（当前，最早到期的在前）", "Overdue cases now (earliest deadline first)"},
    {"fig_t_returns", "退单（按部门和原因）", "Returns by department and reason"},
    {"fig_t_rank_department_responded", "职能部门排名：按时报到率", "Departments ranked: responded on time"},
    {"fig_t_rank_department_resolved", "职能部门排名：按时办结率", "Departments ranked: resolved on time"},
    {"fig_t_rank_department_satisfied", "职能部门排名：满意率", "Departments ranked: satisfied"},
    {"fig_t_rank_office_responded", "街道排名：按时报到率", "Street offices ranked: responded on time"},
    {"fig_t_rank_office_resolved", "街道排名：按时办结率", "Street offices ranked: resolved on time"},
    {"fig_t_rank_office_satisfied", "街道排名：满意率", "Street offices ranked: satisfied"},
    {"fig_t_queue_station", "排队：按服务站", "Queues by station"},
    {"fig_t_queue_line", "排队：按业务线", "Queues by line"},
    {"fig_t_queue_window", "排队：按窗口", "Queues by window"},
    {"fig_t_by_grid", "按网格", "By grid"},
    {"fig_sec_grids", "按网格（收集、结项，当前逾期）", "By grid (collected, closed; overdue now)"},
    {"fig_col_collected", "收集", "Collected"},
    {"fig_col_closed", "结项", "Closed"},
    {"fig_col_overdue_now", "当前逾期", "Overdue now"},
    {"fig_no_grid", "无网格", "No grid"},
    {"fig_calendar_fallback", "按工作日计的时限：工作日历缺少年份，", "Working-day deadlines: the calendar lacks a year, "},
    {"fig_col_scope", "范围", "Scope"},
    {"fig_col_code", "代码", "Code"},
    {"fig_col_bucket", "起始日期", "From"},
    {"fig_col_office", "街道", "Street office"},
    {"fig_col_whistles", "吹哨", "Whistles"},
    {"fig_col_units", "派单部门次", "Departments named"},
    {"fig_col_returned", "退单", "Returned"},
    {"fig_col_rank", "名次", "Rank"},
    {"fig_col_reason", "退单原因", "Reason"},
    {"fig_col_count", "次数", "Count"},
    {"fig_col_deadline", "时限", "Deadline"},
    {"fig_col_overdue_hours", "逾期（小时）", "Overdue (hours)"},
    {"fig_col_line", "业务线", "Line"},
    {"fig_col_window", "窗口", "Window"},
    {"fig_col_queue_name", "名称", "Name"},
    {"fig_col_taken", "取号", "Tickets"},
    {"fig_col_served", "已办理", "Served"},
    {"fig_col_no_shows", "过号", "No-shows"},
    {"fig_col_avg_wait", "平均等候（分钟）", "Average wait (min)"},
    {"fig_col_longest_wait", "最长等候（分钟）", "Longest wait (min)"},
    {"fig_err_order", "结束日期 {} 早于开始日期 {}，请调换两个日期", "the end date {} is before the start date {}; swap them"},
    {"fig_err_long", "统计期间最长 {} 天（现为 {} 天），请缩短", "a period is at most {} days (this one is {}); shorten it"},
    {"fig_err_by", "“{}”不是时间序列的方式：请选按日、按周或按月", "'{}' is not a series: choose day, week or month"},
    {"fig_err_format", "“{}”不是下载格式：请用 csv 或 xlsx", "'{}' is not a download format: use csv or xlsx"},
    {"staff_title", "每月考核", "Monthly staff sheet"},
    {"staff_heading", "{}（{}）{} 每月考核", "{} ({}), {}: monthly staff sheet"},
    {"staff_pick", "选择服务站和月份", "Choose a station and a month"},
    {"staff_month", "月份", "Month"},
    {"staff_show", "查看", "Show"},
    {"staff_hint", "按工作人员统计：办理的取号、经办和结项的案件、居民评价。", "Per staff member: tickets served, cases handled and closed, residents' ratings."},
    {"staff_col_staff", "工号", "Staff no."},
    {"staff_col_name", "姓名", "Name"},
    {"staff_col_served", "办理取号", "Tickets served"},
    {"staff_col_handled", "经办案件", "Cases handled"},
    {"staff_col_closed", "结项案件", "Cases closed"},
    {"staff_col_rated", "评价数", "Ratings"},
    {"staff_col_satisfied", "满意", "Satisfied"},
    {"staff_col_basically", "基本满意", "Basically satisfied"},
    {"staff_col_dissatisfied", "不满意", "Dissatisfied"},
    {"staff_col_score", "平均分", "Average score"},
    {"err_staff_not_offices", "{}不是{}管辖的社区：街道只能查看本街道社区的每月考核", "{} is not one of {}'s communities"},
    {"err_staff_department", "账号 {} 是职能部门账号：服务站的每月考核由街道和区级管理员查看", "account '{}' is a department account: the street office and the district's admins read a station's staff sheet"},
    {"err_staff_community", "“{}”不是社区代码：请填 12 位社区代码，例如 530102001001", "'{}' is not a community code: use the 12-digit code, e.g. 530102001001"},
    {"err_staff_month", "“{}”不是月份：请用 年-月，例如 2026-11", "'{}' is not a month: use YYYY-MM, e.g. 2026-11"},
    // The working-day calendar (pages_calendar.cpp) and deadlines with their units.
    {"nav_calendar", "工作日历", "Working days"},
    {"cal_title", "办理时限与工作日历", "Deadlines and working days"},
    {"cal_rule", "按工作日计的时限，自吹哨（或上一步）次日起算，到第 N 个工作日 24:00 止；法定节假日不计，调休上班的周末计入。未发布日历的年份按周一至周五计算。", "A deadline in working days starts counting the day after the whistle (or the step before) and ends at 24:00 of the N-th working day; official holidays do not count, weekend days worked in exchange (调休) do. A year without a published calendar counts Monday to Friday."},
    {"cal_no_catalog", "尚未发布目录", "No catalog has been published yet"},
    {"cal_deadlines", "各类哨的办理时限", "Deadlines per kind of whistle"},
    {"cal_unit", "计时单位", "Counted in"},
    {"cal_report_in", "报到", "Report in"},
    {"cal_feedback", "反馈", "Feedback"},
    {"cal_verify", "核实", "Verify"},
    {"cal_years", "已发布的工作日历", "Published working-day calendars"},
    {"cal_none", "尚未发布工作日历：按周一至周五计算", "No calendar published: counting Monday to Friday"},
    {"cal_notice", "依据", "Notice"},
    {"cal_holiday", "假日", "Holiday"},
    {"cal_first", "起", "From"},
    {"cal_last", "止", "To"},
    {"cal_length", "天数", "Days"},
    {"cal_days", "{} 天", "{} days"},
    {"cal_workdays", "调休上班", "Weekend days worked (调休)"},
    {"unit_hours", "{} 小时", "{} hours"},
    {"unit_working_days", "{} 个工作日", "{} working days"},
    {"unit_name_hours", "小时", "Hours"},
    {"unit_name_working_days", "工作日", "Working days"},
    {"limits_fmt", "报到 {} · 反馈 {} · 核实 {}", "report in {} · feedback {} · verify {}"},
    {"col_limits", "办理时限", "Deadlines"},
    {"wd_1", "周一", "Mon"},
    {"wd_2", "周二", "Tue"},
    {"wd_3", "周三", "Wed"},
    {"wd_4", "周四", "Thu"},
    {"wd_5", "周五", "Fri"},
    {"wd_6", "周六", "Sat"},
    {"wd_7", "周日", "Sun"},
};
// clang-format on

nlohmann::json build(Lang lang) {
  nlohmann::json j = nlohmann::json::object();
  for (const Entry& e : kStrings) j[e.key] = lang == Lang::Zh ? e.zh : e.en;
  return j;
}

}  // namespace

const nlohmann::json& strings(Lang lang) {
  static const nlohmann::json zh = build(Lang::Zh);
  static const nlohmann::json en = build(Lang::En);
  return lang == Lang::Zh ? zh : en;
}

std::string text(Lang lang, std::string_view key) {
  const nlohmann::json& s = strings(lang);
  auto it = s.find(key);
  return it == s.end() ? std::string(key) : it->get<std::string>();
}

std::string term(Lang lang, std::string_view prefix, const std::string& value) {
  if (value.empty()) return "";
  std::string key = std::string(prefix) + value;
  const nlohmann::json& s = strings(lang);
  auto it = s.find(key);
  return it == s.end() ? value : it->get<std::string>();
}

// [SECTION] Names

const std::string& name_of(const core::Text& t, Lang lang) {
  return lang == Lang::En && !t.en.empty() ? t.en : t.zh;
}

std::string community_name(const core::Catalog* catalog, const std::string& code, Lang lang) {
  if (catalog != nullptr) {
    if (const core::Community* c = catalog->community_by_code(code)) return name_of(c->name, lang);
  }
  return code;
}

std::string department_name(const core::Catalog* catalog, const std::string& id, Lang lang) {
  if (catalog != nullptr) {
    if (const core::Department* d = catalog->department_by_id(id)) return name_of(d->name, lang);
  }
  return id;
}

std::string office_name(const core::Catalog* catalog, const std::string& code, Lang lang) {
  if (catalog != nullptr) {
    if (const core::StreetOffice* o = catalog->street_office_by_code(code)) {
      return name_of(o->name, lang);
    }
  }
  return code;
}

std::string source_name(const core::Catalog* catalog, const std::string& id, Lang lang) {
  if (catalog != nullptr) {
    if (const core::WhistleSource* s = catalog->source_by_id(id)) return name_of(s->name, lang);
  }
  return id;
}

std::string who_text(const core::Catalog* catalog, const std::string& actor,
                     const std::string& role, const std::string& community, Lang lang) {
  if (role == "resident") return text(lang, "who_resident");
  if (role == "system") return text(lang, "who_system");
  if (role == "street_office") {
    const std::string name = office_name(catalog, actor, lang);
    return name != actor ? name : fill(text(lang, "who_office"), {actor});
  }
  if (role == "department") {
    const std::string name = department_name(catalog, actor, lang);
    return name != actor ? name : fill(text(lang, "who_department"), {actor});
  }
  if (role.empty()) return actor;
  const std::string role_label = term(lang, "actor_", role);
  const std::string place = community_name(catalog, community, lang);
  if (community.empty() || place == community) {
    return fill(text(lang, "who_staff_nocommunity"), {actor, role_label});
  }
  return fill(text(lang, "who_staff"), {place, actor, role_label});
}

std::string scope_name(const core::Catalog* catalog, ConsoleRole role, const std::string& scope,
                       Lang lang) {
  switch (role) {
    case ConsoleRole::Office:
      return office_name(catalog, scope, lang);
    case ConsoleRole::Department:
      return department_name(catalog, scope, lang);
    case ConsoleRole::Admin:
      if (catalog != nullptr && catalog->district.code == scope) {
        return name_of(catalog->district.name, lang);
      }
      return scope;
  }
  return scope;
}

std::string refusal_text(const core::Catalog* catalog, const Refusal& r, Lang lang) {
  if (lang == Lang::En) return r.message;
  auto t = [&](std::string_view key) { return text(lang, key); };
  switch (r.kind) {
    case RefusalKind::NoCatalog:
      return fill(t("err_no_catalog"), {r.user});
    case RefusalKind::AdminOfOtherDistrict:
      return fill(t("err_admin_other_district"),
                  {r.user, r.scope, catalog != nullptr ? catalog->district.code : ""});
    case RefusalKind::OfficeNotInCatalog:
      return fill(t("err_office_not_in_catalog"), {r.user, r.scope});
    case RefusalKind::DepartmentNotInCatalog:
      return fill(t("err_department_not_in_catalog"), {r.user, r.scope});
    case RefusalKind::CommunityNotInCatalog:
      return fill(t("err_community_not_in_catalog"), {r.case_code, r.community});
    case RefusalKind::NotOfficesCommunity:
      return fill(t("err_not_offices_community"),
                  {r.case_code, community_name(catalog, r.community, lang),
                   office_name(catalog, r.scope, lang)});
    case RefusalKind::NotWhistledToDepartment:
      return fill(t("err_not_whistled_to"), {r.case_code, department_name(catalog, r.scope, lang)});
    case RefusalKind::RoleMayNot: {
      const bool office_step =
          r.action == "whistle" || r.action == "escalate" || r.action == "send_back";
      const bool department_step =
          r.action == "report" || r.action == "feedback" || r.action == "return";
      return fill(t("err_role_may_not"), {r.user, term(lang, "action_", r.action),
                                          t(office_step       ? "err_by_office"
                                            : department_step ? "err_by_department"
                                                              : "err_by_writers")});
    }
  }
  return r.message;
}

}  // namespace weimin::server::console
