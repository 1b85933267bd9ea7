// The catalog: a district's reference data (DESIGN.md, "reference data, district-owned") — its
// street offices, communities and grids, the ten service lines, the windows, the service items
// and the two official lists, whistle sources, departments, case deadlines and appointment slot
// templates. Written only at the district and read everywhere; a station never edits it.
// It is parsed from JSON text (core does no file I/O) and fully validated, so every reference
// inside a Catalog that parse_catalog returned resolves.
// Thread-safety: a Catalog is an immutable value once parsed; any number of threads may read
// one at the same time. The functions here keep no state.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/core/work_calendar.hpp"

namespace weimin::core {

// [SECTION] Whistles (吹哨): used by the deadlines here and by the case workflow.

// The kind of a whistle: emergency 应急哨, key 重点哨, routine 常规哨.
enum class WhistleKind { Emergency, Key, Routine };
// Who blows the whistle: district level 区级 or community level 社区级.
enum class WhistleLevel { District, Community };

// "emergency", "key", "routine".
std::string_view to_string(WhistleKind kind);
// "district", "community".
std::string_view to_string(WhistleLevel level);
// Exactly the strings to_string gives; anything else is Invalid with a message listing them.
Result<WhistleKind> parse_whistle_kind(std::string_view text);
Result<WhistleLevel> parse_whistle_level(std::string_view text);

// [SECTION] The catalog's parts.

// The catalog format this build reads. A document with a larger schema_version is TooNew.
inline constexpr int kCatalogSchemaVersion = 1;

// A name or a short text in Chinese first and English second. `en` may be empty where the
// document gives none (long descriptions); names of lines, items, sources and departments
// always carry both.
struct Text {
  std::string zh;
  std::string en;
  bool operator==(const Text&) const = default;
};

// A district (区), e.g. Wuhua, code "530102" (the administrative division code).
struct District {
  std::string code;
  Text name;
  bool operator==(const District&) const = default;
};

// A street office (街道办事处); code is the 9-digit township-level division code.
struct StreetOffice {
  std::string code;
  Text name;
  bool operator==(const StreetOffice&) const = default;
};

// How a community came about: village-to-residence 村改居, urban 城市社区, work-unit 单位型社区.
enum class CommunityKind { VillageToResidence, Urban, WorkUnit };
// "village_to_residence", "urban", "work_unit".
std::string_view to_string(CommunityKind kind);
Result<CommunityKind> parse_community_kind(std::string_view text);

// A community (社区居委会); code is the 12-digit village-level division code. Each runs one
// service station.
struct Community {
  std::string code;
  Text name;
  std::string street_office;  // code of its StreetOffice
  CommunityKind kind = CommunityKind::Urban;
  bool operator==(const Community&) const = default;
};

// A grid (网格): the patch one grid worker walks.
struct Grid {
  std::string code;
  Text name;              // en may be empty
  std::string community;  // code of its Community
  bool operator==(const Grid&) const = default;
};

// One of the ten service lines (十条站线), numbered 1-10. Its tickets carry its prefix letter
// (A012: the 12th ticket of line A that day): a capital other than I and O, which read as
// digits; by default (no "prefix" in the document) line n has the n-th of A B C D E F G H J K.
struct ServiceLine {
  int number = 0;
  char prefix = 'A';
  Text name;
  bool operator==(const ServiceLine&) const = default;
};

// A comprehensive window (综合窗口) and the lines it serves. Which window serves which line is
// configuration: a station default, overridable per community.
struct Window {
  int number = 0;
  Text name;
  std::vector<int> lines;  // line numbers, each 1-10, no repeats
  bool serves(int line) const;
  bool operator==(const Window&) const = default;
};

// A service item (服务事项) as the service guide (办事指南) shows it.
struct ServiceItem {
  std::string id;
  Text name;
  int line = 0;                     // the ServiceLine that handles it
  Text who_may_apply;               // 申请对象
  std::vector<Text> what_to_bring;  // 申请材料, in the order to show
  int time_limit_days = 0;          // 办理时限 in working days; 0 = done on the spot
  Text description;
  bool on_work_list = false;         // on the community work list (社区工作事项清单)
  bool on_certificate_list = false;  // on the certificate list (盖章证明事项清单)
  bool operator==(const ServiceItem&) const = default;
};

// An entry of the certificate list (盖章证明事项清单). Since 2018 Yunnan lets residents'
// committees issue only the economic hardship certificate (经济困难证明); the other entries are
// kept with issuable = false so staff can tell a resident where to go instead.
struct Certificate {
  std::string id;
  Text name;
  bool issuable = false;
  Text note;                 // what to do instead when not issuable; may be empty
  std::string service_item;  // id of the ServiceItem that issues it; may be empty
  bool operator==(const Certificate&) const = default;
};

// An item of the community work list (社区工作事项清单, Wuhua: 81 items): work the station
// does as of right. Anything else a department pushes down needs work-access approval.
struct WorkListItem {
  std::string id;
  Text name;
  std::vector<std::string> keywords;  // Chinese words that mark a task as this item
  bool operator==(const WorkListItem&) const = default;
};

// Work the district has abolished for communities in principle (原则上一律取消): quotas for
// investment attraction, tax collection or revenue, and the community as the body responsible
// for law enforcement, demolition, environmental clean-up campaigns or city management. A task
// that matches one needs work-access approval even when it also resembles a work-list item.
struct ExcludedWork {
  std::string id;
  Text name;
  std::vector<std::string> keywords;
  bool operator==(const ExcludedWork&) const = default;
};

// A whistle source (哨源): the class of problem a case is about.
struct WhistleSource {
  std::string id;
  Text name;
  bool operator==(const WhistleSource&) const = default;
};

// A place of a community a resident names when reporting a problem (a building, a courtyard, a
// market, a road), in the grid it lies in.
struct Place {
  std::string id;
  Text name;
  std::string community;  // code of its Community
  std::string grid;       // code of its Grid; may be empty
  bool operator==(const Place&) const = default;
};

// A common phrase a resident puts a problem description together from, offered under the
// whistle sources it belongs to (路灯不亮 under 市政设施, not under 环境卫生).
struct Phrase {
  std::string id;
  Text text;
  std::vector<std::string> sources;  // ids of WhistleSources
  bool operator==(const Phrase&) const = default;
};

// How a priority ticket (优先) is offered and recorded: the words for one of the priorities of
// ticket.hpp ("elderly", "disability", "pregnancy", "appointment"), so a district words its own
// rule ("70岁以上老人") in both languages.
struct PriorityReason {
  std::string priority;  // a core::Priority name other than "none"
  Text name;
  bool operator==(const PriorityReason&) const = default;
};

// A department (职能部门) that reports in when whistled.
struct Department {
  std::string id;
  Text name;
  std::vector<std::string> sources;  // ids of the WhistleSources it usually handles
  bool operator==(const Department&) const = default;
};

// The unit a whistle kind's deadlines count in: clock hours, or working days of the district's
// calendar (WorkCalendar: a deadline ends at 24:00 of the last working day).
enum class DeadlineUnit { Hours, WorkingDays };
// "hours", "working_days".
std::string_view to_string(DeadlineUnit unit);
Result<DeadlineUnit> parse_deadline_unit(std::string_view text);

// Deadlines of a whistle of one kind, in `unit`s from the previous step: the department reports
// in (报到) within report_in of the whistle, gives feedback (反馈) within feedback of reporting
// in, and the station verifies (核实) within verify of the feedback.
struct Deadline {
  WhistleKind kind = WhistleKind::Routine;
  DeadlineUnit unit = DeadlineUnit::Hours;
  int report_in = 0;
  int feedback = 0;
  int verify = 0;
  bool operator==(const Deadline&) const = default;
};

// A weekly appointment slot template, e.g. the Wednesday morning legal clinic
// (一村(社区)一法律顾问) or the home elderly care call-backs (居家养老上门服务回访).
struct SlotTemplate {
  std::string id;
  Text name;
  std::string service_item;  // id of the ServiceItem booked
  int weekday = 1;           // ISO 8601: 1 = Monday … 7 = Sunday ("monday" … in JSON)
  int start_minute = 0;      // minutes after local midnight ("09:00" in JSON)
  int end_minute = 0;        // > start_minute, ≤ 24:00
  int capacity = 0;          // bookings per occurrence, > 0
  bool operator==(const SlotTemplate&) const = default;
};

// [SECTION] The catalog.

struct Catalog {
  int version = 0;  // the district's catalog version; increases with each change
  int schema_version = kCatalogSchemaVersion;
  District district;
  std::vector<StreetOffice> street_offices;
  std::vector<Community> communities;
  std::vector<Grid> grids;
  std::vector<ServiceLine> lines;  // exactly ten, in order 1-10
  std::vector<Window> default_windows;
  std::map<std::string, std::vector<Window>> community_windows;  // community code → windows
  std::vector<ServiceItem> service_items;
  std::vector<Certificate> certificates;
  std::vector<WorkListItem> work_list;
  std::vector<ExcludedWork> excluded_work;
  std::vector<WhistleSource> whistle_sources;
  std::vector<Department> departments;
  std::vector<Deadline> deadlines;  // one per WhistleKind, in enum order
  std::vector<SlotTemplate> slot_templates;
  std::vector<Place> places;                     // may be empty (older catalogs)
  std::vector<Phrase> phrases;                   // may be empty (older catalogs)
  std::vector<PriorityReason> priority_reasons;  // may be empty (older catalogs)
  // The working days (holidays, swapped workdays) the district published; empty in older
  // catalogs: deadlines in working days then count Monday–Friday.
  WorkCalendar work_calendar;

  // Lookups: nullptr when there is no such entry.
  const ServiceLine* line_by_number(int number) const;
  const ServiceLine* line_by_prefix(char prefix) const;
  const ServiceItem* item_by_id(std::string_view id) const;
  const StreetOffice* street_office_by_code(std::string_view code) const;
  const Community* community_by_code(std::string_view code) const;
  const Grid* grid_by_code(std::string_view code) const;
  const Certificate* certificate_by_id(std::string_view id) const;
  const WorkListItem* work_item_by_id(std::string_view id) const;
  const ExcludedWork* excluded_work_by_id(std::string_view id) const;
  const WhistleSource* source_by_id(std::string_view id) const;
  const Department* department_by_id(std::string_view id) const;
  const SlotTemplate* slot_template_by_id(std::string_view id) const;
  // The windows of a community's station: its own layout if it has one, else the default.
  const std::vector<Window>& windows_for(std::string_view community_code) const;
  // A window of windows_for(community_code); an empty code means the default layout.
  const Window* window_by_number(int number, std::string_view community_code = {}) const;

  // The items of one line, in catalog order.
  std::vector<const ServiceItem*> items_for_line(int line) const;
  // The departments that usually handle a whistle source, in catalog order.
  std::vector<const Department*> departments_for_source(std::string_view source_id) const;
  // The places of a community, in catalog order.
  std::vector<const Place*> places_for(std::string_view community_code) const;
  const Place* place_by_id(std::string_view id) const;
  // The phrases offered under a whistle source, in catalog order.
  std::vector<const Phrase*> phrases_for(std::string_view source_id) const;
  const Phrase* phrase_by_id(std::string_view id) const;
  // The words for a priority ("elderly" …, as core::to_string(Priority) gives); nullptr when the
  // catalog has none for it.
  const PriorityReason* priority_reason(std::string_view priority) const;
  // The windows of a station that serve a line, in window order.
  std::vector<const Window*> windows_serving(int line, std::string_view community_code = {}) const;

  // Precondition: the catalog came from parse_catalog (which guarantees all three kinds).
  const Deadline& deadline_for(WhistleKind kind) const;

  bool operator==(const Catalog&) const = default;
};

// Parses and validates a catalog document. source_name (e.g. "wuhua.json") starts every error
// message, followed by a JSON-pointer path and what is wrong, e.g.
//   wuhua.json: /service_items/3/line: line 12 does not exist (lines are 1-10)
// On success every reference resolves (lines, windows, street offices, communities, grids,
// sources, service items), ids and codes are unique, division codes nest (a community's code
// starts with its street office's), there are exactly ten lines numbered 1-10 with distinct
// prefixes, none I or O (stored in order), every window layout serves every line, there is one
// deadline per whistle kind, a place's grid is one of the place's community, every phrase
// names at least one source, a priority reason names a priority (not "none") once, and
// places, phrases and priority reasons carry English. A deadline is {"report_in_hours",
// "feedback_hours", "verify_hours"} (hours, 1 … 8784) or {"unit": "hours" | "working_days",
// "report_in", "feedback", "verify"} (working days 1 … 250). "work_calendar" (optional) lists
// years 1990 … 2100 once each, ascending, each with its notice, holidays {"name", "first",
// "last"} of at most 31 days and swapped workdays on a Saturday or Sunday; every date is a real
// YYYY-MM-DD within a month of its year, and no day is both a holiday and a workday. "places",
// "phrases" and "priority_reasons" may be absent (catalogs before issue 14). A key written twice in
// one object is refused. Fails with Invalid for malformed JSON (with line and byte position), a
// missing or unknown field, a wrong type or a broken rule; with TooNew when schema_version is newer
// than kCatalogSchemaVersion.
Result<Catalog> parse_catalog(std::string_view json_text, std::string_view source_name);

// The catalog as a JSON document that parse_catalog reads back to an equal Catalog.
std::string catalog_to_json(const Catalog& catalog);

}  // namespace weimin::core
