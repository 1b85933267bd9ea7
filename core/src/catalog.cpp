// The catalog's enums and lookups. Parsing is in catalog_json.cpp, writing in
// catalog_json_write.cpp.
#include "weimin/core/catalog.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <string>

namespace weimin::core {

namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
  return it == items.end() ? nullptr : &*it;
}

template <class T>
const T* find_by_code(const std::vector<T>& items, std::string_view code) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.code == code; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

std::string_view to_string(WhistleKind kind) {
  switch (kind) {
    case WhistleKind::Emergency:
      return "emergency";
    case WhistleKind::Key:
      return "key";
    case WhistleKind::Routine:
      return "routine";
  }
  return "unknown";
}

std::string_view to_string(WhistleLevel level) {
  switch (level) {
    case WhistleLevel::District:
      return "district";
    case WhistleLevel::Community:
      return "community";
  }
  return "unknown";
}

std::string_view to_string(CommunityKind kind) {
  switch (kind) {
    case CommunityKind::VillageToResidence:
      return "village_to_residence";
    case CommunityKind::Urban:
      return "urban";
    case CommunityKind::WorkUnit:
      return "work_unit";
  }
  return "unknown";
}

Result<WhistleKind> parse_whistle_kind(std::string_view text) {
  for (WhistleKind k : {WhistleKind::Emergency, WhistleKind::Key, WhistleKind::Routine}) {
    if (text == to_string(k)) return k;
  }
  return Status(ErrorCode::Invalid, "unknown whistle kind \"" + std::string(text) +
                                        "\" (expected emergency, key or routine)");
}

Result<WhistleLevel> parse_whistle_level(std::string_view text) {
  for (WhistleLevel l : {WhistleLevel::District, WhistleLevel::Community}) {
    if (text == to_string(l)) return l;
  }
  return Status(ErrorCode::Invalid, "unknown whistle level \"" + std::string(text) +
                                        "\" (expected district or community)");
}

std::string_view to_string(DeadlineUnit unit) {
  switch (unit) {
    case DeadlineUnit::Hours:
      return "hours";
    case DeadlineUnit::WorkingDays:
      return "working_days";
  }
  return "unknown";
}

Result<DeadlineUnit> parse_deadline_unit(std::string_view text) {
  for (DeadlineUnit u : {DeadlineUnit::Hours, DeadlineUnit::WorkingDays}) {
    if (text == to_string(u)) return u;
  }
  return Status(ErrorCode::Invalid, "unknown deadline unit \"" + std::string(text) +
                                        "\" (expected hours or working_days)");
}

Result<CommunityKind> parse_community_kind(std::string_view text) {
  for (CommunityKind k :
       {CommunityKind::VillageToResidence, CommunityKind::Urban, CommunityKind::WorkUnit}) {
    if (text == to_string(k)) return k;
  }
  return Status(ErrorCode::Invalid, "unknown community kind \"" + std::string(text) +
                                        "\" (expected village_to_residence, urban or work_unit)");
}

bool Window::serves(int line) const {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

const ServiceLine* Catalog::line_by_number(int number) const {
  auto it = std::find_if(lines.begin(), lines.end(),
                         [&](const ServiceLine& l) { return l.number == number; });
  return it == lines.end() ? nullptr : &*it;
}

const ServiceLine* Catalog::line_by_prefix(char prefix) const {
  auto it = std::find_if(lines.begin(), lines.end(),
                         [&](const ServiceLine& l) { return l.prefix == prefix; });
  return it == lines.end() ? nullptr : &*it;
}

const ServiceItem* Catalog::item_by_id(std::string_view id) const {
  return find_by_id(service_items, id);
}

const StreetOffice* Catalog::street_office_by_code(std::string_view code) const {
  return find_by_code(street_offices, code);
}

const Community* Catalog::community_by_code(std::string_view code) const {
  return find_by_code(communities, code);
}

const Grid* Catalog::grid_by_code(std::string_view code) const {
  return find_by_code(grids, code);
}

const Certificate* Catalog::certificate_by_id(std::string_view id) const {
  return find_by_id(certificates, id);
}

const WorkListItem* Catalog::work_item_by_id(std::string_view id) const {
  return find_by_id(work_list, id);
}

const ExcludedWork* Catalog::excluded_work_by_id(std::string_view id) const {
  return find_by_id(excluded_work, id);
}

const WhistleSource* Catalog::source_by_id(std::string_view id) const {
  return find_by_id(whistle_sources, id);
}

const Department* Catalog::department_by_id(std::string_view id) const {
  return find_by_id(departments, id);
}

const SlotTemplate* Catalog::slot_template_by_id(std::string_view id) const {
  return find_by_id(slot_templates, id);
}

const std::vector<Window>& Catalog::windows_for(std::string_view community_code) const {
  if (!community_code.empty()) {
    auto it = community_windows.find(std::string(community_code));
    if (it != community_windows.end()) return it->second;
  }
  return default_windows;
}

const Window* Catalog::window_by_number(int number, std::string_view community_code) const {
  const std::vector<Window>& windows = windows_for(community_code);
  auto it = std::find_if(windows.begin(), windows.end(),
                         [&](const Window& w) { return w.number == number; });
  return it == windows.end() ? nullptr : &*it;
}

std::vector<const ServiceItem*> Catalog::items_for_line(int line) const {
  std::vector<const ServiceItem*> out;
  for (const ServiceItem& item : service_items) {
    if (item.line == line) out.push_back(&item);
  }
  return out;
}

std::vector<const Department*> Catalog::departments_for_source(std::string_view source_id) const {
  std::vector<const Department*> out;
  for (const Department& d : departments) {
    if (std::find(d.sources.begin(), d.sources.end(), source_id) != d.sources.end()) {
      out.push_back(&d);
    }
  }
  return out;
}

std::vector<const Place*> Catalog::places_for(std::string_view community_code) const {
  std::vector<const Place*> out;
  for (const Place& p : places) {
    if (p.community == community_code) out.push_back(&p);
  }
  return out;
}

const Place* Catalog::place_by_id(std::string_view id) const {
  for (const Place& p : places) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::vector<const Phrase*> Catalog::phrases_for(std::string_view source_id) const {
  std::vector<const Phrase*> out;
  for (const Phrase& p : phrases) {
    if (std::find(p.sources.begin(), p.sources.end(), source_id) != p.sources.end()) {
      out.push_back(&p);
    }
  }
  return out;
}

const Phrase* Catalog::phrase_by_id(std::string_view id) const {
  for (const Phrase& p : phrases) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const PriorityReason* Catalog::priority_reason(std::string_view priority) const {
  for (const PriorityReason& r : priority_reasons) {
    if (r.priority == priority) return &r;
  }
  return nullptr;
}

std::vector<const Window*> Catalog::windows_serving(int line,
                                                    std::string_view community_code) const {
  std::vector<const Window*> out;
  for (const Window& w : windows_for(community_code)) {
    if (w.serves(line)) out.push_back(&w);
  }
  return out;
}

const Deadline& Catalog::deadline_for(WhistleKind kind) const {
  auto it = std::find_if(deadlines.begin(), deadlines.end(),
                         [&](const Deadline& d) { return d.kind == kind; });
  assert(it != deadlines.end() && "a parsed catalog has a deadline for every whistle kind");
  if (it == deadlines.end()) std::abort();  // precondition broken; never reached via parse_catalog
  return *it;
}

}  // namespace weimin::core
