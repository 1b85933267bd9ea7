// The admin's pages (docs/CONSOLE.md): stations (enrolment tokens with a QR code, revoking),
// accounts (add, disable, reset, each password shown once) and the audit log. The routing in
// console.cpp lets only admins reach them.
#include <algorithm>
#include <tuple>

#include "console/impl.hpp"
#include "console/render.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"

namespace weimin::server {

using console::Ctx;
using console::Lang;
using nlohmann::json;
using sync::HttpResponse;

using console::name_of;

namespace {

// [SECTION] A station's link state (docs/CONSOLE.md, "Admin")

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
// Online: a signed request accepted this recently.
constexpr std::int64_t kOnlineMs = 15 * kMinuteMs;
// No successful push or pull for longer than these (since enrolment when there was none yet):
// amber, then red.
constexpr std::int64_t kAmberMs = 36 * kHourMs;
constexpr std::int64_t kRedMs = 72 * kHourMs;

struct LinkState {
  const char* name;  // "online", "today", "recent", "never", "amber", "red", "revoked"
  const char* css;   // the state cell's class ("" for none)
  int attention;     // lower sorts first: 0 red, 1 amber, 2 not synced yet, 3 fine, 4 revoked
};

LinkState link_state(const StationRecord& st, std::int64_t now_ms) {
  if (st.revoked_ms) return {"revoked", "", 4};
  const std::int64_t since = st.last_sync_ms > 0 ? st.last_sync_ms : st.enrolled_ms;
  if (now_ms - since > kRedMs) return {"red", "link-red", 0};
  if (now_ms - since > kAmberMs) return {"amber", "link-amber", 1};
  if (st.last_seen_ms > 0 && now_ms - st.last_seen_ms <= kOnlineMs) {
    return {"online", "link-online", 3};
  }
  if (st.last_sync_ms <= 0) return {"never", "", 2};
  if (core::local_date(st.last_sync_ms) == core::local_date(now_ms)) {
    return {"today", "", 3};
  }
  return {"recent", "", 3};
}

// "3 小时前": how long before now_ms `then_ms` was (minutes below an hour, hours below two
// days, then days).
std::string ago(const console::Ctx& c, std::int64_t then_ms, std::int64_t now_ms) {
  const std::int64_t d = std::max<std::int64_t>(0, now_ms - then_ms);
  if (d < kMinuteMs) return c.t("stations_ago_now");
  if (d < kHourMs)
    return console::fill(c.t("stations_ago_minutes"), {std::to_string(d / kMinuteMs)});
  if (d < 48 * kHourMs) {
    return console::fill(c.t("stations_ago_hours"), {std::to_string(d / kHourMs)});
  }
  return console::fill(c.t("stations_ago_days"), {std::to_string(d / (24 * kHourMs))});
}

}  // namespace

HttpResponse Console::Impl::stations(Ctx& c, json extra, int status) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const core::Catalog* catalog = cat->get();
  auto list = service.with_store([](DistrictStore& s) { return s.stations(); });
  if (!list.is_ok()) return internal(c, list.status().to_string());
  // The stations needing attention first (red, amber or a clock off, then not synced yet),
  // each group the longest without a sync first; revoked ones last.
  const std::int64_t now = service.clock().now_ms();
  struct Row {
    int attention;
    std::int64_t since;
    json data;
  };
  std::vector<Row> rows;
  for (const StationRecord& st : *list) {
    std::string community = st.community;
    if (catalog != nullptr) {
      if (const core::Community* cm = catalog->community_by_code(st.community)) {
        community = name_of(cm->name, c.lang) + " (" + st.community + ")";
      }
    }
    json skew = "";
    bool skew_off = false;
    if (st.skew_ms) {
      skew = std::to_string(*st.skew_ms / 1000) + " s";
      skew_off = *st.skew_ms > sync::kMaxClockSkewMs || *st.skew_ms < -sync::kMaxClockSkewMs;
    }
    const LinkState link = link_state(st, now);
    int attention = link.attention;
    if (skew_off && !st.revoked_ms && attention > 1) attention = 1;
    rows.push_back(
        {attention,
         st.last_sync_ms > 0 ? st.last_sync_ms : st.enrolled_ms,
         {{"station", st.station_id},
          {"community", community},
          {"version", st.version ? *st.version : c.t("stations_unknown")},
          {"version_known", st.version.has_value()},
          {"last_sync",
           st.last_sync_ms > 0 ? console::local_time(st.last_sync_ms) : c.t("stations_never")},
          {"last_sync_ago", st.last_sync_ms > 0 ? ago(c, st.last_sync_ms, now) : ""},
          {"waiting", st.waiting ? std::to_string(*st.waiting) : c.t("stations_unknown")},
          {"waiting_known", st.waiting.has_value()},
          {"link", c.t(std::string("stations_link_") + link.name)},
          {"link_state", link.name},
          {"link_class", link.css},
          {"last_request",
           st.last_seen_ms > 0 ? console::local_time(st.last_seen_ms) : c.t("stations_never")},
          {"last_request_ago", st.last_seen_ms > 0 ? ago(c, st.last_seen_ms, now) : ""},
          {"enrolled", console::local_time(st.enrolled_ms)},
          {"skew", skew},
          {"skew_off", skew_off},
          {"revoked", st.revoked_ms ? console::local_time(*st.revoked_ms) : ""},
          {"is_revoked", st.revoked_ms.has_value()},
          {"form_id", "revoke-" + st.station_id},
          {"revoke_action", "/console/stations/" + st.station_id + "/revoke"}}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.attention, a.since) < std::tie(b.attention, b.since);
  });
  json row_data = json::array();
  for (Row& r : rows) row_data.push_back(std::move(r.data));
  json communities = json::array();
  if (catalog != nullptr) {
    for (const core::Community& cm : catalog->communities) {
      communities.push_back({{"value", cm.code},
                             {"label", name_of(cm.name, c.lang) + " (" + cm.code + ")"},
                             {"selected", cm.code == c.form.get("community")}});
    }
  }
  json data{{"title", c.t("stations_title")},
            {"rows", std::move(row_data)},
            {"communities", std::move(communities)},
            {"csrf", c.session->csrf}};
  data.update(extra);
  return page(c, status, "stations", std::move(data));
}

HttpResponse Console::Impl::issue_token(Ctx& c) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const std::string community = c.form.get("community");
  if (*cat == nullptr || (*cat)->community_by_code(community) == nullptr) {
    return stations(c,
                    json{{"error", "community '" + community +
                                       "' is not in the published catalog; choose one of "
                                       "the list"}},
                    400);
  }
  auto token = service.issue_enroll_token(community);
  if (!token.is_ok()) return stations(c, json{{"error", token.status().message()}}, 400);
  audit(c, "issue_enroll_token", community, "");
  auto qr = console::qr_code(*token);
  if (!qr.is_ok()) return internal(c, qr.status().to_string());
  return stations(c, json{{"token", *token}, {"token_community", community}, {"qr", *qr}});
}

HttpResponse Console::Impl::revoke_station(Ctx& c, const std::string& station_id) {
  auto s = service.with_store([&](DistrictStore& store) {
    return store.revoke_station(station_id, service.clock().now_ms());
  });
  if (!s.is_ok()) {
    if (s.code() == ErrorCode::NotFound) return not_found(c);
    return stations(c, json{{"error", s.message()}}, 409);
  }
  audit(c, "revoke_station", station_id, c.form.get("reason"));
  return redirect("/console/stations");
}

HttpResponse Console::Impl::accounts_page(Ctx& c, json extra, int status) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  const core::Catalog* catalog = cat->get();
  auto list = accounts.list();
  if (!list.is_ok()) return internal(c, list.status().to_string());
  const std::int64_t now = service.clock().now_ms();
  json rows = json::array();
  for (const AccountRecord& a : *list) {
    std::string state = a.disabled                ? c.t("state_disabled")
                        : a.locked_until_ms > now ? c.t("state_locked")
                        : a.must_change_password  ? c.t("state_must_change")
                                                  : c.t("state_active");
    auto role = parse_console_role(a.role);
    const std::string scope_name =
        role.is_ok() ? console::scope_name(catalog, *role, a.scope, c.lang) : a.scope;
    rows.push_back({{"user", a.user},
                    {"role", c.t("role_" + a.role)},
                    {"scope_name", scope_name},
                    {"scope_code", scope_name == a.scope ? "" : a.scope},
                    {"state", state},
                    {"disabled", a.disabled},
                    {"created", console::local_time(a.created_ms)},
                    {"disable_action", "/console/accounts/" + a.user + "/disable"},
                    {"reset_action", "/console/accounts/" + a.user + "/reset"},
                    {"disable_id", "disable-" + a.user},
                    {"reset_id", "reset-" + a.user}});
  }
  const std::string role = c.form.get("role");
  json roles = json::array();
  for (const char* r : {"office", "department", "admin"}) {
    roles.push_back(
        {{"value", r}, {"label", c.t(std::string("role_") + r)}, {"selected", role == r}});
  }
  // The scopes the catalog offers, for the add form's list.
  json scopes = json::array();
  if (catalog != nullptr) {
    scopes.push_back(
        {{"value", catalog->district.code},
         {"label", c.t("role_admin") + " · " + name_of(catalog->district.name, c.lang)}});
    for (const core::StreetOffice& o : catalog->street_offices) {
      scopes.push_back(
          {{"value", o.code}, {"label", c.t("role_office") + " · " + name_of(o.name, c.lang)}});
    }
    for (const core::Department& d : catalog->departments) {
      scopes.push_back(
          {{"value", d.id}, {"label", c.t("role_department") + " · " + name_of(d.name, c.lang)}});
    }
  }
  json data{{"title", c.t("accounts_title")}, {"rows", std::move(rows)},
            {"scopes", std::move(scopes)},    {"roles", std::move(roles)},
            {"v_user", c.form.get("user")},   {"v_scope", c.form.get("scope")},
            {"csrf", c.session->csrf}};
  data.update(extra);
  return page(c, status, "accounts", std::move(data));
}

HttpResponse Console::Impl::add_account(Ctx& c) {
  if (auto field = console::too_long_field(c.form, 256)) {
    return accounts_page(
        c,
        json{{"error", console::fill(c.t("field_too_long"),
                                     {*field, std::to_string(c.form.get(*field).size()), "256"})}},
        400);
  }
  auto role = parse_console_role(c.form.get("role"));
  if (!role.is_ok()) {
    return accounts_page(
        c, json{{"error", c.lang == Lang::En ? role.status().message() : c.t("err_role")}}, 400);
  }
  const std::string user = c.form.get("user");
  const std::string scope = c.form.get("scope");
  auto made = accounts.add(user, *role, scope, c.form.get("password"), c.who().user);
  if (!made.is_ok()) {
    const Status& s = made.status();
    std::string words = s.message();
    if (c.lang != Lang::En) {
      // Which field was wrong: a user name not 3-32 of [a-z0-9._-], a taken one, or the scope.
      const bool name_ok = user.size() >= 3 && user.size() <= 32 &&
                           std::all_of(user.begin(), user.end(), [](char ch) {
                             return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                                    ch == '.' || ch == '_' || ch == '-';
                           });
      auto cat = catalog();
      const std::string district =
          cat.is_ok() && *cat != nullptr ? (*cat)->district.code : std::string();
      words = s.code() == ErrorCode::AlreadyExists ? console::fill(c.t("err_user_taken"), {user})
              : !name_ok                           ? console::fill(c.t("err_user_name"), {user})
              : s.code() == ErrorCode::Invalid
                  ? console::fill(c.t("err_scope"),
                                  {scope, c.t("role_" + std::string(to_string(*role))), district})
                  : c.t("err_busy");
    }
    return accounts_page(c, json{{"error", words}},
                         s.code() == ErrorCode::AlreadyExists ? 409 : 400);
  }
  audit(c, "account_add", user, c.form.get("role") + " " + c.form.get("scope"));
  json extra{{"done_user", user}};
  if (!made->empty()) {
    extra["one_time"] = console::fill(c.t("one_time_password"), {*made});
  }
  c.form = console::Form{};  // the add form starts empty again
  return accounts_page(c, std::move(extra));
}

HttpResponse Console::Impl::account_action(Ctx& c, const std::string& user,
                                           const std::string& action) {
  if (action == "disable") {
    Status s = accounts.disable(user, c.who().user);
    if (!s.is_ok()) {
      if (s.code() == ErrorCode::NotFound) return not_found(c);
      return accounts_page(
          c,
          json{{"error", c.lang == Lang::En
                             ? s.message()
                             : console::fill(c.t("err_account_action"), {c.t("account_disable")})}},
          409);
    }
    audit(c, "account_disable", user, "");
    return redirect("/console/accounts");
  }
  if (action == "reset") {
    auto pw = accounts.reset(user, c.who().user);
    if (!pw.is_ok()) {
      if (pw.status().code() == ErrorCode::NotFound) return not_found(c);
      return accounts_page(
          c,
          json{{"error", c.lang == Lang::En
                             ? pw.status().message()
                             : console::fill(c.t("err_account_action"), {c.t("account_reset")})}},
          409);
    }
    audit(c, "account_reset", user, "");
    c.form = console::Form{};
    return accounts_page(
        c, json{{"done_user", user}, {"one_time", console::fill(c.t("one_time_password"), {*pw})}});
  }
  return not_found(c);
}

HttpResponse Console::Impl::audit_page(Ctx& c) {
  std::int64_t before = 0;
  const std::string b = c.query.get("before");
  if (!b.empty()) {
    try {
      before = std::stoll(b);
    } catch (...) {
      before = 0;
    }
  }
  constexpr int kPage = 100;
  auto log = accounts.audit_log(before, kPage);
  if (!log.is_ok()) return internal(c, log.status().to_string());
  json rows = json::array();
  for (const AuditRecord& a : *log) {
    // A case's id is shown as its tracking code (the id in its title).
    std::string target_code;
    if (auto id = core::Uuid::parse(a.target)) target_code = core::tracking_code(*id);
    std::string action = a.action;
    if (action.rfind("denied", 0) == 0) action = "denied";
    rows.push_back({{"at", console::local_time(a.at_ms)},
                    {"user", a.user},
                    {"address", a.address},
                    {"action_key", a.action},
                    {"action", console::term(c.lang, "audit_", action) +
                                   (action != a.action ? " (" + a.action + ")" : "")},
                    {"target", a.target},
                    {"target_code", target_code},
                    {"detail", a.detail}});
  }
  json data{{"title", c.t("audit_title")}, {"rows", std::move(rows)}};
  if (static_cast<int>(log->size()) == kPage) {
    data["older_href"] = "/console/audit?before=" + std::to_string(log->back().id);
  }
  return page(c, 200, "audit", std::move(data));
}

}  // namespace weimin::server
