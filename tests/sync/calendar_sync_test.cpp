// The working-day calendar travels with the catalog (issue 16): the district publishes a catalog
// whose routine deadlines count working days of its calendar; a station pulls it and, once
// reopened on it, counts its overdue steps with that calendar.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "sync_fixture.hpp"
#include "weimin/core/case.hpp"
#include "weimin/station/cases.hpp"

using namespace weimin;
using namespace weimin::test;

TEST_CASE("a published working-day calendar reaches the station with the catalog") {
  District district;
  nlohmann::json doc = nlohmann::json::parse(wuhua_catalog_text());
  doc["catalog_version"] = 2;
  doc["deadlines"]["routine"] = {
      {"unit", "working_days"}, {"report_in", 2}, {"feedback", 5}, {"verify", 3}};
  doc["work_calendar"][1]["notice"] = "国务院办公厅关于2026年部分节假日安排的通知（区级转发）";
  REQUIRE(district.service->publish_catalog(doc.dump()).is_ok());
  auto transport = district.transport();
  TestStation s("530102001001");
  CHECK(station::Cases(*s.station).deadlines().routine.unit == core::DeadlineUnit::Hours);
  s.enroll(district, *transport);
  auto report = s.sync(*transport);
  REQUIRE_MESSAGE(report.is_ok(), report.status().to_string());
  CHECK(report->catalog_updates == 1);
  s.reopen();
  const core::Catalog& catalog = s.station->catalog();
  CHECK(catalog.work_calendar.covers(2026));
  CHECK(catalog.work_calendar.years[1].notice ==
        "国务院办公厅关于2026年部分节假日安排的通知（区级转发）");
  const core::CaseDeadlines d = station::Cases(*s.station).deadlines();
  CHECK(d.routine.unit == core::DeadlineUnit::WorkingDays);
  CHECK(d.routine.report_in == 2);
  CHECK(d.calendar == catalog.work_calendar);
}
