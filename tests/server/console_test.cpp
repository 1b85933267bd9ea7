// The district's web console at the HTTP level, in process through DistrictService::handle
// with the console mounted (issue 13): sign-in and sign-out with the cookie's attributes,
// CSRF, session expiry by the test clock, lockout and throttling shown on the sign-in page,
// the role × action scope matrix (a case outside the principal's scope is a 403 and nothing
// is written), a resident's words holding markup rendered as text, the security headers, and
// the redirect of "/".
#include <doctest/doctest.h>
#include <sodium.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "server_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/console.hpp"
#include "weimin/server/scope.hpp"

using namespace weimin;
using namespace weimin::test;

namespace {

const std::string kA = "530102001001";      // of street office 530102001
const std::string kOther = "530102002001";  // of street office 530102002
const std::string kOffice = "530102001";
const std::string kPassword = "correct horse battery";
const std::string kXss = "<script>alert(1)</script> \"双引号\" 'single' & more";

std::string uuid_n(std::uint64_t n, std::uint64_t space) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "018f%04llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(space & 0xffff),
                static_cast<unsigned long long>(n));
  return buf;
}

// Case events written at a station, pushed signed like a real station's.
struct CaseWriter {
  TestStation& st;
  core::Uuid case_id;
  std::uint64_t space;
  std::uint64_t n = 0;
  std::int64_t t = kStart - 3'600'000;

  sync::FactPayload fact(core::Role role, std::string actor, core::CasePayload p) {
    t += 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse(uuid_n(++n, space));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = st.station_id;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.payload = std::move(p);
    return sync::FactPayload{e.id.to_string(),
                             std::string(core::to_string(e.kind())),
                             case_id.to_string(),
                             e.origin,
                             static_cast<std::int64_t>(e.hlc.pack()),
                             t,
                             core::local_date(t).to_string(),
                             core::case_event_body(e)};
  }
};

void push(District& d, TestStation& st, const std::vector<sync::FactPayload>& facts) {
  sync::PushRequest p;
  p.station_id = st.station_id;
  p.stream = st.stream;
  p.base_seq = st.seq;
  for (const auto& f : facts) p.entries.push_back({++st.seq, "fact", sync::to_json_value(f)});
  auto r = d.signed_call(st, "POST", "/v1/push", "", sync::to_json(p));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto resp = sync::parse_push_response(r.body);
  REQUIRE(resp.is_ok());
  REQUIRE_MESSAGE(resp->rejected.empty(), resp->rejected.front().reason);
}

std::string header(const sync::HttpResponse& r, const char* name) {
  auto v = sync::header_value(r.headers, name);
  return v ? *v : "";
}

// A browser: keeps cookies, reads the CSRF token of the last page, sends urlencoded forms.
int next_address = 0;

struct Browser {
  District& d;
  // One address per browser, as people at their own PCs (sign-in is throttled per address).
  std::string address = "198.51.100." + std::to_string(++next_address % 250);
  std::map<std::string, std::string> cookies;
  std::string csrf;

  sync::HttpResponse send(sync::HttpRequest r) {
    std::string c;
    for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
    if (!c.empty()) r.headers["Cookie"] = c;
    r.remote_address = address;
    sync::HttpResponse out = d.service().handle(r);
    if (auto set = sync::header_value(out.headers, "Set-Cookie")) {
      std::string first = set->substr(0, set->find(';'));
      std::string name = first.substr(0, first.find('='));
      std::string value = first.substr(first.find('=') + 1);
      if (set->find("Max-Age=0") != std::string::npos)
        cookies.erase(name);
      else
        cookies[name] = value;
    }
    static const std::regex token(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    if (std::regex_search(out.body, m, token)) csrf = m[1];
    return out;
  }
  sync::HttpResponse get(std::string path, std::string query = "") {
    return send({"GET", std::move(path), std::move(query), {}, ""});
  }
  sync::HttpResponse post(std::string path, std::vector<std::pair<std::string, std::string>> fields,
                          bool with_csrf = true) {
    std::string body;
    if (with_csrf) fields.emplace_back("csrf", csrf);
    for (const auto& [k, v] : fields) {
      body += (body.empty() ? "" : "&") + escape(k) + "=" + escape(v);
    }
    sync::HttpRequest r{"POST", std::move(path), "", {}, std::move(body)};
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    return send(std::move(r));
  }
  static std::string escape(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out.push_back(static_cast<char>(c));
      } else {
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }
  sync::HttpResponse sign_in(const std::string& user, const std::string& password = kPassword) {
    auto page = get("/console/signin");
    REQUIRE(page.status == 200);
    return post("/console/signin", {{"user", user}, {"password", password}});
  }
};

server::AccountOptions fast_accounts() {
  server::AccountOptions o;
  o.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return o;
}

// A district with a catalog, the console mounted, and an office, a department and an admin.
struct ConsoleDistrict {
  District d;
  server::Accounts accounts{d.service(), fast_accounts()};
  server::Console console{d.service(), accounts};
  TestStation a;      // community kA, of street office kOffice
  TestStation other;  // community kOther, of another street office

  ConsoleDistrict() {
    d.publish_catalog();
    server::Console::mount(d.service(), console);
    add("office1", server::ConsoleRole::Office, kOffice);
    add("office2", server::ConsoleRole::Office, "530102002");
    add("urban", server::ConsoleRole::Department, "urban_management");
    add("police", server::ConsoleRole::Department, "police");
    add("admin", server::ConsoleRole::Admin, "530102");
    a = d.enroll(kA);
    other = d.enroll(kOther);
    other.stream = "018f0000-0000-7000-8000-00000000bbbb";
  }
  void add(const std::string& user, server::ConsoleRole role, const std::string& scope) {
    auto made = accounts.add(user, role, scope, kPassword, "test");
    REQUIRE_MESSAGE(made.is_ok(), made.status().to_string());
  }
  // A case collected at `st`; whistled at community level to `whistled` when not empty.
  std::string make_case(TestStation& st, std::uint64_t space, const std::string& description,
                        const std::string& whistled = "") {
    CaseWriter w{st, *core::Uuid::parse(uuid_n(space, 0xcafe)), space};
    std::vector<sync::FactPayload> facts{
        w.fact(core::Role::Staff, "S01",
               core::CaseCollected{"env_sanitation", core::CaseChannel::Kiosk, description,
                                   "R-12345678"})};
    if (!whistled.empty()) {
      facts.push_back(w.fact(core::Role::Director, "D01",
                             core::CaseWhistled{core::WhistleLevel::Community,
                                                core::WhistleKind::Routine,
                                                {whistled},
                                                "请部门处理"}));
    }
    push(d, st, facts);
    return w.case_id.to_string();
  }
  std::int64_t facts() { return d.store().fact_count().value(); }
};

void check_security_headers(const sync::HttpResponse& r) {
  CHECK(header(r, "Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(header(r, "Content-Security-Policy").find("unsafe-inline") == std::string::npos);
  CHECK(header(r, "X-Frame-Options") == "DENY");
  CHECK(header(r, "Referrer-Policy") == "no-referrer");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
}

}  // namespace

TEST_CASE("console: / redirects to the console, which asks for a sign-in") {
  ConsoleDistrict c;
  Browser b{c.d};
  auto root = b.get("/");
  CHECK(root.status == 302);
  CHECK(header(root, "Location") == "/console/");
  auto bare = b.get("/console");
  CHECK(bare.status == 302);
  CHECK(header(bare, "Location") == "/console/");
  auto inbox = b.get("/console/");
  CHECK(inbox.status == 303);
  CHECK(header(inbox, "Location") == "/console/signin");
  auto signin = b.get("/console/signin");
  CHECK(signin.status == 200);
  CHECK(signin.body.find("id=\"signin\"") != std::string::npos);
  CHECK(signin.body.find("lang=\"zh-CN\"") != std::string::npos);
}

TEST_CASE("console: every page, redirect and refusal carries the security headers") {
  ConsoleDistrict c;
  Browser b{c.d};
  for (const char* path : {"/", "/console/", "/console/signin", "/console/nothing-here"}) {
    CAPTURE(path);
    auto r = b.get(path);
    check_security_headers(r);
    CHECK(header(r, "Cache-Control") == "no-store");
  }
  REQUIRE(b.sign_in("office1").status == 303);
  auto inbox = b.get("/console/");
  REQUIRE(inbox.status == 200);
  check_security_headers(inbox);
  CHECK(header(inbox, "Cache-Control") == "no-store");
  CHECK(header(inbox, "Content-Type").rfind("text/html", 0) == 0);
  // No inline script or style: every script is a file.
  CHECK(inbox.body.find("<script>") == std::string::npos);
  CHECK(inbox.body.find("<style") == std::string::npos);
  CHECK(inbox.body.find("style=") == std::string::npos);
  auto forbidden = b.get("/console/stations");
  CHECK(forbidden.status == 403);
  check_security_headers(forbidden);
  auto css = b.get("/console/static/console.css");
  CHECK(css.status == 200);
  CHECK(header(css, "Content-Type").rfind("text/css", 0) == 0);
  CHECK(header(css, "Cache-Control").find("max-age=") != std::string::npos);
  check_security_headers(css);
  CHECK(b.get("/console/static/nothing.css").status == 404);
}

TEST_CASE(
    "console: sign-in sets a session cookie that is HttpOnly, Secure, SameSite=Strict; "
    "sign-out ends it") {
  ConsoleDistrict c;
  Browser b{c.d};
  b.get("/console/signin");
  auto in = b.post("/console/signin", {{"user", "office1"}, {"password", kPassword}});
  REQUIRE(in.status == 303);
  CHECK(header(in, "Location") == "/console/");
  const std::string cookie = header(in, "Set-Cookie");
  CHECK(cookie.rfind("weimin_session=", 0) == 0);
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; Secure") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("; Path=/console") != std::string::npos);
  auto inbox = b.get("/console/");
  REQUIRE(inbox.status == 200);
  CHECK(inbox.body.find("id=\"cases\"") != std::string::npos);
  CHECK(inbox.body.find("id=\"signout\"") != std::string::npos);

  const std::string session = b.cookies["weimin_session"];
  auto out = b.post("/console/signout", {});
  CHECK(out.status == 303);
  CHECK(header(out, "Location") == "/console/signin");
  CHECK(header(out, "Set-Cookie").find("Max-Age=0") != std::string::npos);
  // The old cookie is dead at the district, not only forgotten by the browser.
  b.cookies["weimin_session"] = session;
  CHECK(b.get("/console/").status == 303);

  // A wrong password: the refusal on the form, the user name kept, no session.
  Browser w{c.d};
  auto bad = w.sign_in("office1", "not the password");
  CHECK(bad.status == 401);
  CHECK(bad.body.find("id=\"signin-error\"") != std::string::npos);
  CHECK(bad.body.find("value=\"office1\"") != std::string::npos);
  CHECK(w.cookies.count("weimin_session") == 0);
}

TEST_CASE("console: a POST without the session's CSRF token is a 403 and does nothing") {
  ConsoleDistrict c;
  const std::string id = c.make_case(c.a, 1, "路灯不亮");
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  REQUIRE(b.get("/console/cases/" + id).status == 200);
  const std::int64_t before = c.facts();
  const std::vector<std::pair<std::string, std::string>> whistle{
      {"level", "district"},
      {"kind", "routine"},
      {"departments", "urban_management"},
      {"note", "请处理"}};

  auto missing = b.post("/console/cases/" + id + "/whistle", whistle, /*with_csrf=*/false);
  CHECK(missing.status == 403);
  CHECK(missing.body.find("id=\"forbidden\"") != std::string::npos);
  auto wrong_fields = whistle;
  wrong_fields.emplace_back("csrf", std::string(32, '0'));
  auto wrong = b.post("/console/cases/" + id + "/whistle", wrong_fields, /*with_csrf=*/false);
  CHECK(wrong.status == 403);
  CHECK(c.facts() == before);

  // Sign-out without it is refused too: the session lives on.
  CHECK(b.post("/console/signout", {}, /*with_csrf=*/false).status == 403);
  CHECK(b.get("/console/").status == 200);

  // The sign-in form's own token (a cookie and a field that must agree).
  Browser s{c.d};
  s.get("/console/signin");
  s.csrf = std::string(32, 'a');
  auto in = s.post("/console/signin", {{"user", "office1"}, {"password", kPassword}});
  CHECK(in.status == 403);
  CHECK(s.cookies.count("weimin_session") == 0);

  // With the token the same whistle is made.
  auto done = b.post("/console/cases/" + id + "/whistle", whistle);
  CHECK_MESSAGE(done.status == 303, done.body);
  CHECK(c.facts() == before + 1);
}

TEST_CASE("console: a session ends after 30 idle minutes by the district's clock") {
  ConsoleDistrict c;
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  c.d.clock().advance(29 * 60 * 1000);
  CHECK(b.get("/console/").status == 200);  // used: the idle timer starts again
  c.d.clock().advance(29 * 60 * 1000);
  CHECK(b.get("/console/").status == 200);
  c.d.clock().advance(31 * 60 * 1000);
  auto expired = b.get("/console/");
  CHECK(expired.status == 303);
  CHECK(header(expired, "Location") == "/console/signin");
}

TEST_CASE(
    "console: repeated failures lock the account and many attempts from one address are "
    "throttled, both said on the sign-in page") {
  ConsoleDistrict c;
  Browser b{c.d};
  const int failures = c.accounts.options().lock_after_failures;
  for (int i = 0; i < failures; ++i) {
    b.address = "198.51.100." + std::to_string(10 + i);  // not throttled: one try per address
    CHECK(b.sign_in("office1", "wrong password " + std::to_string(i)).status == 401);
  }
  b.address = "198.51.100.99";
  auto locked = b.sign_in("office1");  // the right password, but locked
  CHECK(locked.status == 423);
  CHECK(locked.body.find("id=\"signin-error\"") != std::string::npos);
  CHECK(b.cookies.count("weimin_session") == 0);

  Browser t{c.d};
  t.address = "203.0.113.5";
  sync::HttpResponse last;
  for (int i = 0; i <= c.accounts.options().address_attempts_per_minute; ++i) {
    last = t.sign_in("nobody" + std::to_string(i), "wrong");
  }
  CHECK(last.status == 503);
  CHECK(last.body.find("id=\"signin-error\"") != std::string::npos);
  // Even the right password waits its turn from that address.
  CHECK(t.sign_in("urban").status == 503);
}

TEST_CASE(
    "console: an office or department may not act outside its scope (403, nothing "
    "written); inside it, it may") {
  ConsoleDistrict c;
  // Cases: one of office1's communities and one of another office's, each whistled at
  // community level to urban_management (so departments have something in and out of scope).
  const std::string mine = c.make_case(c.a, 1, "楼道堆放垃圾");
  const std::string theirs = c.make_case(c.other, 2, "井盖缺失");
  const std::string urban_case = c.make_case(c.a, 3, "路面破损", "urban_management");
  const std::string police_case = c.make_case(c.a, 4, "噪音扰民", "police");

  struct Attempt {
    const char* form;
    std::vector<std::pair<std::string, std::string>> fields;
  };
  const std::vector<Attempt> attempts = {
      {"whistle",
       {{"level", "district"},
        {"kind", "key"},
        {"departments", "urban_management"},
        {"note", "n"}}},
      {"escalate", {{"departments", "police"}, {"note", "n"}}},
      {"send-back", {{"reason", "不属于街道"}}},
      {"report", {{"note", "已报到"}, {"expected", "2026-12-01"}}},
      {"feedback", {{"action", "已清理"}}},
      {"return", {{"reason", "不是本部门职责"}}},
      {"note", {{"text", "备注"}}},
      {"reveal", {{"reason", "回访"}}},
  };

  struct Who {
    const char* user;
    std::string outside;  // a case outside its scope
  };
  for (const Who& who : {Who{"office1", theirs}, Who{"office2", mine}, Who{"urban", police_case},
                         Who{"police", urban_case}}) {
    Browser b{c.d};
    REQUIRE(b.sign_in(who.user).status == 303);
    CHECK(b.get("/console/cases/" + who.outside).status == 403);
    for (const Attempt& a : attempts) {
      CAPTURE(who.user);
      CAPTURE(a.form);
      const std::int64_t before = c.facts();
      auto r = b.post("/console/cases/" + who.outside + "/" + a.form, a.fields);
      CHECK(r.status == 403);
      CHECK(r.body.find("id=\"forbidden\"") != std::string::npos);
      CHECK(c.facts() == before);
    }
  }

  // A role's own actions only: an office may not report in, a department may not whistle,
  // an admin may do neither — each on a case it can see.
  struct Cross {
    const char* user;
    std::string case_id;
    const char* form;
  };
  for (const Cross& x :
       {Cross{"office1", urban_case, "report"}, Cross{"office1", urban_case, "feedback"},
        Cross{"office1", urban_case, "return"}, Cross{"urban", urban_case, "whistle"},
        Cross{"urban", urban_case, "escalate"}, Cross{"urban", urban_case, "send-back"},
        Cross{"admin", mine, "whistle"}, Cross{"admin", urban_case, "report"},
        Cross{"admin", mine, "note"}}) {
    CAPTURE(x.user);
    CAPTURE(x.form);
    Browser b{c.d};
    REQUIRE(b.sign_in(x.user).status == 303);
    REQUIRE(b.get("/console/cases/" + x.case_id).status == 200);
    const std::int64_t before = c.facts();
    auto fields = std::find_if(attempts.begin(), attempts.end(), [&](const Attempt& a) {
                    return std::string(a.form) == x.form;
                  })->fields;
    CHECK(b.post("/console/cases/" + x.case_id + "/" + x.form, fields).status == 403);
    CHECK(c.facts() == before);
  }

  // Inside the scope every form acts, each writing its one fact: the office whistles,
  // escalates, sends back and notes its own communities' cases; the department reports in,
  // gives feedback, returns and notes the cases whistled to it.
  const std::string mine2 = c.make_case(c.a, 5, "小区路灯不亮");
  const std::string urban_case2 = c.make_case(c.a, 6, "下水道堵塞", "urban_management");
  struct Act {
    const char* user;
    std::string case_id;
    const char* form;
  };
  for (const Act& act : {Act{"office1", mine, "whistle"}, Act{"office1", urban_case, "escalate"},
                         Act{"office1", mine2, "send-back"}, Act{"office1", mine, "note"},
                         Act{"urban", urban_case, "report"}, Act{"urban", urban_case, "feedback"},
                         Act{"urban", urban_case2, "return"}, Act{"urban", urban_case, "note"}}) {
    CAPTURE(act.user);
    CAPTURE(act.form);
    Browser b{c.d};
    REQUIRE(b.sign_in(act.user).status == 303);
    auto page = b.get("/console/cases/" + act.case_id);
    REQUIRE(page.status == 200);
    // The form is offered on the page before it is used.
    CHECK(page.body.find(std::string("id=\"action-") + act.form + "\"") != std::string::npos);
    const std::int64_t before = c.facts();
    auto fields = std::find_if(attempts.begin(), attempts.end(), [&](const Attempt& a) {
                    return std::string(a.form) == act.form;
                  })->fields;
    auto r = b.post("/console/cases/" + act.case_id + "/" + act.form, fields);
    CHECK_MESSAGE(r.status == 303, r.body);
    CHECK(header(r, "Location") == "/console/cases/" + act.case_id + "?done=" + act.form);
    CHECK(c.facts() == before + 1);
  }
  // The case office1 whistled to urban_management is now urban's too.
  Browser urban{c.d};
  REQUIRE(urban.sign_in("urban").status == 303);
  CHECK(urban.get("/console/cases/" + mine).status == 200);

  auto revealed = urban.post("/console/cases/" + urban_case + "/reveal", attempts[7].fields);
  CHECK(revealed.status == 200);
  CHECK(revealed.body.find("R-12345678") != std::string::npos);
  bool audited = false;
  auto log = c.accounts.audit_log(0, 100);
  REQUIRE(log.is_ok());
  for (const auto& r : *log) {
    if (r.action == "reveal_contact" && r.target == urban_case && r.user == "urban" &&
        r.detail == "回访" && r.address == urban.address) {
      audited = true;
    }
  }
  CHECK(audited);
  // Masked until revealed.
  auto plain = urban.get("/console/cases/" + urban_case);
  CHECK(plain.body.find("R-12345678") == std::string::npos);
  CHECK(plain.body.find("id=\"contact\"") != std::string::npos);
}

TEST_CASE("console: the inbox shows only the principal's cases, whatever the filters ask") {
  ConsoleDistrict c;
  const std::string mine = c.make_case(c.a, 1, "楼道堆放垃圾");
  const std::string theirs = c.make_case(c.other, 2, "井盖缺失");
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  auto inbox = b.get("/console/", "tab=all");
  REQUIRE(inbox.status == 200);
  CHECK(inbox.body.find("data-case=\"" + mine + "\"") != std::string::npos);
  CHECK(inbox.body.find("data-case=\"" + theirs + "\"") == std::string::npos);
  auto asked = b.get("/console/", "tab=all&community=" + kOther);
  CHECK(asked.body.find("data-case=\"" + theirs + "\"") == std::string::npos);

  Browser admin{c.d};
  REQUIRE(admin.sign_in("admin").status == 303);
  auto all = admin.get("/console/", "tab=all");
  CHECK(all.body.find("data-case=\"" + mine + "\"") != std::string::npos);
  CHECK(all.body.find("data-case=\"" + theirs + "\"") != std::string::npos);
}

TEST_CASE("console: a resident's words holding markup and quotes render as text") {
  ConsoleDistrict c;
  const std::string id = c.make_case(c.a, 1, kXss);
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  for (const std::string& path : {std::string("/console/"), "/console/cases/" + id}) {
    CAPTURE(path);
    auto r = b.get(path, path == "/console/" ? "tab=all" : "");
    REQUIRE(r.status == 200);
    CHECK(r.body.find("data-case=\"" + id + "\"") != std::string::npos);
    CHECK(r.body.find("<script>alert(1)</script>") == std::string::npos);
    CHECK(r.body.find("\"双引号\"") == std::string::npos);
    CHECK(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(r.body.find("&quot;双引号&quot;") != std::string::npos);
  }
  // A note typed with markup is kept on the refused form as text too.
  auto long_note =
      b.post("/console/cases/" + id + "/whistle", {{"level", "district"},
                                                   {"kind", "routine"},
                                                   {"departments", "urban_management"},
                                                   {"note", "<b>x</b>" + std::string(9000, 'y')}});
  CHECK(long_note.status == 400);
  CHECK(long_note.body.find("&lt;b&gt;x&lt;/b&gt;" + std::string(9000, 'y')) != std::string::npos);
  CHECK(long_note.body.find("<b>x</b>") == std::string::npos);
}

TEST_CASE("console: the inbox's next and first-page links keep every filter, the grid too") {
  ConsoleDistrict c;
  server::ConsoleOptions one_a_page;
  one_a_page.page_size = 1;
  server::Console paged{c.d.service(), c.accounts, one_a_page};
  server::Console::mount(c.d.service(), paged);
  std::vector<std::string> in_grid1;
  for (std::uint64_t k = 0; k < 3; ++k) {
    CaseWriter w{c.a, *core::Uuid::parse(uuid_n(40 + k, 0xcafe)), 40 + k};
    core::CaseCollected collected{"env_sanitation", core::CaseChannel::GridRound, "楼道堆物", ""};
    collected.where =
        core::CaseWhere{k < 2 ? "530102001001001" : "530102001001002", "", "", std::nullopt};
    push(c.d, c.a, {w.fact(core::Role::GridWorker, "G010", collected)});
    if (k < 2) in_grid1.push_back(w.case_id.to_string());
  }
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  auto cases_of = [](const std::string& body) {
    std::vector<std::string> out;
    const std::regex re("data-case=\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator();
         ++it) {
      out.push_back((*it)[1]);
    }
    return out;
  };
  auto link = [](const std::string& body, const std::string& id) {
    const std::regex re("id=\"" + id + "\" href=\"/console/\\?([^\"]*)\"");
    std::smatch m;
    if (!std::regex_search(body, m, re)) return std::string();
    std::string q = m[1];
    for (auto at = q.find("&amp;"); at != std::string::npos; at = q.find("&amp;", at + 1)) {
      q.replace(at, 5, "&");
    }
    return q;
  };
  const std::string filters = "tab=all&community=" + kA + "&grid=530102001001001";
  auto first = b.get("/console/", filters);
  REQUIRE(first.status == 200);
  const auto page1 = cases_of(first.body);
  REQUIRE(page1.size() == 1);
  const std::string next = link(first.body, "next-page");
  CHECK(next.find("grid=530102001001001") != std::string::npos);
  CHECK(next.find("community=" + kA) != std::string::npos);
  auto second = b.get("/console/", next);
  const auto page2 = cases_of(second.body);
  REQUIRE(page2.size() == 1);
  CHECK(std::set<std::string>{page1[0], page2[0]} ==
        std::set<std::string>(in_grid1.begin(), in_grid1.end()));
  CHECK(link(second.body, "next-page").empty());
  const std::string back = link(second.body, "first-page");
  CHECK(back == filters);
  CHECK(cases_of(b.get("/console/", back).body) == page1);
}

TEST_CASE("console: the case page shows where the problem is and the visits, in scope only") {
  ConsoleDistrict c;
  CaseWriter w{c.a, *core::Uuid::parse(uuid_n(7, 0xcafe)), 7};
  core::CaseCollected collected{"env_sanitation", core::CaseChannel::GridRound, "楼道堆物", ""};
  collected.where = core::CaseWhere{"530102001001001", "cuihu.bldg1", "3单元<b>502</b>",
                                    core::GeoPoint{25'046'512, 102'702'139}};
  push(c.d, c.a,
       {w.fact(core::Role::GridWorker, "G010", collected),
        w.fact(core::Role::GridWorker, "G010", core::CaseVisited{"已上门查看，<i>堆物</i>未清"})});
  const std::string id = w.case_id.to_string();
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  auto page = b.get("/console/cases/" + id);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<dd id=\"grid\">翠湖社区第一网格</dd>") != std::string::npos);
  CHECK(page.body.find("<dd id=\"place\">翠湖南路小区1栋</dd>") != std::string::npos);
  CHECK(page.body.find("<dd id=\"address\">3单元&lt;b&gt;502&lt;/b&gt;</dd>") != std::string::npos);
  CHECK(page.body.find("<dd id=\"point\">25.046512, 102.702139</dd>") != std::string::npos);
  CHECK(page.body.find("<ul id=\"visits\">") != std::string::npos);
  CHECK(page.body.find("已上门查看，&lt;i&gt;堆物&lt;/i&gt;未清") != std::string::npos);
  CHECK(page.body.find("<b>502</b>") == std::string::npos);
  CHECK(page.body.find("<i>堆物</i>") == std::string::npos);
  b.cookies["lang"] = "en";
  auto en = b.get("/console/cases/" + id);
  CHECK(en.body.find("Cuihu South Road Estate, Building 1") != std::string::npos);
  CHECK(en.body.find("Cuihu grid 1") != std::string::npos);
  b.cookies.erase("lang");

  // Another office's clerk gets the refusal, not the place.
  Browser other{c.d};
  REQUIRE(other.sign_in("office2").status == 303);
  auto refused = other.get("/console/cases/" + id);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("3单元") == std::string::npos);
  CHECK(refused.body.find("已上门查看") == std::string::npos);

  // A case recorded with no where shows none of it.
  const std::string bare = c.make_case(c.a, 8, "井盖缺失");
  auto plain = b.get("/console/cases/" + bare);
  REQUIRE(plain.status == 200);
  CHECK(plain.body.find("id=\"address\"") == std::string::npos);
  CHECK(plain.body.find("id=\"point\"") == std::string::npos);
  CHECK(plain.body.find("id=\"visits\"") == std::string::npos);
}

TEST_CASE("console: English is one link away and stays chosen") {
  ConsoleDistrict c;
  Browser b{c.d};
  auto zh = b.get("/console/signin");
  CHECK(zh.body.find("登录") != std::string::npos);
  CHECK(zh.body.find("id=\"lang-en\"") != std::string::npos);
  auto to_en = b.get("/console/lang", "to=en&back=%2Fconsole%2Fsignin");
  CHECK(to_en.status == 303);
  CHECK(header(to_en, "Location") == "/console/signin");
  auto en = b.get("/console/signin");
  CHECK(en.body.find("lang=\"en\"") != std::string::npos);
  CHECK(en.body.find("Sign in") != std::string::npos);
  // No way out of the console through the switch.
  auto away = b.get("/console/lang", "to=zh&back=https%3A%2F%2Fevil.example%2F");
  CHECK(header(away, "Location") == "/console/");
}

TEST_CASE("console: the admin's pages are the admin's; a token is shown once with its QR code") {
  ConsoleDistrict c;
  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  for (const char* path : {"/console/stations", "/console/accounts", "/console/audit"}) {
    CAPTURE(path);
    auto r = office.get(path);
    CHECK(r.status == 403);
    CHECK(r.body.find("id=\"forbidden\"") != std::string::npos);
  }
  Browser admin{c.d};
  REQUIRE(admin.sign_in("admin").status == 303);
  auto st = admin.get("/console/stations");
  REQUIRE(st.status == 200);
  CHECK(st.body.find("id=\"issue-token\"") != std::string::npos);
  CHECK(st.body.find("id=\"revoke-" + c.a.station_id + "\"") != std::string::npos);
  auto issued = admin.post("/console/stations/token", {{"community", kA}});
  REQUIRE(issued.status == 200);
  CHECK(issued.body.find("id=\"token-qr\"") != std::string::npos);
  CHECK(issued.body.find("id=\"token\"") != std::string::npos);
  // A community the catalog does not list is refused on the form.
  CHECK(admin.post("/console/stations/token", {{"community", "530102999999"}}).status == 400);

  auto accounts = admin.get("/console/accounts");
  REQUIRE(accounts.status == 200);
  CHECK(accounts.body.find("data-user=\"office1\"") != std::string::npos);
  auto added =
      admin.post("/console/accounts", {{"user", "clerk2"}, {"role", "office"}, {"scope", kOffice}});
  CHECK(added.status == 200);
  CHECK(added.body.find("id=\"one-time-password\"") != std::string::npos);
  auto audit = admin.get("/console/audit");
  CHECK(audit.status == 200);
  CHECK(audit.body.find("account_add") != std::string::npos);
}

TEST_CASE("console: a one-time password is changed at the first sign-in, through its own form") {
  ConsoleDistrict c;
  auto made = c.accounts.add("newclerk", server::ConsoleRole::Office, kOffice, "", "test");
  REQUIRE(made.is_ok());
  const std::string one_time = *made;
  Browser b{c.d};
  auto in = b.sign_in("newclerk", one_time);
  REQUIRE(in.status == 303);
  CHECK(header(in, "Location") == "/console/password");
  // Every form of the page carries the session's token (the password form once had none).
  auto page = b.get("/console/password");
  REQUIRE(page.status == 200);
  static const std::regex empty_token(R"re(name="csrf" value="")re");
  CHECK_FALSE(std::regex_search(page.body, empty_token));
  auto changed = b.post("/console/password", {{"old_password", one_time},
                                              {"new_password", "a new long passphrase"},
                                              {"new_password_again", "a new long passphrase"}});
  CHECK_MESSAGE(changed.status == 303, changed.body.substr(0, 400));
  CHECK(header(changed, "Location") == "/console/?done=password");
  CHECK(b.get("/console/").status == 200);
}

// [SECTION] Words, names and forms as a clerk reads them

namespace {

bool has(const std::string& body, const std::string& what) {
  return body.find(what) != std::string::npos;
}

// A case's events as pure values, for the forms test (no district needed).
struct Steps {
  core::Uuid case_id = *core::Uuid::parse("018f0000-0000-7000-8000-00000000c0de");
  std::vector<core::CaseEvent> events;
  std::int64_t t = kStart;
  Steps& add(core::Role role, std::string actor, core::CasePayload p) {
    t += 60'000;
    core::CaseEvent e;
    e.id = *core::Uuid::parse(uuid_n(events.size() + 1, 0xf0f0));
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = "station:" + kA;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.payload = std::move(p);
    events.push_back(std::move(e));
    return *this;
  }
};

}  // namespace

TEST_CASE(
    "console: on a Chinese page the sign-in refusals, the lock and the throttle are Chinese "
    "with their values; English pages keep the English") {
  ConsoleDistrict c;
  Browser b{c.d};
  auto wrong = b.sign_in("office1", "not the password");
  CHECK(wrong.status == 401);
  CHECK(has(wrong.body, "用户名或密码不正确"));
  CHECK_FALSE(has(wrong.body, "wrong user name"));

  const int failures = c.accounts.options().lock_after_failures;
  for (int i = 1; i < failures; ++i) {
    b.address = "198.51.100." + std::to_string(20 + i);
    b.sign_in("office1", "wrong password " + std::to_string(i));
  }
  b.address = "198.51.100.99";
  auto locked = b.sign_in("office1");
  REQUIRE(locked.status == 423);
  CHECK(has(locked.body, "已锁定到"));
  // The time until unlock, in minutes, from the account's own lock (15 minutes by default).
  CHECK(has(locked.body,
            "还有约 " + std::to_string(c.accounts.options().lock_ms / 60'000) + " 分钟"));
  CHECK_FALSE(has(locked.body, "locked"));

  Browser t{c.d};
  t.address = "203.0.113.7";
  sync::HttpResponse last;
  for (int i = 0; i <= c.accounts.options().address_attempts_per_minute; ++i) {
    last = t.sign_in("nobody" + std::to_string(i), "wrong");
  }
  REQUIRE(last.status == 503);
  static const std::regex seconds(R"(请 (\d+) 秒后再试)");
  std::smatch m;
  REQUIRE(std::regex_search(last.body, m, seconds));
  CHECK(std::stoi(m[1]) >= 1);
  CHECK(std::stoi(m[1]) <= 60);
  CHECK_FALSE(has(last.body, "too many"));

  Browser en{c.d};
  en.cookies["lang"] = "en";
  auto wrong_en = en.sign_in("urban", "not the password");
  CHECK(has(wrong_en.body, "wrong user name or password"));
}

TEST_CASE(
    "console: 403 reasons and form refusals are in the page's language, with the "
    "department's and the office's names") {
  ConsoleDistrict c;
  const std::string police_case = c.make_case(c.a, 1, "噪音扰民", "police");
  const std::string theirs = c.make_case(c.other, 2, "井盖缺失");
  const std::string whistled = c.make_case(c.a, 3, "路面破损", "urban_management");

  Browser urban{c.d};
  REQUIRE(urban.sign_in("urban").status == 303);
  auto not_mine = urban.get("/console/cases/" + police_case);
  REQUIRE(not_mine.status == 403);
  CHECK(has(not_mine.body, "没有向五华区城市管理综合行政执法局吹哨"));
  CHECK_FALSE(has(not_mine.body, "was not whistled"));
  CHECK_FALSE(has(not_mine.body, "urban_management"));
  auto admin_only = urban.get("/console/accounts");
  CHECK(admin_only.status == 403);
  CHECK(has(admin_only.body, "只对区级管理员开放"));
  // The header names the account's department, not its id.
  CHECK(has(admin_only.body, "<span class=\"scope\">五华区城市管理综合行政执法局</span>"));

  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  auto other_office = office.get("/console/cases/" + theirs);
  REQUIRE(other_office.status == 403);
  CHECK(has(other_office.body, "不是华山街道管辖的社区"));
  // A form the case's stage no longer allows (whistled already): said in Chinese, stage named.
  auto late = office.post(
      "/console/cases/" + whistled + "/whistle",
      {{"level", "district"}, {"kind", "routine"}, {"departments", "housing"}, {"note", "再吹"}});
  CHECK(late.status == 409);
  CHECK(has(late.body, "案件现在的进度是“吹哨”"));
  CHECK_FALSE(has(late.body, "cannot be whistled"));
  auto bad_kind = office.post("/console/cases/" + whistled + "/escalate",
                              {{"departments", "no_such_department"}, {"note", ""}});
  CHECK(bad_kind.status == 400);
  CHECK(has(bad_kind.body, "部门“no_such_department”不在已发布的目录中"));

  // English pages keep the English sentences.
  Browser en{c.d};
  en.cookies["lang"] = "en";
  REQUIRE(en.sign_in("urban").status == 303);
  auto en_403 = en.get("/console/cases/" + police_case);
  CHECK(has(en_403.body, "was not whistled to department"));
}

TEST_CASE(
    "console: the timeline and notes name people as a clerk does; ratings, levels and roles "
    "are translated") {
  ConsoleDistrict c;
  const std::string id = c.make_case(c.a, 1, "路灯不亮", "urban_management");
  Browser urban{c.d};
  REQUIRE(urban.sign_in("urban").status == 303);
  REQUIRE(urban.get("/console/cases/" + id).status == 200);
  REQUIRE(urban
              .post("/console/cases/" + id + "/report",
                    {{"note", "已派人"}, {"expected", "2026-12-05"}})
              .status == 303);
  REQUIRE(urban.post("/console/cases/" + id + "/note", {{"text", "明天到场"}}).status == 303);
  // A resident's rating of another, locally resolved case.
  CaseWriter w{c.a, *core::Uuid::parse(uuid_n(9, 0xcafe)), 9};
  push(
      c.d, c.a,
      {w.fact(core::Role::Resident, "resident",
              core::CaseCollected{"env_sanitation", core::CaseChannel::Kiosk, "垃圾没人收", ""}),
       w.fact(core::Role::Director, "D01", core::CaseResolved{"已清运"}),
       w.fact(core::Role::Director, "D01", core::CaseVerified{"居民确认"}),
       w.fact(core::Role::Director, "D01", core::CaseClosed{""}),
       w.fact(core::Role::Resident, "resident", core::CaseEvaluated{core::Rating::Satisfied, ""})});

  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  auto page = office.get("/console/cases/" + id);
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "翠湖社区工作人员 S01（专职工作者）"));
  CHECK(has(page.body, "翠湖社区工作人员 D01（书记/主任）"));
  CHECK(has(page.body, "<span class=\"who\">五华区城市管理综合行政执法局"));
  for (const char* raw : {"(street_office)", "(department)", "(resident)", "(staff)", "(director)",
                          "urban_management (", "530102001 ("}) {
    CAPTURE(raw);
    CHECK_FALSE(has(page.body, raw));
  }
  // The level badge of a community-level whistle; the stage is 吹哨/部门报到, not 街道吹哨.
  CHECK(has(page.body, "<span class=\"badge level-community\">社区级</span>"));
  CHECK_FALSE(has(page.body, "街道吹哨"));
  // The escalate form offers only departments to add, not those whistled already.
  CHECK(has(page.body, "id=\"action-escalate\""));
  CHECK(has(page.body, "value=\"police\""));
  CHECK_FALSE(has(page.body, "value=\"urban_management\""));
  // The departments' table has its headers, and the expected day is a date only.
  CHECK(has(page.body, "<th scope=\"col\">报到时限</th>"));
  CHECK(has(page.body, "<th scope=\"col\">预计完成</th>"));
  CHECK(has(page.body, ">2026-12-05</td>"));
  CHECK_FALSE(has(page.body, "2026-12-05 00:00"));
  // The contact: the reference's ending, where the phone is, and no "R-12********".
  CHECK(has(page.body, "尾号 5678"));
  CHECK(has(page.body, "翠湖社区服务站"));
  CHECK_FALSE(has(page.body, "R-12"));

  auto rated = office.get("/console/cases/" + w.case_id.to_string());
  REQUIRE(rated.status == 200);
  CHECK(has(rated.body, "评价：满意"));
  CHECK(has(rated.body, "<span class=\"who\">居民"));
  CHECK_FALSE(has(rated.body, "satisfied"));
  // Never whistled: no level row; anonymous: said so.
  CHECK_FALSE(has(rated.body, "id=\"level\""));
  CHECK(has(rated.body, "匿名"));
  CHECK(has(page.body, "id=\"level\""));
}

TEST_CASE(
    "console: at every stage the forms offered are exactly the steps the district would "
    "accept") {
  std::ifstream in(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json");
  std::stringstream text;
  text << in.rdbuf();
  auto catalog = core::parse_catalog(text.str(), "wuhua.json");
  REQUIRE(catalog.is_ok());
  using core::Role;
  const std::string office = kOffice;
  auto collected = [] {
    Steps s;
    s.add(Role::Staff, "S01",
          core::CaseCollected{"env_sanitation", core::CaseChannel::Window, "路灯不亮", "R-1"});
    return s;
  };
  auto whistled = [&](core::WhistleLevel level) {
    Steps s = collected();
    if (level == core::WhistleLevel::Community) {
      s.add(Role::Director, "D01",
            core::CaseWhistled{
                level, core::WhistleKind::Routine, {"urban_management", "police"}, ""});
    } else {
      s.add(Role::StreetOffice, office,
            core::CaseWhistled{
                level, core::WhistleKind::Routine, {"urban_management", "police"}, ""});
    }
    return s;
  };
  auto community = [&] { return whistled(core::WhistleLevel::Community); };
  std::vector<std::pair<std::string, Steps>> cases;
  cases.emplace_back("collected", collected());
  cases.emplace_back("sent back",
                     collected().add(Role::StreetOffice, office, core::CaseSentBack{"r"}));
  cases.emplace_back("resolved", collected().add(Role::Director, "D01", core::CaseResolved{"s"}));
  cases.emplace_back("whistled (community)", community());
  cases.emplace_back("whistled (district)", whistled(core::WhistleLevel::District));
  cases.emplace_back("escalated",
                     community().add(Role::StreetOffice, office, core::CaseEscalated{{}, ""}));
  cases.emplace_back("one reported", community().add(Role::Department, "urban_management",
                                                     core::CaseReported{"n", 0}));
  cases.emplace_back("one gave feedback",
                     community()
                         .add(Role::Department, "urban_management", core::CaseReported{"n", 0})
                         .add(Role::Department, "urban_management", core::CaseFeedback{"a"}));
  cases.emplace_back("one returned",
                     community().add(Role::Department, "police", core::CaseReturned{"r"}));
  cases.emplace_back("all returned",
                     community()
                         .add(Role::Department, "police", core::CaseReturned{"r"})
                         .add(Role::Department, "urban_management", core::CaseReturned{"r"}));
  cases.emplace_back("returned, sent back",
                     community()
                         .add(Role::Department, "police", core::CaseReturned{"r"})
                         .add(Role::Department, "urban_management", core::CaseReturned{"r"})
                         .add(Role::StreetOffice, office, core::CaseSentBack{"r"}));
  auto verified = [&] {
    return community()
        .add(Role::Department, "urban_management", core::CaseReported{"n", 0})
        .add(Role::Department, "urban_management", core::CaseFeedback{"a"})
        .add(Role::Director, "D01", core::CaseVerified{"ok"});
  };
  cases.emplace_back("verified", verified());
  cases.emplace_back("closed", verified().add(Role::Director, "D01", core::CaseClosed{""}));
  cases.emplace_back("evaluated", verified()
                                      .add(Role::Director, "D01", core::CaseClosed{""})
                                      .add(Role::Resident, "resident",
                                           core::CaseEvaluated{core::Rating::Dissatisfied, ""}));
  cases.emplace_back("reopened", verified()
                                     .add(Role::Director, "D01", core::CaseClosed{""})
                                     .add(Role::Director, "D01", core::CaseReopened{"again"}));

  const std::vector<server::Principal> principals = {
      {"office1", server::ConsoleRole::Office, office},
      {"urban", server::ConsoleRole::Department, "urban_management"},
      {"police", server::ConsoleRole::Department, "police"},
      {"admin", server::ConsoleRole::Admin, "530102"}};
  int offered_count = 0;
  for (const auto& [name, steps] : cases) {
    const core::CaseState state = core::fold_case(steps.case_id, steps.events);
    const server::CaseRow row =
        server::project_case(steps.case_id, steps.events, kA, core::CaseDeadlines{});
    for (const server::Principal& who : principals) {
      for (server::CaseAction action : server::kCaseActions) {
        if (action == server::CaseAction::View || action == server::CaseAction::Reveal) continue;
        // The step the console would make for this form (actor and role as the service's).
        core::CaseEvent e;
        e.id = *core::Uuid::parse(uuid_n(999, 0xf0f0));
        e.case_id = steps.case_id;
        e.hlc = {steps.t + 60'000, 0};
        e.origin = "district:530102";
        e.wall_ms = steps.t + 60'000;
        e.actor = who.scope;
        e.actor_role =
            who.role == server::ConsoleRole::Office ? Role::StreetOffice : Role::Department;
        switch (action) {
          case server::CaseAction::Whistle:
            e.payload = core::CaseWhistled{
                core::WhistleLevel::District, core::WhistleKind::Routine, {"housing"}, ""};
            break;
          case server::CaseAction::Escalate:
            e.payload = core::CaseEscalated{{}, ""};
            break;
          case server::CaseAction::SendBack:
            e.payload = core::CaseSentBack{"r"};
            break;
          case server::CaseAction::Report:
            e.payload = core::CaseReported{"n", 0};
            break;
          case server::CaseAction::Feedback:
            e.payload = core::CaseFeedback{"a"};
            break;
          case server::CaseAction::Return:
            e.payload = core::CaseReturned{"r"};
            break;
          default:
            e.payload = core::CaseNote{"t"};
            break;
        }
        const bool accepted = !server::action_refusal(who, row, action, &*catalog) &&
                              core::check_transition(state, e).is_ok();
        // What the case page offers (a page the principal may see at all).
        const bool offered =
            !server::view_refusal(who, row, &*catalog) && server::action_offered(who, row, action);
        const auto principal = name;  // CAPTURE's lambda may not name a binding (clang 14)
        CAPTURE(principal);
        CAPTURE(who.user);
        CAPTURE(server::to_string(action));
        CAPTURE(row.stage);
        CHECK(offered == accepted);
        offered_count += offered ? 1 : 0;
      }
    }
  }
  CHECK(offered_count > 20);  // the table is not vacuous
}

TEST_CASE("console: a sign-out is audited once, and every refused page or form is audited") {
  ConsoleDistrict c;
  const std::string police_case = c.make_case(c.a, 1, "噪音扰民", "police");
  Browser b{c.d};
  REQUIRE(b.sign_in("urban").status == 303);
  CHECK(b.get("/console/cases/" + police_case).status == 403);
  CHECK(b.post("/console/cases/" + police_case + "/report", {{"note", "n"}}).status == 403);
  CHECK(b.get("/console/audit").status == 403);
  CHECK(b.post("/console/cases/" + police_case + "/note", {{"text", "t"}}, false).status == 403);
  REQUIRE(b.post("/console/signout", {}).status == 303);

  auto log = c.accounts.audit_log(0, 100);
  REQUIRE(log.is_ok());
  int signouts = 0;
  std::map<std::string, int> denied;  // action → count, of urban's
  for (const auto& r : *log) {
    if (r.user != "urban") continue;
    if (r.action == "signout") ++signouts;
    if (r.action.rfind("denied", 0) == 0) {
      ++denied[r.action];
      CHECK(r.address == b.address);
      CHECK_FALSE(r.detail.empty());
    }
  }
  CHECK(signouts == 1);
  CHECK(denied["denied_view"] == 1);    // the case page
  CHECK(denied["denied_report"] == 1);  // the form
  CHECK(denied["denied"] == 2);         // the admin page and the POST without its CSRF token
}

TEST_CASE("console: the stations page shows what each station reported, its last sync and link") {
  ConsoleDistrict c;
  TestStation today = c.d.enroll("530102001002");
  TestStation recent = c.d.enroll("530102001003");
  TestStation online = c.d.enroll("530102002002");
  TestStation fresh = c.d.enroll("530102002003");
  // Station a pushes for real, reporting its version and its outbox.
  sync::PushRequest p;
  p.station_id = c.a.station_id;
  p.stream = c.a.stream;
  CaseWriter w{c.a, *core::Uuid::parse(uuid_n(1, 0xcafe)), 1};
  p.entries.push_back(
      {1, "fact",
       sync::to_json_value(w.fact(core::Role::Staff, "S01",
                                  core::CaseCollected{"env_sanitation", core::CaseChannel::Kiosk,
                                                      "路灯坏了", "R-12345678"}))});
  sync::HttpRequest r = c.d.signed_request(c.a, "POST", "/v1/push", "", sync::to_json(p));
  r.headers[std::string(sync::kVersionHeader)] = "0.1.0-test";
  r.headers[std::string(sync::kWaitingHeader)] = "42";
  REQUIRE(c.d.call(r).status == 200);
  // 40 hours later (08:30 in Beijing, two days on): a's last sync is 40 hours old (amber);
  // `other` synced 80 hours ago (red); the rest by what the store recorded.
  auto& store = c.d.store();
  REQUIRE(
      store.record_station_contact(c.other.station_id, {"0.0.9", 7}, kStart - 40 * 3'600'000, true)
          .is_ok());
  c.d.clock().advance(40 * 3'600'000);
  const std::int64_t now = c.d.clock().now_ms();
  REQUIRE(store.record_station_contact(today.station_id, {"0.1.0", 0}, now - 6 * 3'600'000, true)
              .is_ok());
  REQUIRE(store.record_station_contact(recent.station_id, {}, now - 20 * 3'600'000, true).is_ok());
  REQUIRE(store.record_station_contact(online.station_id, {"0.1.0", 3}, now - 5 * 60'000, true)
              .is_ok());
  REQUIRE(store.revoke_station(fresh.station_id, now).is_ok());

  Browser admin{c.d};
  REQUIRE(admin.sign_in("admin").status == 303);
  auto page = admin.get("/console/stations");
  REQUIRE(page.status == 200);
  auto row = [&](const TestStation& st) {
    const std::size_t at = page.body.find("<tr data-station=\"" + st.station_id + "\"");
    REQUIRE_MESSAGE(at != std::string::npos, st.station_id);
    return page.body.substr(at, page.body.find("</tr>", at) - at);
  };
  const std::string a = row(c.a);
  CHECK(a.find("data-link=\"amber\"") != std::string::npos);
  CHECK(a.find("超过 36 小时未同步") != std::string::npos);
  CHECK(a.find("link-amber") != std::string::npos);
  CHECK(a.find(">0.1.0-test<") != std::string::npos);
  CHECK(a.find(">42<") != std::string::npos);
  CHECK(a.find(core::local_date_time(kStart).substr(0, 16)) != std::string::npos);
  CHECK(a.find("40 小时前") != std::string::npos);
  CHECK(a.find("翠湖社区 (530102001001)") != std::string::npos);  // the catalog's name
  const std::string other = row(c.other);
  CHECK(other.find("data-link=\"red\"") != std::string::npos);
  CHECK(other.find("超过 3 天未同步") != std::string::npos);
  CHECK(other.find("3 天前") != std::string::npos);
  CHECK(row(today).find("data-link=\"today\"") != std::string::npos);
  CHECK(row(today).find("今日已同步") != std::string::npos);
  CHECK(row(recent).find("data-link=\"recent\"") != std::string::npos);
  CHECK(row(recent).find("未报告") != std::string::npos);  // no version reported
  CHECK(row(online).find("data-link=\"online\"") != std::string::npos);
  CHECK(row(online).find("在线") != std::string::npos);
  CHECK(row(online).find("5 分钟前") != std::string::npos);
  CHECK(row(fresh).find("data-link=\"revoked\"") != std::string::npos);
  // Those needing attention first: red, amber, then the rest; revoked last.
  auto pos = [&](const TestStation& st) {
    return page.body.find("<tr data-station=\"" + st.station_id + "\"");
  };
  CHECK(pos(c.other) < pos(c.a));
  CHECK(pos(c.a) < pos(today));
  CHECK(pos(c.a) < pos(recent));
  CHECK(pos(c.a) < pos(online));
  CHECK(pos(online) < pos(fresh));
  CHECK(pos(today) < pos(fresh));
  // The thresholds are explained on the page, and in English too.
  CHECK(page.body.find("id=\"stations-legend\"") != std::string::npos);
  REQUIRE(admin.get("/console/lang", "to=en&back=%2Fconsole%2Fstations").status == 303);
  auto en = admin.get("/console/stations");
  REQUIRE(en.status == 200);
  CHECK(en.body.find("No sync for over 36 hours") != std::string::npos);
  CHECK(en.body.find("40 h ago") != std::string::npos);
}

// [SECTION] Figures (docs/CONSOLE.md, "Figures")

namespace {

// The HTML of the element with id `id` up to the end of its table (or "" when absent).
std::string table_html(const std::string& body, const std::string& id) {
  const std::size_t at = body.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const std::size_t end = body.find("</table>", at);
  return body.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// Two whistled cases: one at kA (office1's) to urban_management, one at kOther to police.
struct FiguresDistrict : ConsoleDistrict {
  std::string mine;
  std::string theirs;
  FiguresDistrict() {
    mine = make_case(a, 1, "路面破损", "urban_management");
    theirs = make_case(other, 2, "井盖缺失", "police");
  }
};

}  // namespace

TEST_CASE("console figures: every role has the page in its header; the default is this month") {
  FiguresDistrict c;
  for (const char* user : {"office1", "urban", "admin"}) {
    CAPTURE(user);
    Browser b{c.d};
    REQUIRE(b.sign_in(user).status == 303);
    auto inbox = b.get("/console/");
    REQUIRE(inbox.status == 200);
    CHECK(inbox.body.find("id=\"nav-figures\" href=\"/console/figures\"") != std::string::npos);
    auto page = b.get("/console/figures");
    REQUIRE_MESSAGE(page.status == 200, page.body);
    check_security_headers(page);
    // This month so far, Beijing dates: the district's clock is 2026-11-22 16:30 in Beijing.
    CHECK(page.body.find("name=\"from\" value=\"2026-11-01\"") != std::string::npos);
    CHECK(page.body.find("name=\"to\" value=\"2026-11-22\"") != std::string::npos);
    for (const char* id : {"rate-responded",
                           "rate-resolved",
                           "rate-satisfied",
                           "fig-total",
                           "fig-series",
                           "fig-by-level",
                           "fig-by-kind",
                           "fig-by-source",
                           "fig-by-office",
                           "fig-by-community",
                           "fig-by-department",
                           "fig-overdue",
                           "fig-returns",
                           "fig-rank-department-responded",
                           "fig-rank-office-satisfied",
                           "fig-queue-station",
                           "fig-queue-line",
                           "fig-queue-window",
                           "formulas",
                           "fig-this-month",
                           "fig-last-month",
                           "fig-this-year"}) {
      CAPTURE(id);
      CHECK(page.body.find(std::string("id=\"") + id + "\"") != std::string::npos);
    }
    CHECK(page.body.find("href=\"#formulas\"") != std::string::npos);
    // Quick links: last month is October in full, this year by month.
    CHECK(page.body.find("from=2026-10-01&amp;to=2026-10-31&amp;by=day") != std::string::npos);
    CHECK(page.body.find("from=2026-01-01&amp;to=2026-11-22&amp;by=month") != std::string::npos);
    // No inline script: the charts' script is a file, their data the tables.
    CHECK(page.body.find("<script>") == std::string::npos);
    CHECK(page.body.find("style=") == std::string::npos);
    CHECK(page.body.find("src=\"/console/static/chart.min.js\"") != std::string::npos);
  }
  Browser b{c.d};
  REQUIRE(b.sign_in("admin").status == 303);
  auto chart = b.get("/console/static/chart.min.js");
  CHECK(chart.status == 200);
  CHECK(chart.body.size() > 100000);  // Debian's Chart.js, embedded at build time
  CHECK(header(chart, "Content-Type").rfind("text/javascript", 0) == 0);
  CHECK(b.get("/console/static/figures.js").status == 200);
}

TEST_CASE("console figures: an office sees only its communities, a department only itself") {
  FiguresDistrict c;
  Browser admin{c.d};
  REQUIRE(admin.sign_in("admin").status == 303);
  auto all = admin.get("/console/figures", "from=2026-11-01&to=2026-11-30&by=day");
  REQUIRE_MESSAGE(all.status == 200, all.body);
  // Two whistles in the district: the total's whistles cell, and both communities.
  CHECK(table_html(all.body, "fig-total").find("data-v=\"2\">2<") != std::string::npos);
  CHECK(table_html(all.body, "fig-by-community").find(kA) != std::string::npos);
  CHECK(table_html(all.body, "fig-by-community").find(kOther) != std::string::npos);
  CHECK(table_html(all.body, "fig-by-department").find("urban_management") != std::string::npos);
  CHECK(table_html(all.body, "fig-by-department").find("police") != std::string::npos);
  CHECK(table_html(all.body, "fig-by-kind").find("常规哨") != std::string::npos);
  CHECK(table_html(all.body, "fig-by-level").find("社区级") != std::string::npos);

  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  auto mine = office.get("/console/figures", "from=2026-11-01&to=2026-11-30");
  REQUIRE_MESSAGE(mine.status == 200, mine.body);
  CHECK(table_html(mine.body, "fig-total").find("data-v=\"1\">1<") != std::string::npos);
  CHECK(table_html(mine.body, "fig-total").find("data-v=\"2\">2<") == std::string::npos);
  CHECK(table_html(mine.body, "fig-by-community").find(kA) != std::string::npos);
  CHECK(table_html(mine.body, "fig-by-community").find("翠湖社区") != std::string::npos);
  CHECK(table_html(mine.body, "fig-by-community").find(kOther) == std::string::npos);
  CHECK(table_html(mine.body, "fig-by-department").find("police") == std::string::npos);
  CHECK(table_html(mine.body, "fig-by-office").find("530102002") == std::string::npos);
  // Its staff-sheet picker offers its own communities only.
  CHECK(mine.body.find("value=\"" + kA + "\"") != std::string::npos);
  CHECK(mine.body.find("value=\"" + kOther + "\"") == std::string::npos);

  Browser dept{c.d};
  REQUIRE(dept.sign_in("urban").status == 303);
  auto own = dept.get("/console/figures", "from=2026-11-01&to=2026-11-30");
  REQUIRE_MESSAGE(own.status == 200, own.body);
  const std::string deps = table_html(own.body, "fig-by-department");
  CHECK(deps.find("urban_management") != std::string::npos);
  CHECK(deps.find("police") == std::string::npos);
  CHECK(table_html(own.body, "fig-by-community").find(kOther) == std::string::npos);
  // Departments read no staff sheet: no picker for them.
  CHECK(own.body.find("id=\"staff-pick\"") == std::string::npos);
}

TEST_CASE("console figures: a malformed period is said on the page, in the page's language") {
  FiguresDistrict c;
  Browser b{c.d};
  REQUIRE(b.sign_in("office1").status == 303);
  auto bad = b.get("/console/figures", "from=2026-13-01&to=2026-11-30");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("class=\"error\"") != std::string::npos);
  CHECK(bad.body.find("2026-13-01") != std::string::npos);
  CHECK(bad.body.find("id=\"fig-total\"") == std::string::npos);
  auto reversed = b.get("/console/figures", "from=2026-11-30&to=2026-11-01");
  CHECK(reversed.status == 400);
  CHECK(reversed.body.find("早于开始日期") != std::string::npos);
  auto by = b.get("/console/figures", "from=2026-11-01&to=2026-11-30&by=year");
  CHECK(by.status == 400);
  CHECK(by.body.find("按日、按周或按月") != std::string::npos);
  CHECK(b.get("/console/figures", "from=2025-01-01&to=2026-11-30").status == 400);
  CHECK(b.get("/console/figures/nothing").status == 404);
  // In English: the page's words and the refusal's.
  REQUIRE(b.get("/console/lang", "to=en&back=%2Fconsole%2Ffigures").status == 303);
  auto en = b.get("/console/figures", "from=2026-11-30&to=2026-11-01");
  CHECK(en.status == 400);
  CHECK(en.body.find("is before the start date 2026-11-30; swap them") != std::string::npos);
  auto page = b.get("/console/figures");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Responded on time") != std::string::npos);
  CHECK(page.body.find("How the rates are counted") != std::string::npos);
}

TEST_CASE("console figures: each table downloads as CSV and as .xlsx, in the principal's scope") {
  FiguresDistrict c;
  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  auto csv = office.get("/console/figures/export",
                        "table=fig-by-community&format=csv&from=2026-11-01&to=2026-11-30&by=day");
  REQUIRE_MESSAGE(csv.status == 200, csv.body);
  CHECK(header(csv, "Content-Type") == "text/csv; charset=utf-8");
  CHECK(header(csv, "Content-Disposition") ==
        "attachment; filename=\"fig-by-community_2026-11-01_2026-11-30.csv\"");
  CHECK(header(csv, "X-Content-Type-Options") == "nosniff");
  CHECK(csv.body.rfind("\xEF\xBB\xBF社区,代码,吹哨,派单部门次,退单,按时报到,应报到,按时报到率,",
                       0) == 0);
  CHECK(csv.body.find("翠湖社区," + kA + ",1,1,0,") != std::string::npos);
  CHECK(csv.body.find(kOther) == std::string::npos);

  auto xlsx = office.get("/console/figures/export",
                         "table=fig-by-department&format=xlsx&from=2026-11-01&to=2026-11-30");
  REQUIRE_MESSAGE(xlsx.status == 200, xlsx.body);
  CHECK(header(xlsx, "Content-Type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(header(xlsx, "Content-Disposition") ==
        "attachment; filename=\"fig-by-department_2026-11-01_2026-11-30.xlsx\"");
  CHECK(xlsx.body.rfind("PK\x03\x04", 0) == 0);

  // A department's download holds its own row only.
  Browser dept{c.d};
  REQUIRE(dept.sign_in("urban").status == 303);
  auto own = dept.get("/console/figures/export", "table=fig-by-department&format=csv");
  REQUIRE(own.status == 200);
  CHECK(own.body.find("urban_management") != std::string::npos);
  CHECK(own.body.find("police") == std::string::npos);

  CHECK(office.get("/console/figures/export", "table=nothing&format=csv").status == 404);
  CHECK(office.get("/console/figures/export", "table=fig-total&format=pdf").status == 400);
}

TEST_CASE(
    "console figures: the staff sheet is refused to departments and to another office's "
    "community (403), and shown to the office and admins") {
  FiguresDistrict c;
  const std::string month = "month=2026-11";
  Browser dept{c.d};
  REQUIRE(dept.sign_in("urban").status == 303);
  auto refused = dept.get("/console/figures/staff", "community=" + kA + "&" + month);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("id=\"forbidden-why\"") != std::string::npos);
  CHECK(refused.body.find("职能部门账号") != std::string::npos);
  CHECK(refused.body.find("id=\"staff-sheet\"") == std::string::npos);
  CHECK(dept.get("/console/figures/staff").status == 403);
  CHECK(
      dept.get("/console/figures/staff", "community=" + kA + "&" + month + "&format=csv").status ==
      403);

  Browser office{c.d};
  REQUIRE(office.sign_in("office1").status == 303);
  auto other = office.get("/console/figures/staff", "community=" + kOther + "&" + month);
  CHECK(other.status == 403);
  CHECK(other.body.find("护国路社区不是华山街道管辖的社区") != std::string::npos);
  CHECK(office.get("/console/figures/staff", "community=" + kOther + "&" + month + "&format=xlsx")
            .status == 403);
  auto picker = office.get("/console/figures/staff");
  CHECK(picker.status == 200);
  CHECK(picker.body.find("id=\"staff-pick\"") != std::string::npos);
  auto sheet = office.get("/console/figures/staff", "community=" + kA + "&" + month);
  REQUIRE_MESSAGE(sheet.status == 200, sheet.body);
  CHECK(sheet.body.find("id=\"staff-sheet\"") != std::string::npos);
  CHECK(sheet.body.find("翠湖社区") != std::string::npos);
  auto csv = office.get("/console/figures/staff", "community=" + kA + "&" + month + "&format=csv");
  REQUIRE(csv.status == 200);
  CHECK(header(csv, "Content-Type") == "text/csv; charset=utf-8");
  CHECK(header(csv, "Content-Disposition") ==
        "attachment; filename=\"staff_" + kA + "_2026-11.csv\"");
  CHECK(csv.body.rfind("\xEF\xBB\xBF工号,姓名,办理取号,经办案件,结项案件,", 0) == 0);
  auto bad_month = office.get("/console/figures/staff", "community=" + kA + "&month=2026-13");
  CHECK(bad_month.status == 400);
  CHECK(bad_month.body.find("不是月份") != std::string::npos);

  Browser admin{c.d};
  REQUIRE(admin.sign_in("admin").status == 303);
  CHECK(admin.get("/console/figures/staff", "community=" + kOther + "&" + month).status == 200);
  auto xlsx =
      admin.get("/console/figures/staff", "community=" + kOther + "&" + month + "&format=xlsx");
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.body.rfind("PK\x03\x04", 0) == 0);
  // Every refusal is in the audit.
  auto log = c.accounts.audit_log(0, 50);
  REQUIRE(log.is_ok());
  int denied = 0;
  for (const auto& r : *log) {
    if (r.action == "denied" && r.target.find("/console/figures/staff") != std::string::npos) {
      ++denied;
    }
  }
  CHECK(denied == 5);
  // Each download of a staff sheet is audited with the station and the month.
  int exported = 0;
  for (const auto& r : *log) {
    if (r.action == "export_staff_sheet") {
      ++exported;
      CHECK((r.target == kA + " 2026-11" || r.target == kOther + " 2026-11"));
    }
  }
  CHECK(exported == 2);
}
