// The console's insides (console.hpp): one request's context, the page and redirect builders
// the pages share, and the page handlers (console.cpp: routing, sign-in, sessions, CSRF;
// pages_cases.cpp: inbox and case page with its actions; pages_admin.cpp: stations, accounts,
// audit; pages_figures.cpp: figures, their exports, the staff sheet).
// Thread-safety: Impl is shared by every request thread; its members only read its fields
// except the catalog cache, which takes catalog_mutex.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "console/forms.hpp"
#include "console/strings.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/scope.hpp"

namespace weimin::server {

namespace console {

// One request as the console sees it.
struct Ctx {
  const sync::HttpRequest& req;
  RequestLog& log;
  Lang lang = Lang::Zh;
  std::string address;  // the client's address for the audit ("-" when unknown)
  Form query;
  Form form;  // a POST's fields
  std::optional<Accounts::Session> session;
  const Principal& who() const { return session->who; }
  std::string t(std::string_view key) const { return text(lang, key); }
};

// [SECTION] Deadline words (pages_calendar.cpp)
// "2 个工作日" / "48 hours".
std::string limit_text(const Ctx& c, int count, core::DeadlineUnit unit);
// "报到 2 个工作日 · 反馈 5 个工作日 · 核实 3 个工作日" for a kind of the catalog; "" when none.
std::string deadline_limits_text(const Ctx& c, const core::Catalog& catalog,
                                 core::WhistleKind kind);
// A due time: "2026-02-24 24:00" for working days (core::local_deadline_time), local_time for
// hours; "" for 0.
std::string due_text(std::int64_t due_ms, core::DeadlineUnit unit);

// [SECTION] Paged lists (paging.cpp)
// Where a list's page starts: ?<param>= as a whole number of rows (at most 10^9), 0 when absent
// or not one (a hand-edited link shows the first page).
std::int64_t page_offset(const Ctx& c, std::string_view param);
// The paging of one list of the page at `path` showing `rows` rows from `offset`, `more`
// following: {"shown": "第 1–50 条", "prev_href", "next_href"} (each href only when there is
// such a page), the request's other query fields kept, `param` moved by a page, "#anchor" at
// the end so the browser lands on the list. Plain links: no JavaScript needed.
nlohmann::json paging(const Ctx& c, std::string_view path, std::string_view param,
                      std::int64_t offset, int page_size, std::size_t rows, bool more,
                      std::string_view anchor);

// The rows (each with a `community`) of `community` only.
template <class Rows>
Rows of_community(const Rows& rows, const std::string& community) {
  Rows out;
  for (const auto& r : rows) {
    if (r.community == community) out.push_back(r);
  }
  return out;
}

}  // namespace console

struct Console::Impl {
  Impl(DistrictService& s, Accounts& a, ConsoleOptions o) : service(s), accounts(a), options(o) {}

  DistrictService& service;
  Accounts& accounts;
  ConsoleOptions options;

  std::mutex catalog_mutex;
  std::int64_t catalog_gseq = -1;
  std::shared_ptr<const core::Catalog> catalog_cache;
  // The published catalog (cached by its change's gseq); null when none is published.
  Result<std::shared_ptr<const core::Catalog>> catalog();
  // The published catalog for a page every role opens, once the principal's own scope stands in
  // it (principal_refusal); otherwise the answer to give: 500 when the catalog cannot be read,
  // the 403 page when the principal's scope is refused.
  std::variant<std::shared_ptr<const core::Catalog>, sync::HttpResponse> catalog_for(
      const console::Ctx& c);

  sync::HttpResponse handle(const sync::HttpRequest& request, RequestLog& log);

  // [SECTION] Answers
  // The page `tpl` in the layout, with `data` plus the common fields (t, lang, user, nav, csrf).
  sync::HttpResponse page(const console::Ctx& c, int status, std::string_view tpl,
                          nlohmann::json data);
  sync::HttpResponse redirect(std::string location, int status = 303);
  // The 403 page saying `why` (in the page's language), audited as `action` on `target` (the
  // request's method and path when empty) with `logged` (English; `why` when empty).
  sync::HttpResponse forbidden(const console::Ctx& c, const std::string& why,
                               const std::string& logged = "", const std::string& action = "denied",
                               const std::string& target = "");
  // A page narrowed by ?community= (consultation, neighbour services): the 403 page when
  // `community` is not 12 digits (`bad_code`, the page's words with {} for the text) or, for an
  // office, a community of another office (`not_yours`, {} for the community and the scope),
  // audited as denied; nothing when the page may be shown.
  std::optional<sync::HttpResponse> community_refusal(const console::Ctx& c,
                                                      const core::Catalog* catalog,
                                                      const std::string& community,
                                                      const std::string& bad_code,
                                                      const std::string& not_yours);
  std::string signin_error(const console::Ctx& c, const Status& s, const std::string& user);
  std::string password_error(const console::Ctx& c, const Status& s, const std::string& old,
                             const std::string& fresh);
  sync::HttpResponse not_found(const console::Ctx& c);
  // 500 with the request id; `detail` goes to the log only.
  sync::HttpResponse internal(const console::Ctx& c, const std::string& detail);
  // The page for a failed Status: 403 for PermissionDenied, 404 NotFound, 500 for the rest.
  sync::HttpResponse failure(const console::Ctx& c, const Status& s);
  void audit(const console::Ctx& c, const std::string& action, const std::string& target,
             const std::string& detail);

  // [SECTION] Pages (pages_cases.cpp)
  sync::HttpResponse inbox(console::Ctx& c);
  sync::HttpResponse case_page(console::Ctx& c, const std::string& case_id);
  sync::HttpResponse case_action(console::Ctx& c, const std::string& case_id,
                                 const std::string& action);
  // The case page with `error` shown and the fields of the failed form kept.
  sync::HttpResponse case_page_with(console::Ctx& c, const std::string& case_id, int status,
                                    const std::string& form_id, const std::string& error,
                                    const nlohmann::json& extra = nlohmann::json::object());

  // [SECTION] Admin pages (pages_admin.cpp)
  sync::HttpResponse stations(console::Ctx& c, nlohmann::json extra = nlohmann::json::object(),
                              int status = 200);
  sync::HttpResponse issue_token(console::Ctx& c);
  sync::HttpResponse revoke_station(console::Ctx& c, const std::string& station_id);
  sync::HttpResponse accounts_page(console::Ctx& c, nlohmann::json extra = nlohmann::json::object(),
                                   int status = 200);
  sync::HttpResponse add_account(console::Ctx& c);
  sync::HttpResponse account_action(console::Ctx& c, const std::string& user,
                                    const std::string& action);
  sync::HttpResponse audit_page(console::Ctx& c);

  // [SECTION] Figures (pages_figures.cpp): every role, in its own scope
  sync::HttpResponse figures_page(console::Ctx& c);
  sync::HttpResponse figures_export(console::Ctx& c);
  sync::HttpResponse staff_page(console::Ctx& c);

  // [SECTION] Working days (pages_calendar.cpp): every role
  sync::HttpResponse calendar_page(console::Ctx& c);
  // [SECTION] Consultation, work access, certificates (pages_govern.cpp): every role, scoped
  sync::HttpResponse govern_page(console::Ctx& c);

  // [SECTION] Neighbour services (pages_wishes.cpp): an office its communities, an admin all
  sync::HttpResponse wishes_page(console::Ctx& c);
};

}  // namespace weimin::server
