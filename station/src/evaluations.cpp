#include "weimin/station/evaluations.hpp"

#include <nlohmann/json.hpp>

#include "weimin/station/queue.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::station {

Result<std::vector<core::Evaluation>> Evaluations::read(std::vector<storage::FactRow> rows) {
  std::vector<core::Evaluation> out;
  for (const auto& row : rows) {
    if (row.kind != core::kEvaluationKind) continue;
    WEIMIN_ASSIGN_OR_RETURN(core::Evaluation e, core::parse_evaluation(row.body, "fact " + row.id));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<core::Evaluation>> Evaluations::on_day(std::string_view day) {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind_on_day(station_.db(), "evaluation.", day));
  return read(std::move(rows));
}

Result<std::vector<core::Evaluation>> Evaluations::all() {
  WEIMIN_ASSIGN_OR_RETURN(auto rows, storage::Facts::by_kind(station_.db(), "evaluation."));
  return read(std::move(rows));
}

Status Evaluations::record_case_rating_in_transaction(const core::Uuid& case_id,
                                                      const Rated& rated, const Stamp& s) {
  core::Evaluation e;
  e.id = s.id;
  e.hlc = s.hlc;
  e.wall_ms = s.wall_ms;
  e.origin = station_.origin();
  e.target_kind = core::EvaluationTarget::Case;
  e.target = case_id;
  e.rating = rated.rating;
  e.score = rated.score;
  e.comment = rated.comment;
  WEIMIN_ASSIGN_OR_RETURN(core::Evaluation ready, core::prepare_evaluation(std::move(e)));
  const NewFact fact{std::string(core::kEvaluationKind), case_id.to_string(), core::to_json(ready), s};
  return station_.append({&fact, 1}).status();
}

Result<core::Evaluation> Evaluations::rate_ticket(std::string_view label_or_id, const Rated& rated) {
  core::Evaluation written;
  WEIMIN_TRY(station_.transact([&]() -> Status {
    Queue queue(station_);
    WEIMIN_ASSIGN_OR_RETURN(core::QueueState state, queue.today());
    const core::Ticket* ticket = nullptr;
    const auto id = core::Uuid::parse(label_or_id);
    for (const auto& [tid, t] : state.tickets) {
      if ((id && tid == *id) || t.label == label_or_id) ticket = &t;
    }
    if (!ticket) {
      return Status(ErrorCode::NotFound, "there is no ticket " + std::string(label_or_id) +
                                             " today; check the number on the paper ticket");
    }
    if (ticket->state != core::TicketState::Done) {
      return Status(ErrorCode::Conflict, "ticket " + ticket->label +
                                             " has not been served yet; rate it after the service");
    }
    WEIMIN_ASSIGN_OR_RETURN(auto earlier, on_day(station_.today()));
    for (const auto& e : earlier) {
      if (e.target == ticket->id) {
        return Status(ErrorCode::Conflict, "ticket " + ticket->label + " was rated already; thank you");
      }
    }
    const Stamp s = station_.stamp();
    core::Evaluation e;
    e.id = s.id;
    e.hlc = s.hlc;
    e.wall_ms = s.wall_ms;
    e.origin = station_.origin();
    e.target_kind = core::EvaluationTarget::Ticket;
    e.target = ticket->id;
    e.rating = rated.rating;
    e.score = rated.score;
    e.comment = rated.comment;
    e.staff = ticket->staff;
    WEIMIN_ASSIGN_OR_RETURN(written, core::prepare_evaluation(std::move(e)));
    const NewFact fact{std::string(core::kEvaluationKind), ticket->id.to_string(),
                       core::to_json(written), s};
    return station_.append({&fact, 1}).status();
  }));
  return written;
}

}  // namespace weimin::station
