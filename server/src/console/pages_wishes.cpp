// The console's neighbour-services page (/console/wishes; docs/CONSOLE.md): residents' wishes
// (微心愿 and the five helps 五助) by community and stage, the care lists of home elderly care
// (居家养老) and their visits and call-backs, each principal in its own scope
// (neighbour::scoped): an office its communities', an admin all, a department none. Names are
// shown masked (their first character), phones as the stations masked them, and personal numbers
// in free text masked again. Its words are in its own table here.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "console/impl.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/server/neighbour.hpp"

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
    {"title", "近邻服务与居家养老", "Neighbour services and home elderly care"},
    {"figures", "统计", "Figures"},
    {"fig_posted", "心愿（件）", "Wishes posted"},
    {"fig_open", "待认领", "Open"},
    {"fig_claimed", "已认领", "Claimed"},
    {"fig_fulfilled", "已完成", "Fulfilled"},
    {"fig_confirmed", "居民已确认", "Confirmed"},
    {"fig_withdrawn", "已撤回", "Withdrawn"},
    {"fig_listed", "关爱名单（人）", "On the care lists"},
    {"fig_visits_due", "本月尚未探访", "Not visited this month"},
    {"fig_visits", "上门探访（次）", "Home visits"},
    {"fig_calls", "电话回访（次）", "Phone call-backs"},
    {"fig_needs_help", "需要帮助", "Found needing help"},
    {"fig_conflicts", "冲突记录", "Conflicts kept"},
    {"by_help", "按“五助”类别", "By kind of help"},
    {"by_community", "按社区", "By community"},
    {"col_help", "类别", "Kind of help"},
    {"col_posted", "发布", "Posted"},
    {"col_open", "待认领", "Open"},
    {"col_claimed", "已认领", "Claimed"},
    {"col_fulfilled", "已完成", "Fulfilled"},
    {"col_confirmed", "已确认", "Confirmed"},
    {"col_withdrawn", "已撤回", "Withdrawn"},
    {"total", "合计", "Total"},
    {"help_childcare", "助幼", "Childcare"},
    {"help_education", "助教", "Education"},
    {"help_health", "助医", "Health"},
    {"help_elderly", "助老", "Elderly"},
    {"help_hardship", "助困", "Hardship"},
    {"help_micro_wish", "微心愿", "Micro-wish"},
    {"stage_open", "待认领", "open"},
    {"stage_claimed", "已认领", "claimed"},
    {"stage_fulfilled", "已完成", "fulfilled"},
    {"stage_confirmed", "已确认", "confirmed"},
    {"stage_withdrawn", "已撤回", "withdrawn"},
    {"wishes", "心愿清单", "Wishes"},
    {"col_number", "编号", "Number"},
    {"col_wish", "心愿", "Wish"},
    {"col_stage", "状态", "Stage"},
    {"col_claimant", "认领人", "Claimed by"},
    {"col_posted_at", "发布时间", "Posted"},
    {"claimant_volunteer", "志愿者", "volunteer"},
    {"claimant_staff", "工作人员", "staff"},
    {"care", "关爱名单", "Care lists"},
    {"col_name", "称呼", "Name"},
    {"col_phone", "电话", "Phone"},
    {"col_last_visit", "最近探访", "Last visit"},
    {"col_last_call", "最近回访", "Last call"},
    {"due", "本月待探访", "visit due"},
    {"never", "尚无", "none yet"},
    {"log", "探访与回访记录", "Visits and call-backs"},
    {"col_when", "时间", "When"},
    {"col_kind", "方式", "Kind"},
    {"col_outcome", "结果", "Outcome"},
    {"col_by", "探访人", "By"},
    {"col_note", "备注", "Note"},
    {"kind_visit_logged", "上门探访", "home visit"},
    {"kind_call_logged", "电话回访", "phone call-back"},
    {"outcome_well", "安好", "well"},
    {"outcome_needs_help", "需要帮助", "needs help"},
    {"outcome_not_reached", "未联系上", "not reached"},
    {"conflicts", "冲突记录", "Conflicts"},
    {"conflicts_hint", "这些步骤与心愿当时的状态不符（例如认领已完成的心愿），保留在此供核查，不计入统计。", "These steps did not fit the wish's state when they came (a claim on a fulfilled wish); they are kept here to be checked and are not counted."},
    {"col_fact_kind", "类型", "Kind"},
    {"col_reason", "原因", "Reason"},
    {"none", "暂无记录", "No records"},
    {"scope_office", "范围：{}所辖社区", "Scope: the communities of {}"},
    {"scope_department", "职能部门不查看社区的近邻服务记录（{}）", "A department keeps no neighbour services records ({})"},
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

// A name as shown here: its first character, the others as "*" ("张奶奶" → "张**").
std::string masked_name(const std::string& name) {
  if (name.empty()) return name;
  std::size_t first = 1;
  while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
  std::string out = name.substr(0, first);
  for (std::size_t i = first; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) out += '*';
  }
  return out;
}

// The short number staff use for a wish (the last six hex digits of its id, as at the station).
std::string short_number(const core::Uuid& id) {
  std::string s = id.to_string().substr(30);
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

json count_cells(const core::WishCounts& n) {
  return {{"posted", n.posted},       {"open", n.open},           {"claimed", n.claimed},
          {"fulfilled", n.fulfilled}, {"confirmed", n.confirmed}, {"withdrawn", n.withdrawn}};
}

}  // namespace

HttpResponse Console::Impl::wishes_page(Ctx& c) {
  auto cat = catalog_for(c);
  if (auto* refused = std::get_if<sync::HttpResponse>(&cat)) return std::move(*refused);
  const core::Catalog* catalog = std::get<0>(cat).get();
  const Principal& who = c.who();
  const std::string community = c.query.get("community");
  if (auto refused = community_refusal(c, catalog, community, word(c, "err_bad_community"),
                                       word(c, "err_community"))) {
    return std::move(*refused);
  }
  auto all = service.neighbour_records();
  if (!all.is_ok()) return failure(c, all.status());
  NeighbourRecords mine = neighbour::scoped(*all, who, catalog);
  if (!community.empty()) {
    auto keep = [&](const auto& rows) { return console::of_community(rows, community); };
    mine.wishes = keep(mine.wishes);
    mine.care = keep(mine.care);
    mine.logs = keep(mine.logs);
    mine.conflicts = keep(mine.conflicts);
  }
  const std::string month = core::local_date(service.clock().now_ms()).to_string().substr(0, 7);
  const NeighbourFigures f = mine.figures(month);
  auto place = [&](const std::string& code) {
    return console::community_name(catalog, code, c.lang);
  };

  json data{
      {"title", word(c, "title")},
      {"w", words(c.lang)},
      {"community", community},
      {"scope_text", console::fill(word(c, "scope_" + std::string(to_string(who.role))),
                                   {console::scope_name(catalog, who.role, who.scope, c.lang)})}};
  json figures = json::array();
  auto figure = [&](const char* id, int value) {
    figures.push_back({{"id", id}, {"label", word(c, std::string("fig_") + id)}, {"value", value}});
  };
  auto outcomes = [](const std::map<core::CareOutcome, int>& m,
                     std::optional<core::CareOutcome> o) {
    int n = 0;
    for (const auto& [k, v] : m) n += !o || k == *o ? v : 0;
    return n;
  };
  figure("posted", f.wishes.posted);
  figure("open", f.wishes.open);
  figure("claimed", f.wishes.claimed);
  figure("fulfilled", f.wishes.fulfilled);
  figure("confirmed", f.wishes.confirmed);
  figure("withdrawn", f.wishes.withdrawn);
  figure("listed", f.listed);
  figure("visits_due", f.visits_due);
  figure("visits", outcomes(f.care.visits, std::nullopt));
  figure("calls", outcomes(f.care.calls, std::nullopt));
  figure("needs_help", outcomes(f.care.visits, core::CareOutcome::NeedsHelp) +
                           outcomes(f.care.calls, core::CareOutcome::NeedsHelp));
  figure("conflicts", f.conflicts);
  data["figures"] = std::move(figures);

  json by_help = json::array();
  for (core::HelpKind h : core::kHelpKinds) {
    auto it = f.by_help.find(h);
    json row = count_cells(it == f.by_help.end() ? core::WishCounts{} : it->second);
    row["id"] = std::string(core::to_string(h));
    row["label"] = word(c, "help_" + std::string(core::to_string(h)));
    by_help.push_back(std::move(row));
  }
  data["by_help"] = std::move(by_help);
  json total = count_cells(f.wishes);
  total["label"] = word(c, "total");
  data["total"] = std::move(total);

  // Per community: the counts, then the wishes in the order that needs someone first.
  std::map<std::string, core::WishCounts> per_community;
  for (const auto& row : mine.wishes) {
    const core::Wish& w = row.wish;
    core::WishCounts& n = per_community[row.community];
    ++n.posted;
    n.claimed += w.claim.has_value();
    n.fulfilled += w.fulfilled.has_value();
    n.confirmed += w.confirmed.has_value();
    n.withdrawn += w.stage == core::WishStage::Withdrawn;
    n.open += w.stage == core::WishStage::Open;
  }
  json by_community = json::array();
  for (const auto& [code, n] : per_community) {
    json row = count_cells(n);
    row["code"] = code;
    row["label"] = place(code);
    by_community.push_back(std::move(row));
  }
  data["has_by_community"] = !by_community.empty();
  data["by_community"] = std::move(by_community);

  // The lists, a bounded page of each from the store in its order (NeighbourQuery), within the
  // same scope as the figures.
  NeighbourPage shown;
  if (auto q = neighbour::scoped_query(who, catalog)) {
    q->community = community;
    q->limit = options.page_size;
    q->wishes_from = console::page_offset(c, "wishes_from");
    q->care_from = console::page_offset(c, "care_from");
    q->logs_from = console::page_offset(c, "log_from");
    q->conflicts_from = console::page_offset(c, "conflicts_from");
    auto got = service.with_store([&](DistrictStore& s) { return s.neighbour_page(*q); });
    if (!got.is_ok()) return failure(c, got.status());
    shown = std::move(*got);
    auto paging = [&](const char* id, const char* param, std::int64_t from, std::size_t rows,
                      bool more, const char* anchor, const char* label) {
      json p =
          console::paging(c, "/console/wishes", param, from, options.page_size, rows, more, anchor);
      p["id"] = id;
      p["label"] = word(c, label);
      std::string key(id);
      std::replace(key.begin(), key.end(), '-', '_');
      data[key] = std::move(p);
    };
    paging("wish-paging", "wishes_from", q->wishes_from, shown.rows.wishes.size(),
           shown.more_wishes, "wish-list-h", "wishes");
    paging("care-paging", "care_from", q->care_from, shown.rows.care.size(), shown.more_care,
           "care-list-h", "care");
    paging("log-paging", "log_from", q->logs_from, shown.rows.logs.size(), shown.more_logs,
           "care-log-h", "log");
    paging("conflict-paging", "conflicts_from", q->conflicts_from, shown.rows.conflicts.size(),
           shown.more_conflicts, "wish-conflicts-h", "conflicts");
  }
  json list = json::array();
  for (const auto& row_ : shown.rows.wishes) {
    const NeighbourWishRow* row = &row_;
    const core::Wish& w = row->wish;
    std::string claimant;
    if (w.claim) {
      claimant = masked_name(w.claim->name) + " (" +
                 word(c, "claimant_" + std::string(core::to_string(w.claim->claimant))) + ")";
    }
    const std::string stage(core::to_string(w.stage));
    list.push_back({{"id", w.id.to_string()},
                    {"community", place(row->community)},
                    {"number", short_number(w.id)},
                    {"help", word(c, "help_" + std::string(core::to_string(w.help)))},
                    {"text", core::mask_personal_numbers_in_text(w.text)},
                    {"stage", word(c, "stage_" + stage)},
                    {"stage_id", stage},
                    {"claimant", claimant},
                    {"posted", console::local_time(w.posted_ms)}});
  }
  data["has_wishes"] = !list.empty();
  data["wishes"] = std::move(list);

  std::map<std::string, bool> visited;  // subject → visited this month
  for (const auto& row : mine.logs) {
    if (row.event.kind == core::CareEventKind::Visit &&
        core::local_date(row.event.wall_ms).to_string().starts_with(month)) {
      visited[row.event.person.to_string()] = true;
    }
  }
  json care = json::array();
  for (const auto& row : shown.rows.care) {
    const core::CareRecord& r = row.record;
    if (!r.listed) continue;
    care.push_back(
        {{"id", r.person.to_string()},
         {"community", place(row.community)},
         {"name", masked_name(r.name)},
         {"phone", r.phone_masked},
         {"last_visit", r.last_visit_ms ? console::local_time(*r.last_visit_ms) : word(c, "never")},
         {"last_call", r.last_call_ms ? console::local_time(*r.last_call_ms) : word(c, "never")},
         {"due", !visited.contains(r.person.to_string())}});
  }
  data["has_care"] = !care.empty();
  data["care"] = std::move(care);

  json log = json::array();
  for (const auto& row_ : shown.rows.logs) {
    const NeighbourLogRow* row = &row_;
    const core::CareEvent& e = row->event;
    const std::string outcome(core::to_string(e.outcome));
    log.push_back({{"id", e.id.to_string()},
                   {"when", console::local_time(e.wall_ms)},
                   {"community", place(row->community)},
                   {"name", masked_name(row->name)},
                   {"kind", word(c, "kind_" + std::string(core::to_string(e.kind)).substr(5))},
                   {"outcome", word(c, "outcome_" + outcome)},
                   {"outcome_id", outcome},
                   {"by", e.by.empty() ? e.actor : masked_name(e.by)},
                   {"note", core::mask_personal_numbers_in_text(e.text)}});
  }
  data["has_log"] = !log.empty();
  data["log"] = std::move(log);

  // A conflict's reason may name who holds the wish ("claimed already by …"): every name known
  // here is masked in it.
  std::set<std::string> names;
  for (const auto& row : mine.wishes) {
    if (row.wish.claim) names.insert(row.wish.claim->name);
    for (const auto& c : row.wish.conflicts) names.insert(c.event.name);
  }
  for (const auto& row : mine.care) names.insert(row.record.name);
  for (const auto& row : mine.logs) names.insert(row.event.by);
  names.erase("");
  json conflicts = json::array();
  for (const auto& row : shown.rows.conflicts) {
    std::string reason = core::mask_personal_numbers_in_text(row.reason);
    for (const std::string& name : names) {
      const std::string shown = masked_name(name);
      for (auto at = reason.find(name); at != std::string::npos; at = reason.find(name, at)) {
        reason.replace(at, name.size(), shown);
        at += shown.size();
      }
    }
    conflicts.push_back({{"fact_id", row.fact_id},
                         {"community", place(row.community)},
                         {"kind", row.kind},
                         {"reason", reason}});
  }
  data["has_conflicts"] = !conflicts.empty() || f.conflicts > 0;
  data["conflicts"] = std::move(conflicts);
  return page(c, 200, "wishes", std::move(data));
}

}  // namespace weimin::server
