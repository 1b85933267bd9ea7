// The console's front door (console.hpp): routing, security headers, static files, the
// language switch, sign-in and sign-out, sessions, CSRF, the forced password change, and the
// error pages. The pages themselves are in pages_cases.cpp, pages_admin.cpp and
// pages_figures.cpp.
#include <sodium.h>

#include "console/assets.hpp"
#include "console/impl.hpp"
#include "console/render.hpp"
#include "weimin/core/id.hpp"

namespace weimin::server {

using console::Ctx;
using console::Form;
using console::Lang;
using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

namespace {

constexpr std::string_view kSessionCookie = "weimin_session";
// The sign-in form's CSRF token before there is a session (double-submit cookie).
constexpr std::string_view kSigninCsrfCookie = "weimin_csrf";

std::string set_cookie(std::string_view name, const std::string& value, std::string_view path,
                       bool clear = false) {
  std::string c = std::string(name) + "=" + value + "; Path=" + std::string(path) +
                  "; HttpOnly; Secure; SameSite=Strict";
  if (clear) c += "; Max-Age=0";
  return c;
}

void security_headers(HttpResponse& r) {
  r.headers["Content-Security-Policy"] =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
  r.headers["X-Frame-Options"] = "DENY";
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["X-Content-Type-Options"] = "nosniff";
  if (r.headers.find("Cache-Control") == r.headers.end()) r.headers["Cache-Control"] = "no-store";
}

std::string_view media_type(std::string_view path) {
  auto ends = [&](std::string_view s) {
    return path.size() >= s.size() && path.substr(path.size() - s.size()) == s;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

bool same_secret(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A path of the console to come back to after switching language; "/console/" otherwise.
std::string safe_back(const std::string& back) {
  if (back.rfind("/console/", 0) != 0 && back != "/console") return "/console/";
  for (char c : back) {
    if (c == '\\' || c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) {
      return "/console/";
    }
  }
  if (back.find("//") != std::string::npos) return "/console/";
  return back;
}

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid:
      return 400;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::AlreadyExists:
    case ErrorCode::Conflict:
      return 409;
    case ErrorCode::PermissionDenied:
      return 403;
    case ErrorCode::Locked:
      return 423;
    case ErrorCode::Unauthenticated:
      return 401;
    case ErrorCode::Unavailable:
      return 503;
    default:
      return 500;
  }
}

// A user name as typed, for the audit: printable ASCII, at most 64 characters.
std::string user_of(const std::string& typed) {
  std::string out;
  for (char ch : typed.substr(0, 64)) out.push_back(ch >= 0x20 && ch <= 0x7e ? ch : '?');
  return out;
}

}  // namespace

// The sign-in page's words for a refused sign-in (accounts.hpp's sign_in), in the page's
// language with the values filled in; English pages keep Accounts' own sentence.
std::string Console::Impl::signin_error(const Ctx& c, const Status& s, const std::string& user) {
  if (c.lang == Lang::En && s.code() != ErrorCode::Internal) return s.message();
  switch (s.code()) {
    case ErrorCode::Unauthenticated:
      return c.t("err_wrong_credentials");
    case ErrorCode::Locked: {
      auto account =
          service.with_store([&](DistrictStore& store) { return store.find_account(user); });
      const std::int64_t now = service.clock().now_ms();
      if (account.is_ok() && *account && (*account)->locked_until_ms > now) {
        const std::int64_t until = (*account)->locked_until_ms;
        return console::fill(
            c.t("err_locked"),
            {user, std::to_string(accounts.options().lock_after_failures),
             console::local_time(until), std::to_string((until - now + 59'999) / 60'000)});
      }
      return console::fill(c.t("err_locked_plain"), {user});
    }
    case ErrorCode::Unavailable: {
      // "… try again in N s" (the throttle); anything else is the server being busy.
      const std::string& m = s.message();
      const std::string mark = "try again in ";
      const std::size_t at = m.rfind(mark);
      if (at != std::string::npos) {
        std::size_t i = at + mark.size(), j = i;
        while (j < m.size() && m[j] >= '0' && m[j] <= '9') ++j;
        if (j > i) return console::fill(c.t("err_throttled"), {m.substr(i, j - i)});
      }
      return c.t("err_busy");
    }
    default:
      return c.t("err_busy");
  }
}

// The password page's words for a refused change (accounts.hpp's change_password).
std::string Console::Impl::password_error(const Ctx& c, const Status& s, const std::string& old,
                                          const std::string& fresh) {
  if (c.lang == Lang::En) return s.message();
  if (s.code() == ErrorCode::Unauthenticated) return c.t("err_password_wrong");
  if (s.code() == ErrorCode::Invalid) {
    if (fresh.size() < accounts.options().min_password_length) {
      return console::fill(
          c.t("err_password_short"),
          {std::to_string(fresh.size()), std::to_string(accounts.options().min_password_length)});
    }
    if (fresh == old) return c.t("err_password_same");
    return console::fill(c.t("err_password_long"), {"256"});
  }
  return c.t("err_busy");
}

Console::Console(DistrictService& service, Accounts& accounts, ConsoleOptions options)
    : impl_(std::make_unique<Impl>(service, accounts, options)) {
  if (sodium_init() < 0) std::abort();
}
Console::~Console() = default;

HttpResponse Console::handle(const HttpRequest& request, RequestLog& log) {
  return impl_->handle(request, log);
}

void Console::mount(DistrictService& service, Console& console) {
  service.mount_console(
      [&console](const HttpRequest& r, RequestLog& log) { return console.handle(r, log); });
}

Result<std::shared_ptr<const core::Catalog>> Console::Impl::catalog() {
  auto ref =
      service.with_store([](DistrictStore& store) { return store.latest_reference("catalog"); });
  if (!ref.is_ok()) return ref.status();
  std::lock_guard lock(catalog_mutex);
  if (!*ref) return std::shared_ptr<const core::Catalog>();
  if ((*ref)->gseq != catalog_gseq) {
    auto parsed = core::parse_catalog((*ref)->json, "the published catalog");
    if (!parsed.is_ok()) return parsed.status();
    catalog_cache = std::make_shared<const core::Catalog>(std::move(*parsed));
    catalog_gseq = (*ref)->gseq;
  }
  return catalog_cache;
}

std::variant<std::shared_ptr<const core::Catalog>, sync::HttpResponse> Console::Impl::catalog_for(
    const console::Ctx& c) {
  auto cat = catalog();
  if (!cat.is_ok()) return internal(c, cat.status().to_string());
  if (auto why = principal_refusal(c.who(), cat->get())) {
    return forbidden(c, console::refusal_text(cat->get(), *why, c.lang), why->message);
  }
  return std::move(*cat);
}

// [SECTION] Answers

HttpResponse Console::Impl::page(const Ctx& c, int status, std::string_view tpl, json data) {
  data["t"] = console::strings(c.lang);
  // Every form of a signed-in page carries the session's CSRF token: given here, so no page
  // can forget it.
  if (c.session) data["csrf"] = c.session->csrf;
  auto body = console::render(tpl, data);
  if (!body.is_ok()) return internal(c, body.status().to_string());
  json layout = data;
  layout["body"] = *body;
  layout["html_lang"] = c.lang == Lang::Zh ? "zh-CN" : "en";
  std::string back = c.req.path + (c.req.query.empty() ? "" : "?" + c.req.query);
  if (c.req.method != "GET") back = "/console/";
  layout["href_zh"] = "/console/lang?to=zh&back=" + console::url_escape(safe_back(back));
  layout["href_en"] = "/console/lang?to=en&back=" + console::url_escape(safe_back(back));
  if (c.session) {
    const Principal& who = c.who();
    layout["signed_in"] = true;
    layout["user"] = who.user;
    layout["role_label"] = c.t("role_" + std::string(to_string(who.role)));
    auto cat = catalog();
    // The office's or the department's name; an admin's role and district.
    const std::string name =
        console::scope_name(cat.is_ok() ? cat->get() : nullptr, who.role, who.scope, c.lang);
    layout["scope"] = who.role == ConsoleRole::Admin ? c.t("role_admin") + " · " + name : name;
    layout["admin"] = who.role == ConsoleRole::Admin;
    layout["csrf"] = c.session->csrf;
  }
  auto html = console::render("layout", layout);
  if (!html.is_ok()) return internal(c, html.status().to_string());
  HttpResponse r{status, {}, std::move(*html)};
  r.headers["Content-Type"] = "text/html; charset=utf-8";
  return r;
}

HttpResponse Console::Impl::redirect(std::string location, int status) {
  HttpResponse r{status, {}, ""};
  r.headers["Location"] = std::move(location);
  r.headers["Content-Type"] = "text/plain; charset=utf-8";
  return r;
}

HttpResponse Console::Impl::forbidden(const Ctx& c, const std::string& why,
                                      const std::string& logged, const std::string& action,
                                      const std::string& target) {
  c.log.code = "forbidden";
  // Every refusal is in the audit, with what was asked and why (in English, as the log).
  audit(c, action, target.empty() ? c.req.method + " " + c.req.path : target,
        logged.empty() ? why : logged);
  return page(c, 403, "forbidden", json{{"title", c.t("forbidden_title")}, {"why", why}});
}

HttpResponse Console::Impl::not_found(const Ctx& c) {
  c.log.code = "not_found";
  return page(c, 404, "not_found", json{{"title", c.t("notfound_title")}});
}

HttpResponse Console::Impl::internal(const Ctx& c, const std::string& detail) {
  c.log.detail = detail;
  c.log.code = "internal";
  // Rendered without the layout's data, so a broken template cannot recurse here.
  json data{{"t", console::strings(c.lang)},
            {"title", c.t("error_title")},
            {"request_id", c.log.request_id},
            {"html_lang", c.lang == Lang::Zh ? "zh-CN" : "en"}};
  auto html = console::render("error", data);
  HttpResponse r{
      500, {}, html.is_ok() ? *html : "internal error (request " + c.log.request_id + ")"};
  r.headers["Content-Type"] =
      html.is_ok() ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
  return r;
}

HttpResponse Console::Impl::failure(const Ctx& c, const Status& s) {
  switch (s.code()) {
    case ErrorCode::PermissionDenied:
      return forbidden(c, c.lang == Lang::En ? s.message() : c.t("forbidden_title"), s.message());
    case ErrorCode::NotFound:
      return not_found(c);
    default:
      return internal(c, s.to_string());
  }
}

void Console::Impl::audit(const Ctx& c, const std::string& action, const std::string& target,
                          const std::string& detail) {
  const std::string user = c.session ? c.who().user : "-";
  Status s = accounts.audit(user, c.address, action, target, detail);
  if (!s.is_ok()) c.log.detail = "audit failed: " + s.to_string();
}

// [SECTION] Routing

HttpResponse Console::Impl::handle(const HttpRequest& req, RequestLog& log) {
  Ctx c{req, log};
  c.address = req.remote_address.empty() ? "-" : req.remote_address;
  c.lang = console::cookie(req, "lang") == "en" ? Lang::En : Lang::Zh;
  HttpResponse r = [&]() -> HttpResponse {
    const std::string& path = req.path;
    if (path == "/" || path == "/console") return redirect("/console/", 302);

    if (path.rfind("/console/static/", 0) == 0) {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      const console::Asset* a = console::find_asset(path.substr(9));
      if (a == nullptr || path.find("..") != std::string::npos) return not_found(c);
      HttpResponse s{200, {}, req.method == "HEAD" ? "" : std::string(a->data)};
      s.headers["Content-Type"] = std::string(media_type(path));
      s.headers["Cache-Control"] = "public, max-age=86400";
      return s;
    }

    auto q = console::parse_urlencoded(req.query);
    if (!q.is_ok()) {
      c.log.detail = q.status().message();
      return page(
          c, 400, "message",
          json{{"title", c.t("error_title")},
               {"message", c.lang == Lang::En ? q.status().message() : c.t("err_form_bad")}});
    }
    c.query = std::move(*q);

    if (path == "/console/lang") {
      HttpResponse s = redirect(safe_back(c.query.get("back")));
      const std::string to = c.query.get("to") == "en" ? "en" : "zh";
      s.headers["Set-Cookie"] =
          "lang=" + to + "; Path=/console; Secure; SameSite=Strict; Max-Age=31536000";
      return s;
    }

    if (req.method == "POST") {
      auto type = sync::header_value(req.headers, "Content-Type");
      if (!type || type->rfind("application/x-www-form-urlencoded", 0) != 0) {
        return page(c, 415, "message",
                    json{{"title", c.t("error_title")}, {"message", c.t("err_form_type")}});
      }
      if (req.body.size() > options.max_form_bytes) {
        return page(
            c, 413, "message",
            json{{"title", c.t("error_title")},
                 {"message", console::fill(c.t("err_form_large"),
                                           {std::to_string(options.max_form_bytes / 1024)})}});
      }
      auto f = console::parse_urlencoded(req.body);
      if (!f.is_ok()) {
        c.log.detail = f.status().message();
        return page(
            c, 400, "message",
            json{{"title", c.t("error_title")},
                 {"message", c.lang == Lang::En ? f.status().message() : c.t("err_form_bad")}});
      }
      c.form = std::move(*f);
    } else if (req.method != "GET" && req.method != "HEAD") {
      return not_found(c);
    }

    // Sign-in needs no session; its form carries a double-submit CSRF token.
    if (path == "/console/signin") {
      if (req.method != "POST") {
        std::string token = console::random_hex();
        HttpResponse s =
            page(c, 200, "signin", json{{"title", c.t("signin_title")}, {"signin_csrf", token}});
        s.headers["Set-Cookie"] = set_cookie(kSigninCsrfCookie, token, "/console");
        return s;
      }
      const std::string expected = console::cookie(req, kSigninCsrfCookie);
      if (!same_secret(c.form.get("csrf"), expected)) {
        return forbidden(c, c.t("err_csrf_signin"),
                         "CSRF token of the sign-in form missing or wrong", "denied_signin",
                         user_of(c.form.get("user")));
      }
      const std::string user = c.form.get("user");
      auto in = accounts.sign_in(user, c.form.get("password"), c.address);
      if (!in.is_ok()) {
        std::string token = console::random_hex();
        c.log.code = std::string(to_string(in.status().code()));
        HttpResponse s = page(c, status_of(in.status().code()), "signin",
                              json{{"title", c.t("signin_title")},
                                   {"signin_csrf", token},
                                   {"user_value", user},
                                   {"error", signin_error(c, in.status(), user)}});
        s.headers["Set-Cookie"] = set_cookie(kSigninCsrfCookie, token, "/console");
        return s;
      }
      log.who = "account:" + in->who.user;
      HttpResponse s = redirect(in->must_change_password ? "/console/password" : "/console/");
      s.headers["Set-Cookie"] = set_cookie(kSessionCookie, in->session_id, "/console");
      return s;
    }

    // Every other page needs a live session.
    const std::string sid = console::cookie(req, kSessionCookie);
    if (!sid.empty()) {
      auto s = accounts.session(sid);
      if (s.is_ok()) c.session = std::move(*s);
    }
    if (!c.session) return redirect("/console/signin");
    log.who = "account:" + c.who().user;

    if (req.method == "POST" && !same_secret(c.form.get("csrf"), c.session->csrf)) {
      return forbidden(c, c.t("err_csrf"), "CSRF token missing or wrong; nothing was done");
    }

    if (path == "/console/signout") {
      if (req.method != "POST") return not_found(c);
      // Accounts::sign_out records the sign-out in the audit (once).
      Status s = accounts.sign_out(sid);
      if (!s.is_ok()) return internal(c, s.to_string());
      HttpResponse out = redirect("/console/signin");
      out.headers["Set-Cookie"] = set_cookie(kSessionCookie, "", "/console", true);
      return out;
    }

    if (path == "/console/password") {
      json data{{"title", c.t("password_title")}, {"forced", c.session->must_change_password}};
      if (req.method != "POST") return page(c, 200, "password", data);
      const std::string fresh = c.form.get("new_password");
      if (fresh != c.form.get("new_password_again")) {
        data["error"] = c.t("password_mismatch");
        return page(c, 400, "password", data);
      }
      Status s = accounts.change_password(sid, c.form.get("old_password"), fresh, c.address);
      if (!s.is_ok()) {
        data["error"] = password_error(c, s, c.form.get("old_password"), fresh);
        return page(c, status_of(s.code()), "password", data);
      }
      return redirect("/console/?done=password");
    }

    if (c.session->must_change_password) return redirect("/console/password");

    if (path == "/console/") {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      return inbox(c);
    }

    constexpr std::string_view cases_prefix = "/console/cases/";
    if (path.rfind(cases_prefix, 0) == 0) {
      std::string rest = path.substr(cases_prefix.size());
      std::size_t slash = rest.find('/');
      std::string id = rest.substr(0, slash);
      if (!core::Uuid::parse(id)) return not_found(c);
      if (slash == std::string::npos) {
        if (req.method == "POST") return not_found(c);
        return case_page(c, id);
      }
      if (req.method != "POST") return not_found(c);
      return case_action(c, id, rest.substr(slash + 1));
    }

    if (path == "/console/figures" || path.rfind("/console/figures/", 0) == 0) {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      if (path == "/console/figures") return figures_page(c);
      if (path == "/console/figures/export") return figures_export(c);
      if (path == "/console/figures/staff") return staff_page(c);
      return not_found(c);
    }
    if (path == "/console/govern") {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      return govern_page(c);
    }
    if (path == "/console/wishes") {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      return wishes_page(c);
    }

    if (path == "/console/calendar") {
      if (req.method != "GET" && req.method != "HEAD") return not_found(c);
      return calendar_page(c);
    }

    const bool admin_page = path == "/console/stations" ||
                            path.rfind("/console/stations/", 0) == 0 ||
                            path == "/console/accounts" ||
                            path.rfind("/console/accounts/", 0) == 0 || path == "/console/audit";
    if (!admin_page) return not_found(c);
    if (c.who().role != ConsoleRole::Admin) {
      const std::string english =
          "the stations, accounts and audit pages are for the district's admins; account '" +
          c.who().user + "' is a " + std::string(to_string(c.who().role)) + " account";
      return forbidden(
          c,
          c.lang == Lang::En
              ? english
              : console::fill(c.t("err_admin_only"),
                              {c.who().user, c.t("role_" + std::string(to_string(c.who().role)))}),
          english);
    }
    if (path == "/console/stations") {
      return req.method == "POST" ? not_found(c) : stations(c);
    }
    if (path == "/console/stations/token") {
      return req.method == "POST" ? issue_token(c) : not_found(c);
    }
    if (path.rfind("/console/stations/", 0) == 0) {
      std::string rest = path.substr(std::string_view("/console/stations/").size());
      constexpr std::string_view suffix = "/revoke";
      if (req.method != "POST" || rest.size() <= suffix.size() ||
          rest.substr(rest.size() - suffix.size()) != suffix) {
        return not_found(c);
      }
      return revoke_station(c, rest.substr(0, rest.size() - suffix.size()));
    }
    if (path == "/console/accounts") {
      return req.method == "POST" ? add_account(c) : accounts_page(c);
    }
    if (path.rfind("/console/accounts/", 0) == 0) {
      std::string rest = path.substr(std::string_view("/console/accounts/").size());
      std::size_t slash = rest.find('/');
      if (req.method != "POST" || slash == std::string::npos) return not_found(c);
      return account_action(c, rest.substr(0, slash), rest.substr(slash + 1));
    }
    return req.method == "POST" ? not_found(c) : audit_page(c);
  }();
  security_headers(r);
  return r;
}

}  // namespace weimin::server
