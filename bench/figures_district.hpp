// The district the figures benchmark fills (issue 15): a year (2025, local dates) of cases and
// queue tickets over 45 communities (the scale benchmark's: 100, and evaluations of the
// tickets, issue 17) under 10 street offices and 30 departments, made from a seed
// so that every run builds the same facts. Case i and a station's day are each made from their
// own generator, so any part can be made alone (a load can resume at any day).
// The mix: most cases are whistled once (community or district level; routine, key or
// emergency; one to three departments); departments report in and give feedback mostly on
// time, some late, some never; some return the whistle (退单) and the case is whistled again;
// verification, closing, evaluation (满意/基本满意/不满意), and some dissatisfied cases reopened
// and whistled again. A few cases are resolved locally or still waiting. Each open station day
// (Monday to Saturday) has its tickets taken, called, served, not shown up and put back in line,
// enough for the whole to reach facts_per_case facts per case.
// Thread-safety: a FiguresDistrict is immutable after construction; its methods may be called
// from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weimin/server/store.hpp"

namespace weimin::bench {

// Bumped whenever the generator's output changes: it keys the benchmark's store cache.
// 2: cases collected in a grid (网格) of their community (kGridsPerCommunity of them), one in
// five in none.
inline constexpr int kFiguresGeneratorVersion = 2;
inline constexpr int kGridsPerCommunity = 4;

struct DistrictShape {
  std::int64_t cases = 1'000'000;
  int facts_per_case = 20;  // case facts plus queue facts, over the number of cases
  std::uint64_t seed = 15;
  // Communities under the 10 street offices, spread evenly (the first offices one more): 45 for
  // the figures benchmark, 100 for the scale benchmark.
  int communities = 45;
  // A resident's rating (evaluation.given) of 30 % of the tickets served at a window, a few
  // minutes after the service (the scale benchmark; the figures benchmark has none).
  bool window_evaluations = false;
};

class FiguresDistrict {
 public:
  explicit FiguresDistrict(DistrictShape shape);

  // 2025-01-01T00:00 local (UTC+8) and "now" for every figure: 2026-01-10T09:00 local. Every
  // fact is made before now; cases of late December are still open then.
  static constexpr std::int64_t kYearStartMs = 1'735'660'800'000 - 8 * 3'600'000;
  static constexpr std::int64_t kNowMs = 1'768'006'800'000;
  static constexpr int kDays = 365;
  static constexpr const char* kDistrict = "530102";

  const DistrictShape& shape() const { return shape_; }
  // The catalog to publish first: Wuhua's (`wuhua_json`, assets/catalog/wuhua.json) with the
  // benchmark's communities (15 more by default, 45 in all) and 20 more departments (30 in all).
  std::string catalog_json(const std::string& wuhua_json) const;
  const std::vector<std::string>& communities() const { return communities_; }
  const std::vector<std::string>& offices() const { return offices_; }
  const std::vector<std::string>& departments() const { return departments_; }

  // Cases collected on day `day` (0 = 2025-01-01): [first, last).
  std::pair<std::int64_t, std::int64_t> cases_of_day(int day) const;
  // Case i's facts, in time order, none after kNowMs.
  std::vector<server::FactRecord> case_history(std::int64_t i) const;
  // The ticket facts of station `station` (index into communities()) on `day`, with their
  // evaluations when the shape has them; none on Sundays.
  std::vector<server::FactRecord> queue_day(int station, int day) const;
  // Every fact of `day`: the histories of its cases, then each station's tickets.
  std::vector<server::FactRecord> day_facts(int day) const;

  // Checks the generator against the core's rules: case i's history folds (core::fold_case)
  // without a conflict, and a station day's tickets (core::fold_queue) too. Invalid naming the
  // case or day otherwise.
  Status check_case(std::int64_t i) const;
  Status check_queue_day(int station, int day) const;

 private:
  DistrictShape shape_;
  std::vector<std::string> communities_;  // shape_.communities
  std::vector<std::string> offices_;      // 10
  std::vector<std::string> departments_;  // 30
  std::vector<double> community_weight_;  // relative business of each community
  double tickets_per_station_day_ = 0;
};

}  // namespace weimin::bench
