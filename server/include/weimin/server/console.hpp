// The district's web console (docs/CONSOLE.md): the pages street-office clerks, department
// clerks and admins work the loop in — sign-in, inbox, case page with its actions, stations,
// accounts and audit — served under /console/ by DistrictService::handle (mount it with
// DistrictService::mount_console). Pages are rendered on the server from mustache templates
// that escape by default; templates and static files are compiled into the binary
// (assets/console/, embedded at build time). Every page carries the security headers
// (Content-Security-Policy without inline script or style, X-Frame-Options DENY, …); every
// POST is a bounded urlencoded form checked for its CSRF token; who may see and do what is
// decided by scope.hpp; every action is audited through Accounts.
// Thread-safety: handle() may be called from any number of threads at once; the console keeps
// only a catalog cache behind its own mutex, and reaches the store through the service.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "weimin/core/catalog.hpp"
#include "weimin/server/accounts.hpp"
#include "weimin/server/service.hpp"

namespace weimin::server {

struct ConsoleOptions {
  std::size_t max_form_bytes = 64 * 1024;  // a POST body above this is refused (413)
  std::size_t max_field_bytes = 8000;      // a field above this is refused on its form
  int page_size = 50;                      // rows per page of every paged list, 1…200
};

class Console {
 public:
  // `service` and `accounts` must outlive the console.
  Console(DistrictService& service, Accounts& accounts, ConsoleOptions options = {});
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Answers a request for "/" or under "/console" (the service gives it no other): an HTML
  // page, a redirect or a static file. Never throws for a request's content; an internal
  // failure is a 500 page with the request id (the detail goes to log.detail).
  sync::HttpResponse handle(const sync::HttpRequest& request, RequestLog& log);

  // Mounts a console on `service`: console.handle answers its "/" and "/console…" requests.
  static void mount(DistrictService& service, Console& console);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace weimin::server
