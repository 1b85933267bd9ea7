// Evaluations (满意度): a resident rates a service at a window (by ticket) or a closed case.
// Each rating is an `evaluation.given` fact; only the first rating of a ticket or case counts.
// A case's rating is also the `case.evaluated` step of its loop (Cases::evaluate writes both).
// Thread-safety: as Station.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weimin/core/evaluation.hpp"
#include "weimin/station/station.hpp"

namespace weimin::station {

struct Rated {
  core::Rating rating = core::Rating::Satisfied;
  std::optional<int> score;  // 1-5
  std::string comment;
};

class Evaluations {
 public:
  explicit Evaluations(Station& station) : station_(station) {}

  // Rates today's ticket `label` (e.g. "D003") or ticket id. The staff who served it is
  // recorded with the rating. NotFound for an unknown ticket; Conflict when it was not served
  // yet or was rated already.
  Result<core::Evaluation> rate_ticket(std::string_view label_or_id, const Rated& rated);

  // Writes the evaluation.given fact of a case inside the caller's transaction.
  Status record_case_rating_in_transaction(const core::Uuid& case_id, const Rated& rated,
                                           const Stamp& stamp);

  // Every evaluation given on `day`.
  Result<std::vector<core::Evaluation>> on_day(std::string_view day);
  Result<std::vector<core::Evaluation>> all();

 private:
  Result<std::vector<core::Evaluation>> read(std::vector<storage::FactRow> rows);
  Station& station_;
};

}  // namespace weimin::station
