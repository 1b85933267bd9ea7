// catalog_to_json: the catalog as the document parse_catalog reads (same field names, same
// order as assets/catalog/wuhua.json), so the district can hand a catalog on unchanged.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "weimin/core/catalog.hpp"

namespace weimin::core {

namespace {

using ojson = nlohmann::ordered_json;

ojson text(const Text& t) {
  ojson j = {{"zh", t.zh}};
  if (!t.en.empty()) j["en"] = t.en;
  return j;
}

ojson texts(const std::vector<Text>& ts) {
  ojson j = ojson::array();
  for (const Text& t : ts) j.push_back(text(t));
  return j;
}

std::string weekday_name(int weekday) {
  static constexpr const char* kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                          "friday", "saturday", "sunday"};
  return (weekday >= 1 && weekday <= 7) ? kDays[weekday - 1] : "monday";
}

std::string time_of_day(int minute) {
  char buf[8];
  int h = minute / 60 % 100;
  int m = minute % 60;
  buf[0] = static_cast<char>('0' + h / 10);
  buf[1] = static_cast<char>('0' + h % 10);
  buf[2] = ':';
  buf[3] = static_cast<char>('0' + m / 10);
  buf[4] = static_cast<char>('0' + m % 10);
  buf[5] = '\0';
  return buf;
}

ojson windows(const std::vector<Window>& layout) {
  ojson j = ojson::array();
  for (const Window& w : layout) {
    j.push_back({{"number", w.number}, {"name", text(w.name)}, {"lines", w.lines}});
  }
  return j;
}

template <class T>
ojson id_name_keywords(const std::vector<T>& items) {
  ojson j = ojson::array();
  for (const T& w : items) {
    j.push_back({{"id", w.id}, {"name", text(w.name)}, {"keywords", w.keywords}});
  }
  return j;
}

}  // namespace

std::string catalog_to_json(const Catalog& c) {
  // Parts are built whole and then added: an ordered_json object is vector-backed, so a
  // reference into it would not survive the next key.
  ojson doc;
  doc["schema_version"] = c.schema_version;
  doc["catalog_version"] = c.version;
  doc["district"] = {{"code", c.district.code}, {"name", text(c.district.name)}};

  ojson offices = ojson::array();
  for (const StreetOffice& s : c.street_offices) {
    offices.push_back({{"code", s.code}, {"name", text(s.name)}});
  }
  ojson communities = ojson::array();
  for (const Community& m : c.communities) {
    communities.push_back({{"code", m.code},
                           {"name", text(m.name)},
                           {"street_office", m.street_office},
                           {"kind", to_string(m.kind)}});
  }
  ojson grids = ojson::array();
  for (const Grid& g : c.grids) {
    grids.push_back({{"code", g.code}, {"name", text(g.name)}, {"community", g.community}});
  }
  ojson lines = ojson::array();
  for (const ServiceLine& l : c.lines) {
    lines.push_back(
        {{"number", l.number}, {"prefix", std::string(1, l.prefix)}, {"name", text(l.name)}});
  }
  ojson win = ojson::object();
  win["default"] = windows(c.default_windows);
  if (!c.community_windows.empty()) {
    ojson per = ojson::object();
    for (const auto& [code, layout] : c.community_windows) per[code] = windows(layout);
    win["communities"] = std::move(per);
  }

  ojson items = ojson::array();
  for (const ServiceItem& s : c.service_items) {
    ojson j = {{"id", s.id},
               {"name", text(s.name)},
               {"line", s.line},
               {"who_may_apply", text(s.who_may_apply)},
               {"what_to_bring", texts(s.what_to_bring)},
               {"time_limit_days", s.time_limit_days}};
    if (!s.description.zh.empty()) j["description"] = text(s.description);
    j["on_work_list"] = s.on_work_list;
    j["on_certificate_list"] = s.on_certificate_list;
    items.push_back(std::move(j));
  }
  ojson certs = ojson::array();
  for (const Certificate& cert : c.certificates) {
    ojson j = {{"id", cert.id}, {"name", text(cert.name)}, {"issuable", cert.issuable}};
    if (!cert.note.zh.empty()) j["note"] = text(cert.note);
    if (!cert.service_item.empty()) j["service_item"] = cert.service_item;
    certs.push_back(std::move(j));
  }
  ojson sources = ojson::array();
  for (const WhistleSource& s : c.whistle_sources) {
    sources.push_back({{"id", s.id}, {"name", text(s.name)}});
  }
  ojson depts = ojson::array();
  for (const Department& d : c.departments) {
    depts.push_back({{"id", d.id}, {"name", text(d.name)}, {"sources", d.sources}});
  }
  ojson deadlines = ojson::object();
  for (const Deadline& d : c.deadlines) {
    // Hours in the form older builds read; working days with their unit.
    if (d.unit == DeadlineUnit::Hours) {
      deadlines[std::string(to_string(d.kind))] = {{"report_in_hours", d.report_in},
                                                   {"feedback_hours", d.feedback},
                                                   {"verify_hours", d.verify}};
    } else {
      deadlines[std::string(to_string(d.kind))] = {{"unit", std::string(to_string(d.unit))},
                                                   {"report_in", d.report_in},
                                                   {"feedback", d.feedback},
                                                   {"verify", d.verify}};
    }
  }
  ojson slots = ojson::array();
  for (const SlotTemplate& s : c.slot_templates) {
    slots.push_back({{"id", s.id},
                     {"name", text(s.name)},
                     {"service_item", s.service_item},
                     {"weekday", weekday_name(s.weekday)},
                     {"start", time_of_day(s.start_minute)},
                     {"end", time_of_day(s.end_minute)},
                     {"capacity", s.capacity}});
  }
  ojson places = ojson::array();
  for (const Place& p : c.places) {
    ojson j = {{"id", p.id}, {"name", text(p.name)}, {"community", p.community}};
    if (!p.grid.empty()) j["grid"] = p.grid;
    places.push_back(std::move(j));
  }
  ojson phrases = ojson::array();
  for (const Phrase& p : c.phrases) {
    phrases.push_back({{"id", p.id}, {"text", text(p.text)}, {"sources", p.sources}});
  }
  doc["street_offices"] = std::move(offices);
  doc["communities"] = std::move(communities);
  doc["grids"] = std::move(grids);
  doc["lines"] = std::move(lines);
  doc["windows"] = std::move(win);
  doc["service_items"] = std::move(items);
  doc["certificates"] = std::move(certs);
  doc["work_list"] = id_name_keywords(c.work_list);
  doc["excluded_work"] = id_name_keywords(c.excluded_work);
  doc["whistle_sources"] = std::move(sources);
  doc["departments"] = std::move(depts);
  doc["deadlines"] = std::move(deadlines);
  doc["slot_templates"] = std::move(slots);
  if (!c.places.empty()) doc["places"] = std::move(places);
  if (!c.phrases.empty()) doc["phrases"] = std::move(phrases);
  if (!c.priority_reasons.empty()) {
    ojson reasons = ojson::array();
    for (const PriorityReason& r : c.priority_reasons) {
      reasons.push_back({{"priority", r.priority}, {"name", text(r.name)}});
    }
    doc["priority_reasons"] = std::move(reasons);
  }
  if (!c.work_calendar.years.empty()) {
    ojson years = ojson::array();
    for (const CalendarYear& y : c.work_calendar.years) {
      ojson holidays = ojson::array();
      for (const Holiday& h : y.holidays) {
        ojson name = {{"zh", h.zh}};
        if (!h.en.empty()) name["en"] = h.en;
        holidays.push_back({{"name", std::move(name)},
                            {"first", h.first.to_string()},
                            {"last", h.last.to_string()}});
      }
      ojson workdays = ojson::array();
      for (const CivilDate& d : y.workdays) workdays.push_back(d.to_string());
      years.push_back({{"year", y.year},
                       {"notice", y.notice},
                       {"holidays", std::move(holidays)},
                       {"workdays", std::move(workdays)}});
    }
    doc["work_calendar"] = std::move(years);
  }
  return doc.dump(2) + "\n";
}

}  // namespace weimin::core
