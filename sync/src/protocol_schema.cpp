#include "weimin/sync/protocol_schema.hpp"

#include <array>
#include <span>

namespace weimin::sync {
namespace {

// Kinds of the first release, by prefix: every kind under it (audit entries name their action).
constexpr std::array<std::string_view, 7> kSchema1Prefixes = {
    "ticket.", "window.", "appointment.", "evaluation.", "resident.", "staff.", "audit."};
// The case events of the first release (case.visited came with schema 2).
constexpr std::array<std::string_view, 14> kSchema1CaseKinds = {
    "case.collected", "case.resolved_locally", "case.whistled",
    "case.reported",  "case.feedback",         "case.verified",
    "case.closed",    "case.evaluated",        "case.reopened",
    "case.note",      "case.conflict_settled", "case.returned",
    "case.escalated", "case.sent_back"};
// Issue 16's kinds (schema 2): exact kinds and prefixes.
constexpr std::array<std::string_view, 1> kSchema2Kinds = {"case.visited"};
constexpr std::array<std::string_view, 5> kSchema2Prefixes = {"wish.", "care.", "consult.",
                                                              "access.", "certificate."};

bool starts_with_any(std::string_view kind, std::span<const std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (kind.starts_with(p) && kind.size() > p.size()) return true;
  }
  return false;
}

bool is_any(std::string_view kind, std::span<const std::string_view> kinds) {
  for (std::string_view k : kinds) {
    if (kind == k) return true;
  }
  return false;
}

}  // namespace

int fact_kind_schema(std::string_view kind) {
  if (starts_with_any(kind, kSchema1Prefixes) || is_any(kind, kSchema1CaseKinds)) return 1;
  if (starts_with_any(kind, kSchema2Prefixes) || is_any(kind, kSchema2Kinds)) return 2;
  return kSchema;
}

SchemaFit fit_fact_to_schema(nlohmann::json& record, int schema) {
  if (!record.is_object()) return SchemaFit::as_is;
  auto kind = record.find("kind");
  if (kind == record.end() || !kind->is_string()) return SchemaFit::as_is;
  const std::string& k = kind->get_ref<const std::string&>();
  if (fact_kind_schema(k) > schema) return SchemaFit::left_out;
  if (schema < 2 && k == "case.collected") {
    // Where a case is (网格, place, address, point) came with schema 2.
    auto body = record.find("body");
    if (body != record.end() && body->is_object() && body->erase("where") > 0) {
      return SchemaFit::trimmed;
    }
  }
  return SchemaFit::as_is;
}

}  // namespace weimin::sync
