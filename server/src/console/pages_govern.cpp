// The console's governance page (/console/govern): community consultation (社区协商), work-access
// applications (社区工作准入) and the certificate register, with the figures as the seeds count
// them, each principal in its own scope (govern::scoped): an office its communities', a
// department the applications naming it, an admin all. Its words are in its own table here.
#include <map>

#include "console/impl.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/server/govern.hpp"

namespace weimin::server {

using console::Ctx;
using json = nlohmann::json;
using sync::HttpResponse;

namespace {

struct Words {
  const char* key;
  const char* zh;
  const char* en;
};

// clang-format off
constexpr Words kWords[] = {
    {"title", "社区协商与工作准入", "Consultation and work access"},
    {"figures", "统计", "Figures"},
    {"fig_activities", "协商活动（次）", "Consultation activities"},
    {"fig_items", "协商事项（项）", "Consultation items"},
    {"fig_carried_out", "已落实（项）", "Items carried out"},
    {"fig_topics", "议题", "Topics"},
    {"fig_applications", "准入申请", "Work-access applications"},
    {"fig_approved", "准入批准", "Approved"},
    {"fig_refused", "准入不予批准", "Refused"},
    {"fig_pending", "待审批", "Pending"},
    {"fig_certificates", "开具经济困难证明", "Hardship certificates issued"},
    {"fig_conflicts", "冲突记录", "Conflicts kept"},
    {"topics", "社区协商议题", "Consultation topics"},
    {"applications", "社区工作准入申请", "Work-access applications"},
    {"certificates", "证明开具登记", "Certificate register"},
    {"conflicts", "冲突记录", "Conflicts"},
    {"conflicts_hint", "这些记录与已有记录不符（例如对已否决的申请再作决定、开具目录不允许的证明），保留在此供核查，不计入统计。", "These facts do not fit the records (a decision on an application already decided, a certificate the catalog forbids); they are kept here to be checked and are not counted."},
    {"none", "暂无记录", "No records"},
    {"by_resident", "居民提出", "raised by a resident"},
    {"col_title", "议题", "Topic"},
    {"col_status", "状态", "Status"},
    {"col_meetings", "协商活动", "Meetings"},
    {"col_decisions", "协商事项", "Decisions"},
    {"col_department", "推送部门", "Department"},
    {"col_task", "事项", "Task"},
    {"col_check", "清单核对", "List check"},
    {"col_decided", "审批", "Decision"},
    {"col_certificate", "证明", "Certificate"},
    {"col_resident", "居民", "Resident"},
    {"col_basis", "事由", "Basis"},
    {"col_issued", "开具日期", "Issued"},
    {"col_staff", "经办人", "Staff"},
    {"col_kind", "类型", "Kind"},
    {"col_reason", "原因", "Reason"},
    {"participants", "{} 人参加", "{} took part"},
    {"done_on", "{} 已落实", "carried out {}"},
    {"not_done", "未落实", "not carried out yet"},
    {"decided", "{}，{}", "{}, {}"},
    {"status_raised", "已提出", "raised"},
    {"status_discussed", "已协商", "discussed"},
    {"status_decided", "已形成事项", "decided"},
    {"status_carried_out", "已落实", "carried out"},
    {"app_pending", "待审批", "pending"},
    {"app_approved", "批准", "approved"},
    {"app_refused", "不予批准", "refused"},
    {"verdict_on_list", "在清单内", "on the list"},
    {"verdict_needs_approval", "需准入审批", "needs approval"},
    {"scope_office", "范围：{}所辖社区", "Scope: the communities of {}"},
    {"scope_department", "范围：推送部门为{}的准入申请", "Scope: the work-access applications naming {}"},
    {"scope_admin", "范围：全区（{}）", "Scope: the whole district ({})"},
    {"err_community", "{}不是{}管辖的社区：街道只能查看本街道社区的记录", "{} is not one of {}'s communities: a street office sees its own communities' records"},
    {"err_bad_community", "“{}”不是社区代码：请填 12 位社区代码", "'{}' is not a community code: use the 12 digits"},
};
// clang-format on

json words(console::Lang lang) {
  json j = json::object();
  for (const Words& w : kWords) j[w.key] = lang == console::Lang::Zh ? w.zh : w.en;
  return j;
}

std::string word(const Ctx& c, std::string_view key) {
  for (const Words& w : kWords) {
    if (key == w.key) return c.lang == console::Lang::Zh ? w.zh : w.en;
  }
  return std::string(key);
}

bool all_digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

std::optional<HttpResponse> Console::Impl::community_refusal(const Ctx& c,
                                                             const core::Catalog* catalog,
                                                             const std::string& community,
                                                             const std::string& bad_code,
                                                             const std::string& not_yours) {
  if (community.empty()) return std::nullopt;
  if (community.size() != 12 || !all_digits(community)) {
    return forbidden(c, console::fill(bad_code, {community}),
                     "'" + community + "' is not a community code");
  }
  // An office asking for another office's community is refused, and the refusal audited.
  const Principal& who = c.who();
  if (who.role == ConsoleRole::Office && !office_serves(who.scope, community)) {
    return forbidden(
        c,
        console::fill(not_yours, {console::community_name(catalog, community, c.lang),
                                  console::scope_name(catalog, who.role, who.scope, c.lang)}),
        "community " + community + " is not one of office " + who.scope + "'s");
  }
  return std::nullopt;
}

HttpResponse Console::Impl::govern_page(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const Principal& who = c.who();
  const std::string community = c.query.get("community");
  if (auto refused = community_refusal(c, catalog, community, word(c, "err_bad_community"),
                                       word(c, "err_community"))) {
    return std::move(*refused);
  }
  auto all = service.govern_records();
  if (!all.is_ok()) return failure(c, all.status());
  GovernRecords mine = govern::scoped(*all, who, catalog);
  if (!community.empty()) {
    auto keep = [&](const auto& rows) { return console::of_community(rows, community); };
    mine.topics = keep(mine.topics);
    mine.applications = keep(mine.applications);
    mine.certificates = keep(mine.certificates);
    mine.conflicts = keep(mine.conflicts);
  }
  const GovernFigures f = mine.figures();
  const bool department = who.role == ConsoleRole::Department;
  json data{
      {"title", word(c, "title")},
      {"g", words(c.lang)},
      {"community", community},
      {"show_consult", !department},
      {"show_certificates", !department},
      {"scope_text", console::fill(word(c, "scope_" + std::string(to_string(who.role))),
                                   {console::scope_name(catalog, who.role, who.scope, c.lang)})}};
  json figures = json::array();
  auto figure = [&](const char* id, int value) {
    figures.push_back({{"id", id}, {"label", word(c, std::string("fig_") + id)}, {"value", value}});
  };
  if (!department) {
    figure("activities", f.activities);
    figure("items", f.items);
    figure("carried_out", f.carried_out);
    figure("topics", f.topics);
  }
  figure("applications", f.applications);
  figure("approved", f.approved);
  figure("refused", f.refused);
  figure("pending", f.pending);
  if (!department) figure("certificates", f.certificates);
  figure("conflicts", f.conflicts);
  data["figures"] = std::move(figures);

  auto place = [&](const std::string& code) {
    return console::community_name(catalog, code, c.lang);
  };
  // The lists, a bounded page of each from the store, newest first (GovernQuery), within the
  // same scope as the figures.
  GovernPage shown;
  if (auto q = govern::scoped_query(who, catalog)) {
    q->community = community;
    q->limit = options.page_size;
    q->topics_from = console::page_offset(c, "topics_from");
    q->applications_from = console::page_offset(c, "applications_from");
    q->certificates_from = console::page_offset(c, "certificates_from");
    q->conflicts_from = console::page_offset(c, "conflicts_from");
    auto got = service.with_store([&](DistrictStore& s) { return s.govern_page(*q); });
    if (!got.is_ok()) return failure(c, got.status());
    shown = std::move(*got);
    auto paging = [&](const char* key, const char* id, const char* param, std::int64_t from,
                      std::size_t rows, bool more, const char* anchor, const char* label) {
      json p =
          console::paging(c, "/console/govern", param, from, options.page_size, rows, more, anchor);
      p["id"] = id;
      p["label"] = word(c, label);
      data[key] = std::move(p);
    };
    paging("topic_paging", "topic-paging", "topics_from", q->topics_from, shown.rows.topics.size(),
           shown.more_topics, "govern-topics-h", "topics");
    paging("application_paging", "application-paging", "applications_from", q->applications_from,
           shown.rows.applications.size(), shown.more_applications, "govern-apps-h",
           "applications");
    paging("certificate_paging", "certificate-paging", "certificates_from", q->certificates_from,
           shown.rows.certificates.size(), shown.more_certificates, "govern-certs-h",
           "certificates");
    paging("conflict_paging", "conflict-paging", "conflicts_from", q->conflicts_from,
           shown.rows.conflicts.size(), shown.more_conflicts, "govern-conflicts-h", "conflicts");
  }
  json topics = json::array();
  for (const auto& row : shown.rows.topics) {
    const core::ConsultTopic& t = row.topic;
    json meetings = json::array();
    for (const auto& m : t.meetings) {
      meetings.push_back({{"date", m.date.to_string()},
                          {"participants_text", console::fill(word(c, "participants"),
                                                              {std::to_string(m.participants)})},
                          {"parties", m.parties},
                          {"minutes", m.minutes}});
    }
    json decisions = json::array();
    for (const auto& d : t.decisions) {
      decisions.push_back(
          {{"text", d.text},
           {"done_text", d.done_on ? console::fill(word(c, "done_on"), {d.done_on->to_string()})
                                   : word(c, "not_done")}});
    }
    topics.push_back({{"id", t.id.to_string()},
                      {"community", place(row.community)},
                      {"title", t.title},
                      {"detail", t.detail},
                      {"by_resident", t.by_resident},
                      {"status", word(c, "status_" + std::string(core::to_string(t.status())))},
                      {"meetings", meetings},
                      {"decisions", decisions}});
  }
  data["has_topics"] = !topics.empty();
  data["topics"] = std::move(topics);

  json apps = json::array();
  for (const auto& row : shown.rows.applications) {
    const core::AccessApplication& a = row.application;
    const core::Department* dept =
        catalog ? catalog->department_by_id(a.applied.department) : nullptr;
    const std::string status(core::to_string(a.status()));
    apps.push_back(
        {{"id", a.id.to_string()},
         {"community", place(row.community)},
         {"department", dept ? console::name_of(dept->name, c.lang) : a.applied.department},
         {"task", a.applied.task},
         {"evidence", a.applied.evidence},
         {"verdict", word(c, "verdict_" + std::string(core::to_string(a.applied.verdict)))},
         {"status", word(c, "app_" + status)},
         {"status_id", status},
         {"decided",
          a.decision ? console::fill(word(c, "decided"),
                                     {a.decision->decided_by, a.decision->decided_on.to_string()})
                     : ""}});
  }
  data["has_applications"] = !apps.empty();
  data["applications"] = std::move(apps);

  json certs = json::array();
  for (const auto& row : shown.rows.certificates) {
    const core::CertificateEntry& e = row.entry;
    const core::Certificate* cert =
        catalog ? catalog->certificate_by_id(e.issued.certificate) : nullptr;
    certs.push_back(
        {{"id", e.id.to_string()},
         {"community", place(row.community)},
         {"certificate", cert ? console::name_of(cert->name, c.lang) : e.issued.certificate},
         {"resident", core::mask_name(e.issued.resident_name) + " " + e.issued.resident_id_masked},
         {"basis", e.issued.basis},
         {"issued_on", e.issued.issued_on.to_string()},
         {"staff", e.staff}});
  }
  data["has_certificates"] = !certs.empty();
  data["certificates"] = std::move(certs);

  json conflicts = json::array();
  for (const auto& row : shown.rows.conflicts) {
    conflicts.push_back({{"fact_id", row.fact_id},
                         {"community", place(row.community)},
                         {"kind", row.kind},
                         {"reason", row.reason}});
  }
  data["has_conflicts"] = !conflicts.empty() || f.conflicts > 0;
  data["conflicts"] = std::move(conflicts);
  return page(c, 200, "govern", std::move(data));
}

}  // namespace weimin::server
