// Which protocol schema each fact kind came with, and a fact as a station of an older schema
// receives it (docs/PROTOCOL.md, "Schemas"). The district serves schema N and N−1: a pull or
// digest of a station of schema N−1 holds only the kinds and fields that schema knows, so the
// station's release never meets a fact it cannot read; the station, once upgraded, pulls again
// from the start (station/src/sync_engine.cpp) and so gets what was left out.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "weimin/sync/protocol.hpp"

namespace weimin::sync {

// The schema that brought facts of `kind`: 1 for the kinds of the first release (tickets,
// windows, appointments, evaluations, residents' contacts and check codes, staff sign-ins,
// audit entries and the case events case.collected … case.sent_back), 2 for issue 16's
// (case.visited, wish.*, care.*, consult.*, access.*, certificate.*). A kind this build does
// not know is taken to be of its own schema, kSchema: never sent to an older station.
int fact_kind_schema(std::string_view kind);

// What fit_fact_to_schema did to a fact record.
enum class SchemaFit {
  as_is,     // the schema knows the kind and every field
  trimmed,   // fields the schema does not know were taken out of the record
  left_out,  // the schema does not know the kind: the fact is not sent
};

// Fits a pulled fact record (a FactPayload's JSON) to a station of `schema`: left_out when its
// kind is newer than `schema`; trimmed (the record changed in place) when it carries fields
// newer than `schema` — today case.collected's body.where (schema 2) for schema 1. A record
// that is not a fact object is left as it is.
SchemaFit fit_fact_to_schema(nlohmann::json& record, int schema);

}  // namespace weimin::sync
