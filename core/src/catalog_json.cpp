// parse_catalog: reads and validates a catalog document (promises in catalog.hpp), part by
// part in dependency order so every reference can be checked against what was read before.
// The readers raise CatalogError with the path at fault; parse_catalog turns it into a Status.
#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "catalog_json_reader.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/ticket.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::core {

namespace {

using namespace catalog_json;  // NOLINT: this file is the catalog_json reader's one user

// [SECTION] The parts of a catalog, read in dependency order so references can be checked.

class CatalogReader {
 public:
  explicit CatalogReader(Catalog& c) : c_(c) {}

  void read(const json& root) {
    if (!root.is_object()) wrong_type(root, "", "an object");
    // The schema is checked before anything else: a newer document has fields we do not know.
    auto schema = root.find("schema_version");
    if (schema == root.end()) fail("", "missing required field \"schema_version\"");
    c_.schema_version = read_int(*schema, "/schema_version", 1, INT_MAX);
    if (c_.schema_version > kCatalogSchemaVersion) {
      fail("/schema_version",
           "schema " + std::to_string(c_.schema_version) + " is newer than this build of " +
               "Weimin reads (" + std::to_string(kCatalogSchemaVersion) +
               "); update Weimin before loading this catalog",
           ErrorCode::TooNew);
    }
    Obj o(root, "", {"schema_version",
                     "catalog_version",
                     "district",
                     "street_offices",
                     "communities",
                     "grids",
                     "lines",
                     "windows",
                     "service_items",
                     "certificates",
                     "work_list",
                     "excluded_work",
                     "whistle_sources",
                     "departments",
                     "deadlines",
                     "slot_templates",
                     "places",
                     "phrases",
                     "priority_reasons",
                     "work_calendar"});
    c_.version = read_int(o.req("catalog_version"), o.at("catalog_version"), 0, INT_MAX);
    district(o.req("district"), o.at("district"));
    c_.street_offices =
        read_array(o.req("street_offices"), o.at("street_offices"),
                   [&](const json& j, const std::string& p) { return office(j, p); });
    non_empty(c_.street_offices, o.at("street_offices"), "street office");
    c_.communities =
        read_array(o.req("communities"), o.at("communities"),
                   [&](const json& j, const std::string& p) { return community(j, p); });
    c_.grids = read_array(o.req("grids"), o.at("grids"),
                          [&](const json& j, const std::string& p) { return grid(j, p); });
    lines(o.req("lines"), o.at("lines"));
    windows(o.req("windows"), o.at("windows"));
    c_.service_items = read_array(o.req("service_items"), o.at("service_items"),
                                  [&](const json& j, const std::string& p) { return item(j, p); });
    c_.certificates = read_array(o.req("certificates"), o.at("certificates"),
                                 [&](const json& j, const std::string& p) { return cert(j, p); });
    c_.work_list = read_array(o.req("work_list"), o.at("work_list"),
                              [&](const json& j, const std::string& p) { return work(j, p); });
    c_.excluded_work = read_array(o.req("excluded_work"), o.at("excluded_work"),
                                  [&](const json& j, const std::string& p) { return excl(j, p); });
    c_.whistle_sources = read_array(o.req("whistle_sources"), o.at("whistle_sources"),
                                    [&](const json& j, const std::string& p) { return src(j, p); });
    non_empty(c_.whistle_sources, o.at("whistle_sources"), "whistle source");
    c_.departments = read_array(o.req("departments"), o.at("departments"),
                                [&](const json& j, const std::string& p) { return dept(j, p); });
    deadlines(o.req("deadlines"), o.at("deadlines"));
    c_.slot_templates = read_array(o.req("slot_templates"), o.at("slot_templates"),
                                   [&](const json& j, const std::string& p) { return slot(j, p); });
    // Places and phrases came with issue 14; a catalog without them is still read.
    if (const json* places = o.opt("places")) {
      c_.places = read_array(*places, o.at("places"),
                             [&](const json& j, const std::string& p) { return place(j, p); });
    }
    if (const json* phrases = o.opt("phrases")) {
      c_.phrases = read_array(*phrases, o.at("phrases"),
                              [&](const json& j, const std::string& p) { return phrase(j, p); });
    }
    // The working-day calendar came with issue 16; without it deadlines count Monday–Friday.
    if (const json* calendar = o.opt("work_calendar")) {
      work_calendar(*calendar, o.at("work_calendar"));
    }
    if (const json* reasons = o.opt("priority_reasons")) {
      Unique priorities("priority");
      c_.priority_reasons =
          read_array(*reasons, o.at("priority_reasons"), [&](const json& j, const std::string& p) {
            Obj r(j, p, {"priority", "name"});
            PriorityReason reason;
            reason.priority = read_string(r.req("priority"), r.at("priority"));
            Result<Priority> parsed = parse_priority(reason.priority);
            if (!parsed) fail(r.at("priority"), parsed.status().message());
            if (*parsed == Priority::None) {
              fail(r.at("priority"),
                   "\"none\" is no priority; name one of elderly, disability, "
                   "pregnancy or appointment");
            }
            priorities.add(reason.priority, r.at("priority"));
            reason.name = read_text(r.req("name"), r.at("name"), true);
            return reason;
          });
    }
  }

 private:
  template <class T>
  static void non_empty(const std::vector<T>& v, const std::string& path, std::string_view what) {
    if (v.empty()) fail(path, "needs at least one " + std::string(what));
  }

  void district(const json& j, const std::string& path) {
    Obj o(j, path, {"code", "name"});
    c_.district.code = read_code(o.req("code"), o.at("code"), 6, {}, {});
    c_.district.name = read_text(o.req("name"), o.at("name"), true);
  }

  StreetOffice office(const json& j, const std::string& path) {
    Obj o(j, path, {"code", "name"});
    StreetOffice s;
    s.code = read_code(o.req("code"), o.at("code"), 9, c_.district.code, "district");
    office_codes_.add(s.code, o.at("code"));
    s.name = read_text(o.req("name"), o.at("name"), true);
    return s;
  }

  Community community(const json& j, const std::string& path) {
    Obj o(j, path, {"code", "name", "street_office", "kind"});
    Community c;
    c.street_office = read_string(o.req("street_office"), o.at("street_office"));
    if (!c_.street_office_by_code(c.street_office)) {
      fail(o.at("street_office"),
           "street office " + in_quotes(c.street_office) + " does not exist");
    }
    c.code = read_code(o.req("code"), o.at("code"), 12, c.street_office, "street office");
    community_codes_.add(c.code, o.at("code"));
    c.name = read_text(o.req("name"), o.at("name"), false);
    std::string kind = read_string(o.req("kind"), o.at("kind"));
    Result<CommunityKind> k = parse_community_kind(kind);
    if (!k) fail(o.at("kind"), k.status().message());
    c.kind = *k;
    return c;
  }

  Grid grid(const json& j, const std::string& path) {
    Obj o(j, path, {"code", "name", "community"});
    Grid g;
    g.community = read_string(o.req("community"), o.at("community"));
    if (!c_.community_by_code(g.community)) {
      fail(o.at("community"), "community " + in_quotes(g.community) + " does not exist");
    }
    g.code = read_code(o.req("code"), o.at("code"), 15, g.community, "community");
    grid_codes_.add(g.code, o.at("code"));
    g.name = read_text(o.req("name"), o.at("name"), false);
    return g;
  }

  void lines(const json& j, const std::string& path) {
    Unique numbers("line number"), prefixes("ticket prefix");
    c_.lines = read_array(j, path, [&](const json& e, const std::string& p) {
      Obj o(e, p, {"number", "prefix", "name"});
      ServiceLine l;
      l.number = read_int(o.req("number"), o.at("number"), 1, 10);
      numbers.add(std::to_string(l.number), o.at("number"));
      // Without a prefix line n gets its default letter (A … H, J, K).
      std::string prefix(1, default_ticket_prefix(l.number));
      if (const json* given = o.opt("prefix")) prefix = read_string(*given, o.at("prefix"));
      if (prefix == "I" || prefix == "O") {
        fail(o.at("prefix"), "ticket prefix " + in_quotes(prefix) + " reads as the digit " +
                                 (prefix == "I" ? "1" : "0") +
                                 " on a ticket and on the board; choose another capital letter "
                                 "(any of A-Z but I and O)");
      }
      if (prefix.size() != 1 || !is_ticket_prefix(prefix[0])) {
        fail(o.at("prefix"), "ticket prefix " + in_quotes(prefix) +
                                 " must be one capital letter A-Z other than I and O");
      }
      prefixes.add(prefix, o.at("prefix"));
      l.prefix = prefix[0];
      l.name = read_text(o.req("name"), o.at("name"), true);
      return l;
    });
    if (c_.lines.size() != 10) {
      fail(path, "expected exactly ten service lines numbered 1-10, found " +
                     std::to_string(c_.lines.size()));
    }
    std::sort(c_.lines.begin(), c_.lines.end(),
              [](const ServiceLine& a, const ServiceLine& b) { return a.number < b.number; });
  }

  // A line number that must name one of the ten lines.
  int line_ref(const json& j, const std::string& path) {
    std::int64_t n = read_int64(j, path);
    if (n < 1 || n > 10) {
      fail(path, "line " + std::to_string(n) + " does not exist (lines are 1-10)");
    }
    return static_cast<int>(n);
  }

  std::vector<Window> window_layout(const json& j, const std::string& path) {
    Unique numbers("window number");
    std::vector<Window> layout = read_array(j, path, [&](const json& e, const std::string& p) {
      Obj o(e, p, {"number", "name", "lines"});
      Window w;
      w.number = read_int(o.req("number"), o.at("number"), 1, 99);
      numbers.add(std::to_string(w.number), o.at("number"));
      w.name = read_text(o.req("name"), o.at("name"), true);
      Unique served("line");
      w.lines =
          read_array(o.req("lines"), o.at("lines"), [&](const json& l, const std::string& lp) {
            int n = line_ref(l, lp);
            served.add(std::to_string(n), lp);
            return n;
          });
      non_empty(w.lines, o.at("lines"), "line");
      return w;
    });
    non_empty(layout, path, "window");
    for (const ServiceLine& line : c_.lines) {
      bool served = std::any_of(layout.begin(), layout.end(),
                                [&](const Window& w) { return w.serves(line.number); });
      if (!served) {
        fail(path, "line " + std::to_string(line.number) + " (" + line.name.zh +
                       ") is served by no window; every line needs at least one");
      }
    }
    return layout;
  }

  void windows(const json& j, const std::string& path) {
    Obj o(j, path, {"default", "communities"});
    c_.default_windows = window_layout(o.req("default"), o.at("default"));
    if (const json* per = o.opt("communities")) {
      std::string per_path = o.at("communities");
      if (!per->is_object()) wrong_type(*per, per_path, "an object keyed by community code");
      for (const auto& [code, layout] : per->items()) {
        if (!c_.community_by_code(code)) {
          fail(child(per_path, code), "community " + in_quotes(code) + " does not exist");
        }
        c_.community_windows[code] = window_layout(layout, child(per_path, code));
      }
    }
  }

  ServiceItem item(const json& j, const std::string& path) {
    Obj o(j, path,
          {"id", "name", "line", "who_may_apply", "what_to_bring", "time_limit_days", "description",
           "on_work_list", "on_certificate_list"});
    ServiceItem s;
    s.id = read_id(o.req("id"), o.at("id"));
    item_ids_.add(s.id, o.at("id"));
    s.name = read_text(o.req("name"), o.at("name"), true);
    s.line = line_ref(o.req("line"), o.at("line"));
    s.who_may_apply = read_text(o.req("who_may_apply"), o.at("who_may_apply"), false);
    s.what_to_bring =
        read_array(o.req("what_to_bring"), o.at("what_to_bring"),
                   [](const json& e, const std::string& p) { return read_text(e, p, false); });
    s.time_limit_days = read_int(o.req("time_limit_days"), o.at("time_limit_days"), 0, 365);
    s.description = read_opt_text(o, "description");
    s.on_work_list = read_opt_bool(o, "on_work_list");
    s.on_certificate_list = read_opt_bool(o, "on_certificate_list");
    return s;
  }

  // The id of a service item read earlier in the document's service_items.
  std::string item_ref(const json& j, const std::string& path) {
    std::string id = read_string(j, path);
    if (!c_.item_by_id(id)) fail(path, "service item " + in_quotes(id) + " does not exist");
    return id;
  }

  Certificate cert(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "issuable", "note", "service_item"});
    Certificate c;
    c.id = read_id(o.req("id"), o.at("id"));
    cert_ids_.add(c.id, o.at("id"));
    c.name = read_text(o.req("name"), o.at("name"), true);
    c.issuable = read_bool(o.req("issuable"), o.at("issuable"));
    c.note = read_opt_text(o, "note");
    if (const json* item = o.opt("service_item")) {
      c.service_item = item_ref(*item, o.at("service_item"));
      if (!c_.item_by_id(c.service_item)->on_certificate_list) {
        fail(o.at("service_item"), "service item " + in_quotes(c.service_item) +
                                       " issues this certificate but is not marked "
                                       "on_certificate_list");
      }
    }
    return c;
  }

  std::vector<std::string> keywords(const Obj& o) {
    auto words = read_array(o.req("keywords"), o.at("keywords"), read_string);
    non_empty(words, o.at("keywords"), "keyword");
    return words;
  }

  WorkListItem work(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "keywords"});
    WorkListItem w;
    w.id = read_id(o.req("id"), o.at("id"));
    work_ids_.add(w.id, o.at("id"));
    w.name = read_text(o.req("name"), o.at("name"), true);
    w.keywords = keywords(o);
    return w;
  }

  ExcludedWork excl(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "keywords"});
    ExcludedWork w;
    w.id = read_id(o.req("id"), o.at("id"));
    work_ids_.add(w.id, o.at("id"));
    w.name = read_text(o.req("name"), o.at("name"), true);
    w.keywords = keywords(o);
    return w;
  }

  WhistleSource src(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name"});
    WhistleSource s;
    s.id = read_id(o.req("id"), o.at("id"));
    source_ids_.add(s.id, o.at("id"));
    s.name = read_text(o.req("name"), o.at("name"), true);
    return s;
  }

  Department dept(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "sources"});
    Department d;
    d.id = read_id(o.req("id"), o.at("id"));
    dept_ids_.add(d.id, o.at("id"));
    d.name = read_text(o.req("name"), o.at("name"), true);
    Unique listed("whistle source");
    d.sources =
        read_array(o.req("sources"), o.at("sources"), [&](const json& e, const std::string& p) {
          std::string id = read_string(e, p);
          if (!c_.source_by_id(id)) fail(p, "whistle source " + in_quotes(id) + " does not exist");
          listed.add(id, p);
          return id;
        });
    return d;
  }

  void deadlines(const json& j, const std::string& path) {
    Obj o(j, path, {"emergency", "key", "routine"});
    for (WhistleKind kind : {WhistleKind::Emergency, WhistleKind::Key, WhistleKind::Routine}) {
      std::string_view name = to_string(kind);
      const json& dj = o.req(name);
      Deadline deadline;
      deadline.kind = kind;
      constexpr int kYear = 24 * 366;
      constexpr int kWorkingDays = 250;
      if (dj.is_object() && !dj.contains("unit")) {
        // Before issue 16: hours, named so.
        Obj d(dj, o.at(name), {"report_in_hours", "feedback_hours", "verify_hours"});
        deadline.report_in = read_int(d.req("report_in_hours"), d.at("report_in_hours"), 1, kYear);
        deadline.feedback = read_int(d.req("feedback_hours"), d.at("feedback_hours"), 1, kYear);
        deadline.verify = read_int(d.req("verify_hours"), d.at("verify_hours"), 1, kYear);
      } else {
        Obj d(dj, o.at(name), {"unit", "report_in", "feedback", "verify"});
        const std::string unit = read_string(d.req("unit"), d.at("unit"));
        auto parsed = parse_deadline_unit(unit);
        if (!parsed) fail(d.at("unit"), parsed.status().message());
        deadline.unit = *parsed;
        const int hi = deadline.unit == DeadlineUnit::Hours ? kYear : kWorkingDays;
        deadline.report_in = read_int(d.req("report_in"), d.at("report_in"), 1, hi);
        deadline.feedback = read_int(d.req("feedback"), d.at("feedback"), 1, hi);
        deadline.verify = read_int(d.req("verify"), d.at("verify"), 1, hi);
      }
      c_.deadlines.push_back(deadline);
    }
  }

  static CivilDate date(const json& j, const std::string& path, int year) {
    const std::string text = read_string(j, path);
    auto d = CivilDate::parse(text);
    if (!d) fail(path, d.status().message());
    const CivilDate lo{year - 1, 12, 1}, hi{year + 1, 1, 31};
    if (*d < lo || hi < *d) {
      fail(path, text + " is not within a month of " + std::to_string(year) +
                     "; list it under its own year");
    }
    return *d;
  }

  CalendarYear calendar_year(const json& j, const std::string& path) {
    Obj o(j, path, {"year", "notice", "holidays", "workdays"});
    CalendarYear y;
    y.year = read_int(o.req("year"), o.at("year"), 1990, 2100);
    y.notice = read_string(o.req("notice"), o.at("notice"));
    y.holidays =
        read_array(o.req("holidays"), o.at("holidays"), [&](const json& hj, const std::string& p) {
          Obj h(hj, p, {"name", "first", "last"});
          Holiday out;
          const Text name = read_text(h.req("name"), h.at("name"), false);
          out.zh = name.zh;
          out.en = name.en;
          out.first = date(h.req("first"), h.at("first"), y.year);
          out.last = date(h.req("last"), h.at("last"), y.year);
          if (out.last < out.first) {
            fail(h.at("last"),
                 out.last.to_string() + " is before the first day " + out.first.to_string());
          }
          if (out.last.days_since_epoch() - out.first.days_since_epoch() >= 31) {
            fail(h.at("last"), "a holiday is at most 31 days long");
          }
          return out;
        });
    y.workdays =
        read_array(o.req("workdays"), o.at("workdays"), [&](const json& wj, const std::string& p) {
          const CivilDate d = date(wj, p, y.year);
          if (d.weekday() < 6) {
            fail(p, d.to_string() +
                        " is a weekday; a swapped workday (调休上班) is a "
                        "Saturday or Sunday");
          }
          return d;
        });
    std::sort(y.workdays.begin(), y.workdays.end());
    std::sort(y.holidays.begin(), y.holidays.end(),
              [](const Holiday& a, const Holiday& b) { return a.first < b.first; });
    return y;
  }

  void work_calendar(const json& j, const std::string& path) {
    c_.work_calendar.years = read_array(
        j, path, [&](const json& e, const std::string& p) { return calendar_year(e, p); });
    std::map<CivilDate, std::string> holiday_at;  // a day of a holiday → its path
    std::map<CivilDate, std::string> workday_at;
    for (std::size_t i = 0; i < c_.work_calendar.years.size(); ++i) {
      const CalendarYear& y = c_.work_calendar.years[i];
      const std::string p = child(path, i);
      if (i > 0 && c_.work_calendar.years[i - 1].year >= y.year) {
        fail(child(p, "year"), "year " + std::to_string(y.year) + " must come after " +
                                   std::to_string(c_.work_calendar.years[i - 1].year) +
                                   " (years ascending, each once)");
      }
      for (std::size_t h = 0; h < y.holidays.size(); ++h) {
        for (std::int64_t d = y.holidays[h].first.days_since_epoch();
             d <= y.holidays[h].last.days_since_epoch(); ++d) {
          holiday_at.emplace(CivilDate::from_days(d), child(child(p, "holidays"), h));
        }
      }
      for (std::size_t w = 0; w < y.workdays.size(); ++w) {
        const std::string wp = child(child(p, "workdays"), w);
        if (!workday_at.emplace(y.workdays[w], wp).second) {
          fail(wp, y.workdays[w].to_string() + " is listed twice as a workday");
        }
      }
    }
    for (const auto& [day, wp] : workday_at) {
      if (auto h = holiday_at.find(day); h != holiday_at.end()) {
        fail(wp, day.to_string() + " is both a workday and a day of the holiday at " + h->second);
      }
    }
  }

  static int weekday(const json& j, const std::string& path) {
    static constexpr std::string_view kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                 "friday", "saturday", "sunday"};
    std::string day = read_string(j, path);
    for (int i = 0; i < 7; ++i) {
      if (day == kDays[i]) return i + 1;
    }
    fail(path, "weekday " + in_quotes(day) + " is not one of monday, tuesday, … sunday");
  }

  // "HH:MM" on a 24-hour clock, as minutes after midnight; "24:00" only when allow_24.
  static int time_of_day(const json& j, const std::string& path, bool allow_24) {
    std::string t = read_string(j, path);
    auto digit = [&](std::size_t i) { return t[i] >= '0' && t[i] <= '9'; };
    bool shape = t.size() == 5 && digit(0) && digit(1) && t[2] == ':' && digit(3) && digit(4);
    int h = shape ? (t[0] - '0') * 10 + (t[1] - '0') : -1;
    int m = shape ? (t[3] - '0') * 10 + (t[4] - '0') : -1;
    bool ok = shape && m < 60 && (h < 24 || (allow_24 && h == 24 && m == 0));
    if (!ok)
      fail(path, "time " + in_quotes(t) + " must be HH:MM on a 24-hour clock, e.g. \"09:00\"");
    return h * 60 + m;
  }

  SlotTemplate slot(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "service_item", "weekday", "start", "end", "capacity"});
    SlotTemplate s;
    s.id = read_id(o.req("id"), o.at("id"));
    slot_ids_.add(s.id, o.at("id"));
    s.name = read_text(o.req("name"), o.at("name"), true);
    s.service_item = item_ref(o.req("service_item"), o.at("service_item"));
    s.weekday = weekday(o.req("weekday"), o.at("weekday"));
    s.start_minute = time_of_day(o.req("start"), o.at("start"), false);
    s.end_minute = time_of_day(o.req("end"), o.at("end"), true);
    if (s.end_minute <= s.start_minute) fail(o.at("end"), "must be later than start");
    s.capacity = read_int(o.req("capacity"), o.at("capacity"), 1, 10000);
    return s;
  }

  Place place(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "name", "community", "grid"});
    Place p;
    p.id = read_id(o.req("id"), o.at("id"));
    place_ids_.add(p.id, o.at("id"));
    p.name = read_text(o.req("name"), o.at("name"), true);
    p.community = read_string(o.req("community"), o.at("community"));
    if (!c_.community_by_code(p.community)) {
      fail(o.at("community"), "community " + in_quotes(p.community) + " does not exist");
    }
    if (const json* grid = o.opt("grid")) {
      p.grid = read_string(*grid, o.at("grid"));
      const Grid* g = c_.grid_by_code(p.grid);
      if (!g) fail(o.at("grid"), "grid " + in_quotes(p.grid) + " does not exist");
      if (g->community != p.community) {
        fail(o.at("grid"), "grid " + in_quotes(p.grid) + " belongs to community " +
                               in_quotes(g->community) + ", not to the place's community " +
                               in_quotes(p.community));
      }
    }
    return p;
  }

  Phrase phrase(const json& j, const std::string& path) {
    Obj o(j, path, {"id", "text", "sources"});
    Phrase p;
    p.id = read_id(o.req("id"), o.at("id"));
    phrase_ids_.add(p.id, o.at("id"));
    p.text = read_text(o.req("text"), o.at("text"), true);
    Unique listed("whistle source");
    p.sources =
        read_array(o.req("sources"), o.at("sources"), [&](const json& e, const std::string& sp) {
          std::string id = read_string(e, sp);
          if (!c_.source_by_id(id)) {
            fail(sp, "whistle source " + in_quotes(id) + " does not exist");
          }
          listed.add(id, sp);
          return id;
        });
    non_empty(p.sources, o.at("sources"), "whistle source");
    return p;
  }

  Catalog& c_;
  Unique place_ids_{"place id"};
  Unique phrase_ids_{"phrase id"};
  Unique office_codes_{"street office code"};
  Unique community_codes_{"community code"};
  Unique grid_codes_{"grid code"};
  Unique item_ids_{"service item id"};
  Unique cert_ids_{"certificate id"};
  Unique work_ids_{"work list id"};
  Unique source_ids_{"whistle source id"};
  Unique dept_ids_{"department id"};
  Unique slot_ids_{"slot template id"};
};

}  // namespace

Result<Catalog> parse_catalog(std::string_view json_text, std::string_view source_name) {
  WEIMIN_ASSIGN_OR_RETURN(json root, parse_strict(json_text, source_name));
  Catalog catalog;
  try {
    CatalogReader(catalog).read(root);
  } catch (const CatalogError& e) {
    return Status(e.code, error_prefix(source_name, e.path) + e.what);
  } catch (const json::exception& e) {
    return Status(ErrorCode::Internal,
                  std::string(source_name) + ": unexpected JSON error (a bug): " + e.what());
  }
  return catalog;
}

}  // namespace weimin::core
