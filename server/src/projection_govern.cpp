// The district's projection of consultation, work-access and certificate facts (govern.hpp).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "weimin/server/accounts.hpp"
#include "weimin/server/fact_rules.hpp"
#include "weimin/server/govern.hpp"
#include "weimin/server/scope.hpp"
#include "weimin/server/store.hpp"
#include "weimin/sync/protocol.hpp"

namespace weimin::server {

GovernFigures GovernRecords::figures() const {
  GovernFigures f;
  for (const auto& row : topics) {
    ++f.topics;
    f.activities += static_cast<int>(row.topic.meetings.size());
    f.items += static_cast<int>(row.topic.decisions.size());
    for (const auto& d : row.topic.decisions) f.carried_out += d.done_on ? 1 : 0;
  }
  for (const auto& row : applications) {
    ++f.applications;
    switch (row.application.status()) {
      case core::ApplicationStatus::Pending:
        ++f.pending;
        break;
      case core::ApplicationStatus::Approved:
        ++f.approved;
        break;
      case core::ApplicationStatus::Refused:
        ++f.refused;
        break;
    }
  }
  f.certificates = static_cast<int>(certificates.size());
  f.conflicts = static_cast<int>(conflicts.size());
  return f;
}

namespace govern {
namespace {

using json = nlohmann::json;

bool is_consult(std::string_view kind) {
  return kind.starts_with("consult.");
}

core::HlcTimestamp hlc_of(std::int64_t packed) {
  return core::HlcTimestamp::unpack(static_cast<std::uint64_t>(packed));
}

// The envelope's id, subject, origin and HLC must be the body's.
std::optional<std::string> envelope_mismatch(const sync::FactPayload& f, const core::Uuid& id,
                                             const core::Uuid& subject, const std::string& origin,
                                             const core::HlcTimestamp& hlc) {
  if (id.to_string() != f.id) return "the body's id is not the fact's id";
  if (subject.to_string() != f.subject)
    return "the body's topic or subject is not the fact's subject";
  if (origin != f.origin) return "the body's origin is not the fact's origin";
  if (!(hlc == hlc_of(f.hlc))) return "the body's hlc is not the fact's hlc";
  return std::nullopt;
}

json date_or_null(const std::optional<core::CivilDate>& d) {
  return d ? json(d->to_string()) : json();
}

core::CivilDate date_from(const json& j) {
  auto d = core::CivilDate::parse(j.get<std::string>());
  if (!d) throw std::runtime_error("bad date");
  return *d;
}

core::Uuid uuid_from(const json& j) {
  auto id = core::Uuid::parse(j.get<std::string>());
  if (!id) throw std::runtime_error("bad uuid");
  return *id;
}

template <class T, class F>
Result<T> read_record(std::string_view text, std::string_view what, F&& read) {
  try {
    return read(json::parse(text));
  } catch (const std::exception& e) {
    return Status(ErrorCode::Corrupt,
                  "a stored " + std::string(what) + " row does not read back: " + e.what() +
                      "; rebuild the projection (weimin-district rebuild-projection)");
  }
}

}  // namespace

bool is_govern_kind(std::string_view kind) {
  return kind.starts_with("consult.") || kind.starts_with("access.") ||
         kind.starts_with("certificate.");
}

std::optional<std::string> entry_refusal(const sync::FactPayload& f) {
  if (!is_govern_kind(f.kind)) return std::nullopt;
  if (!f.body.contains("kind") || f.body["kind"] != f.kind) {
    return ".body.kind: must be the fact's kind \"" + f.kind + "\"";
  }
  if (is_consult(f.kind)) {
    auto ev = core::consult_event_from_json(f.body, "body");
    if (!ev.is_ok()) return "." + ev.status().message();
    if (auto why = envelope_mismatch(f, ev->id, ev->topic, ev->origin, ev->hlc)) return ": " + *why;
    return std::nullopt;
  }
  auto ev = core::register_event_from_json(f.body, "body");
  if (!ev.is_ok()) return "." + ev.status().message();
  if (auto why = envelope_mismatch(f, ev->id, ev->subject, ev->origin, ev->hlc)) return ": " + *why;
  return std::nullopt;
}

GovernSubjectRows project_subject(const std::vector<FactRecord>& facts,
                                  const core::Catalog* catalog) {
  GovernSubjectRows out;
  if (facts.empty()) return out;
  std::map<std::string, std::string> community_of;  // fact id → community
  std::vector<core::ConsultEvent> consult;
  std::vector<core::RegisterEvent> reg;
  std::string community = facts.front().community;
  for (const FactRecord& r : facts) {
    community_of[r.fact.id] = r.community;
    const std::string& kind = r.fact.kind;
    if (!is_govern_kind(kind)) continue;
    if (is_consult(kind)) {
      auto ev = core::consult_event_from_json(r.fact.body, "fact " + r.fact.id);
      if (ev.is_ok()) {
        consult.push_back(std::move(*ev));
        continue;
      }
      out.conflicts.push_back(
          {r.fact.id, r.fact.subject, r.community, kind, ev.status().message()});
    } else {
      auto ev = core::register_event_from_json(r.fact.body, "fact " + r.fact.id);
      if (ev.is_ok()) {
        reg.push_back(std::move(*ev));
        continue;
      }
      out.conflicts.push_back(
          {r.fact.id, r.fact.subject, r.community, kind, ev.status().message()});
    }
  }
  auto conflict = [&](const std::string& id, const std::string& subject, std::string_view kind,
                      std::string reason) {
    out.conflicts.push_back({id, subject, community_of[id], std::string(kind), std::move(reason)});
  };
  if (!consult.empty()) {
    const core::ConsultState st = core::fold_consultations(std::move(consult));
    for (const auto& [id, topic] : st.topics) {
      out.topic = GovernTopicRow{community_of[id.to_string()], topic};
    }
    for (const auto& c : st.conflicts) {
      conflict(c.event.id.to_string(), c.event.topic.to_string(), core::to_string(c.event.kind()),
               c.reason);
    }
  }
  if (!reg.empty()) {
    static const core::Catalog kEmpty;
    core::RegisterState st = core::fold_register(catalog ? *catalog : kEmpty, std::move(reg));
    for (const auto& [id, app] : st.applications) {
      out.application = GovernApplicationRow{community_of[id.to_string()], app};
    }
    for (const auto& [id, entry] : st.certificates) {
      out.certificate = GovernCertificateRow{community_of[id.to_string()], entry};
    }
    for (const auto& c : st.conflicts) {
      std::string reason = c.reason;
      if (!catalog) reason = "no catalog is published, so this cannot be checked: " + reason;
      conflict(c.event.id.to_string(), c.event.subject.to_string(), core::to_string(c.event.kind()),
               reason);
    }
  }
  std::sort(out.conflicts.begin(), out.conflicts.end(),
            [](const auto& a, const auto& b) { return a.fact_id < b.fact_id; });
  return out;
}

// [SECTION] Records

std::string to_record(const GovernTopicRow& row) {
  const core::ConsultTopic& t = row.topic;
  json meetings = json::array();
  for (const auto& m : t.meetings) {
    meetings.push_back({{"id", m.id.to_string()},
                        {"date", m.date.to_string()},
                        {"participants", m.participants},
                        {"minutes", m.minutes},
                        {"parties", m.parties},
                        {"staff", m.staff}});
  }
  json decisions = json::array();
  for (const auto& d : t.decisions) {
    decisions.push_back({{"id", d.id.to_string()},
                         {"meeting", d.meeting ? json(d.meeting->to_string()) : json()},
                         {"text", d.text},
                         {"staff", d.staff},
                         {"done_on", date_or_null(d.done_on)},
                         {"done_note", d.done_note}});
  }
  return json{{"community", row.community}, {"id", t.id.to_string()},
              {"origin", t.origin},         {"title", t.title},
              {"detail", t.detail},         {"by_resident", t.by_resident},
              {"staff", t.staff},           {"raised_ms", t.raised_ms},
              {"meetings", meetings},       {"decisions", decisions}}
      .dump();
}

Result<GovernTopicRow> topic_from_record(std::string_view text) {
  return read_record<GovernTopicRow>(text, "consultation topic", [](const json& j) {
    GovernTopicRow row;
    row.community = j.at("community").get<std::string>();
    core::ConsultTopic& t = row.topic;
    t.id = uuid_from(j.at("id"));
    t.origin = j.at("origin").get<std::string>();
    t.title = j.at("title").get<std::string>();
    t.detail = j.at("detail").get<std::string>();
    t.by_resident = j.at("by_resident").get<bool>();
    t.staff = j.at("staff").get<std::string>();
    t.raised_ms = j.at("raised_ms").get<std::int64_t>();
    for (const json& m : j.at("meetings")) {
      t.meetings.push_back({uuid_from(m.at("id")), date_from(m.at("date")),
                            m.at("participants").get<int>(), m.at("minutes").get<std::string>(),
                            m.at("parties").get<std::string>(), m.at("staff").get<std::string>()});
    }
    for (const json& d : j.at("decisions")) {
      core::ConsultDecision dec;
      dec.id = uuid_from(d.at("id"));
      if (!d.at("meeting").is_null()) dec.meeting = uuid_from(d.at("meeting"));
      dec.text = d.at("text").get<std::string>();
      dec.staff = d.at("staff").get<std::string>();
      if (!d.at("done_on").is_null()) dec.done_on = date_from(d.at("done_on"));
      dec.done_note = d.at("done_note").get<std::string>();
      t.decisions.push_back(std::move(dec));
    }
    return row;
  });
}

std::string to_record(const GovernApplicationRow& row) {
  const core::AccessApplication& a = row.application;
  json j = {{"community", row.community},
            {"id", a.id.to_string()},
            {"origin", a.origin},
            {"staff", a.staff},
            {"applied_ms", a.applied_ms},
            {"department", a.applied.department},
            {"task", a.applied.task},
            {"evidence", a.applied.evidence},
            {"verdict", core::to_string(a.applied.verdict)},
            {"reason", core::to_string(a.applied.reason)},
            {"decision", json()}};
  if (a.decision) {
    j["decision"] = {{"approved", a.decision->approved},
                     {"decided_by", a.decision->decided_by},
                     {"decided_on", a.decision->decided_on.to_string()},
                     {"note", a.decision->note},
                     {"staff", a.decision_staff}};
  }
  return j.dump();
}

Result<GovernApplicationRow> application_from_record(std::string_view text) {
  return read_record<GovernApplicationRow>(text, "work-access application", [](const json& j) {
    GovernApplicationRow row;
    row.community = j.at("community").get<std::string>();
    core::AccessApplication& a = row.application;
    a.id = uuid_from(j.at("id"));
    a.origin = j.at("origin").get<std::string>();
    a.staff = j.at("staff").get<std::string>();
    a.applied_ms = j.at("applied_ms").get<std::int64_t>();
    a.applied.department = j.at("department").get<std::string>();
    a.applied.task = j.at("task").get<std::string>();
    a.applied.evidence = j.at("evidence").get<std::string>();
    const std::string verdict = j.at("verdict").get<std::string>();
    a.applied.verdict = verdict == "on_list" ? core::WorkAccessVerdict::OnList
                                             : core::WorkAccessVerdict::NeedsApproval;
    const std::string reason = j.at("reason").get<std::string>();
    for (int r = 0; r <= static_cast<int>(core::WorkAccessReason::CertificateNotIssuable); ++r) {
      if (core::to_string(static_cast<core::WorkAccessReason>(r)) == reason) {
        a.applied.reason = static_cast<core::WorkAccessReason>(r);
      }
    }
    const json& d = j.at("decision");
    if (!d.is_null()) {
      a.decision =
          core::AccessDecided{d.at("approved").get<bool>(), d.at("decided_by").get<std::string>(),
                              date_from(d.at("decided_on")), d.at("note").get<std::string>()};
      a.decision_staff = d.at("staff").get<std::string>();
    }
    return row;
  });
}

std::string to_record(const GovernCertificateRow& row) {
  const core::CertificateEntry& c = row.entry;
  return json{{"community", row.community},
              {"id", c.id.to_string()},
              {"origin", c.origin},
              {"staff", c.staff},
              {"issued_ms", c.issued_ms},
              {"certificate", c.issued.certificate},
              {"resident_name", c.issued.resident_name},
              {"resident_id_masked", c.issued.resident_id_masked},
              {"basis", c.issued.basis},
              {"issued_on", c.issued.issued_on.to_string()}}
      .dump();
}

Result<GovernCertificateRow> certificate_from_record(std::string_view text) {
  return read_record<GovernCertificateRow>(text, "certificate register", [](const json& j) {
    GovernCertificateRow row;
    row.community = j.at("community").get<std::string>();
    core::CertificateEntry& c = row.entry;
    c.id = uuid_from(j.at("id"));
    c.origin = j.at("origin").get<std::string>();
    c.staff = j.at("staff").get<std::string>();
    c.issued_ms = j.at("issued_ms").get<std::int64_t>();
    c.issued.certificate = j.at("certificate").get<std::string>();
    c.issued.resident_name = j.at("resident_name").get<std::string>();
    c.issued.resident_id_masked = j.at("resident_id_masked").get<std::string>();
    c.issued.basis = j.at("basis").get<std::string>();
    c.issued.issued_on = date_from(j.at("issued_on"));
    return row;
  });
}

std::string to_record(const GovernConflictRow& row) {
  return json{{"fact_id", row.fact_id},
              {"subject", row.subject},
              {"community", row.community},
              {"kind", row.kind},
              {"reason", row.reason}}
      .dump();
}

Result<GovernConflictRow> conflict_from_record(std::string_view text) {
  return read_record<GovernConflictRow>(text, "governance conflict", [](const json& j) {
    return GovernConflictRow{j.at("fact_id").get<std::string>(), j.at("subject").get<std::string>(),
                             j.at("community").get<std::string>(), j.at("kind").get<std::string>(),
                             j.at("reason").get<std::string>()};
  });
}

// [SECTION] Scope

GovernRecords scoped(const GovernRecords& all, const Principal& who, const core::Catalog* catalog) {
  GovernRecords out;
  if (principal_refusal(who, catalog)) return out;
  if (who.role == ConsoleRole::Admin) return all;
  if (who.role == ConsoleRole::Department) {
    for (const auto& row : all.applications) {
      if (row.application.applied.department == who.scope) out.applications.push_back(row);
    }
    return out;
  }
  auto mine = [&](const std::string& community) { return office_serves(who.scope, community); };
  for (const auto& row : all.topics) {
    if (mine(row.community)) out.topics.push_back(row);
  }
  for (const auto& row : all.applications) {
    if (mine(row.community)) out.applications.push_back(row);
  }
  for (const auto& row : all.certificates) {
    if (mine(row.community)) out.certificates.push_back(row);
  }
  for (const auto& row : all.conflicts) {
    if (mine(row.community)) out.conflicts.push_back(row);
  }
  return out;
}

const core::Catalog* CatalogCache::get(const std::optional<std::string>& json_text,
                                       std::int64_t gseq) {
  if (!json_text) return nullptr;
  if (gseq != gseq_) {
    gseq_ = gseq;
    auto parsed = core::parse_catalog(*json_text, "the published catalog");
    catalog_ = parsed.is_ok() ? std::optional<core::Catalog>(std::move(*parsed)) : std::nullopt;
  }
  return catalog_ ? &*catalog_ : nullptr;
}

}  // namespace govern
}  // namespace weimin::server
