// Administration of DistrictService, what the weimin-district command does (docs/SERVER.md):
// enrol tokens for stations, department and street office tokens (issued for catalog entries
// only, listed, revoked), and publishing the catalog and the roster, each checked first.
// Thread-safety: each member may run beside any other; every store call is one transaction,
// and the catalog's cache is guarded by catalog_mutex_.
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "service_handlers.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/staff.hpp"

namespace weimin::server {

using nlohmann::json;
using sync::HttpRequest;
using sync::HttpResponse;

namespace {

std::string random_token() {
  unsigned char r[24];
  randombytes_buf(r, sizeof r);
  std::string t = sync::base64_encode(std::string_view(reinterpret_cast<char*>(r), sizeof r));
  for (char& c : t) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return t;
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The least Argon2id cost a roster's PIN hash may have: the station's own (libsodium's
// crypto_pwhash_*_INTERACTIVE: 64 MiB, 2 passes).
constexpr std::int64_t kMinPinMemoryKib = 65536;
constexpr std::int64_t kMinPinPasses = 2;

// Why a PIN hash is not an Argon2id string of at least the station's cost, or nothing.
std::optional<std::string> pin_hash_refusal(const std::string& h) {
  // $argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>
  const std::string prefix = "$argon2id$v=19$m=";
  if (h.rfind(prefix, 0) != 0 || h.size() > 256) {
    return std::string("is not an Argon2id hash ($argon2id$v=19$m=…,t=…,p=…$…$…)");
  }
  std::int64_t m = 0, t = 0, p = 0;
  const char* at = h.c_str() + prefix.size();
  const char* end = h.c_str() + h.size();
  auto number = [&](std::int64_t& out) {
    auto [next, ec] = std::from_chars(at, end, out);
    if (ec != std::errc()) return false;
    at = next;
    return true;
  };
  auto literal = [&](std::string_view lit) {
    if (static_cast<std::size_t>(end - at) < lit.size() || std::string_view(at, lit.size()) != lit)
      return false;
    at += lit.size();
    return true;
  };
  if (!number(m) || !literal(",t=") || !number(t) || !literal(",p=") || !number(p) ||
      !literal("$")) {
    return std::string("is not an Argon2id hash ($argon2id$v=19$m=…,t=…,p=…$…$…)");
  }
  const char* salt_end = std::find(at, end, '$');
  if (salt_end == at || salt_end == end || salt_end + 1 == end) {
    return std::string("has no salt or no hash after its parameters");
  }
  if (m < kMinPinMemoryKib || t < kMinPinPasses || p < 1) {
    return "costs m=" + std::to_string(m) + ",t=" + std::to_string(t) +
           "; the district takes PIN hashes of at least m=" + std::to_string(kMinPinMemoryKib) +
           ",t=" + std::to_string(kMinPinPasses) + " (what a station makes)";
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> DistrictService::issue_enroll_token(const std::string& community) {
  if (!sync::is_community_code(community)) {
    return Status(ErrorCode::Invalid, "'" + community + "' is not a 12-digit community code");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  if (district_of(community) != district) {
    return Status(ErrorCode::Invalid, "community " + community + " is not in district " + district);
  }
  std::string token = random_token();
  const std::int64_t now = clock_.now_ms();
  WEIMIN_TRY(store_.add_enroll_token(sync::sha256_hex(token), community,
                                     now + options_.token_ttl_ms, now));
  return token;
}

Result<std::string> DistrictService::issue_actor_token(const std::string& actor, core::Role role,
                                                       std::int64_t ttl_ms) {
  if (role != core::Role::Department && role != core::Role::StreetOffice) {
    return Status(ErrorCode::Invalid, "tokens are for departments and street offices only");
  }
  if (ttl_ms <= 0) ttl_ms = options_.actor_token_ttl_ms;
  WEIMIN_ASSIGN_OR_RETURN(auto catalog, catalog_scope_now());
  if (catalog == nullptr) {
    return Status(ErrorCode::Invalid, "no catalog is published, so '" + actor.substr(0, 64) +
                                          "' cannot be checked; publish it first (weimin-district "
                                          "catalog publish FILE)");
  }
  if (role == core::Role::StreetOffice) {
    WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
    if (actor.size() != 9 ||
        !std::all_of(actor.begin(), actor.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        actor.substr(0, 6) != district || !catalog->street_offices.contains(actor)) {
      return Status(ErrorCode::Invalid, "'" + actor.substr(0, 64) +
                                            "' is not a street office of the catalog of district " +
                                            district + "; give its 9-digit code, e.g. " + district +
                                            "001");
    }
  } else if (!catalog->departments.contains(actor)) {
    return Status(ErrorCode::Invalid, "'" + actor.substr(0, 64) +
                                          "' is not a department of the published catalog; give "
                                          "a department id it lists");
  }
  std::string token = random_token();
  const std::int64_t now = clock_.now_ms();
  WEIMIN_TRY(store_.add_actor_token(sync::sha256_hex(token), actor,
                                    std::string(core::to_string(role)), now + ttl_ms, now));
  return token;
}

Result<std::vector<DistrictStore::ActorToken>> DistrictService::actor_tokens() {
  return store_.actor_tokens();
}

Result<std::int64_t> DistrictService::revoke_actor_tokens(const std::string& hash_prefix) {
  if (hash_prefix.size() < 8 || hash_prefix.size() > 64 || !is_hex(hash_prefix)) {
    return Status(ErrorCode::Invalid,
                  "give at least the first 8 hex digits (lower case) of the "
                  "token's hash, as 'weimin-district token list' shows it");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::int64_t n, store_.revoke_actor_tokens(hash_prefix, clock_.now_ms()));
  if (n == 0) {
    return Status(ErrorCode::NotFound,
                  "no token that is not revoked yet has a hash starting " + hash_prefix);
  }
  return n;
}

Result<std::shared_ptr<const CatalogScope>> DistrictService::catalog_scope_now() {
  WEIMIN_ASSIGN_OR_RETURN(auto latest, store_.latest_reference("catalog"));
  if (!latest) return std::shared_ptr<const CatalogScope>();
  {
    std::lock_guard lock(catalog_mutex_);
    if (catalog_ && catalog_->gseq == latest->gseq) return catalog_;
  }
  // Made outside the lock (a parse of the whole catalog); two threads may both make it once.
  WEIMIN_ASSIGN_OR_RETURN(CatalogScope c, catalog_scope(latest->json, latest->gseq));
  auto made = std::make_shared<const CatalogScope>(std::move(c));
  std::lock_guard lock(catalog_mutex_);
  if (!catalog_ || catalog_->gseq < made->gseq) catalog_ = made;
  return made;
}

Result<std::int64_t> DistrictService::publish_catalog(const std::string& json_text) {
  WEIMIN_ASSIGN_OR_RETURN(core::Catalog c,
                          core::parse_catalog(json_text, "the catalog to publish"));
  (void)c;
  WEIMIN_ASSIGN_OR_RETURN(json j, sync::parse_json(json_text, "the catalog to publish"));
  return store_.publish_reference("catalog", j.dump(), clock_.now_ms());
}

Result<std::int64_t> DistrictService::publish_roster(const std::string& json_text) {
  WEIMIN_ASSIGN_OR_RETURN(json j, sync::parse_json(json_text, "the roster to publish"));
  if (!j.is_object() || !j.contains("staff") || !j["staff"].is_array() || j.size() != 1) {
    return Status(ErrorCode::Invalid,
                  "the roster must be a JSON object with a \"staff\" array and nothing else; see "
                  "docs/SERVER.md");
  }
  WEIMIN_ASSIGN_OR_RETURN(std::string district, store_.district());
  // The published catalog, when there is one: a roster's grids must be among its grids.
  std::optional<core::Catalog> catalog;
  WEIMIN_ASSIGN_OR_RETURN(auto latest_catalog, store_.latest_reference("catalog"));
  if (latest_catalog) {
    WEIMIN_ASSIGN_OR_RETURN(catalog,
                            core::parse_catalog(latest_catalog->json, "the published catalog"));
  }
  std::set<std::pair<std::string, std::string>> seen;
  const json& staff = j["staff"];
  for (std::size_t i = 0; i < staff.size(); ++i) {
    const json& e = staff[i];
    const std::string at = "the roster's staff[" + std::to_string(i) + "]";
    auto bad = [&](const std::string& why) { return Status(ErrorCode::Invalid, at + why); };
    if (!e.is_object()) return bad(": expected an object");
    static const std::set<std::string> kFields = {"staff_no",  "name",   "role", "pin_hash",
                                                  "community", "active", "grids"};
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (!kFields.contains(it.key()))
        return bad("." + it.key() + ": is not a field of a roster entry");
    }
    for (const char* f : {"staff_no", "name", "role", "pin_hash", "community"}) {
      if (!e.contains(f) || !e[f].is_string())
        return bad(std::string(".") + f + ": expected a string");
    }
    if (e.contains("active") && !e["active"].is_boolean())
      return bad(".active: expected true or false");
    if (e.contains("grids")) {
      // A grid worker's grids (网格): codes of grids of the entry's community.
      if (!e["grids"].is_array()) return bad(".grids: expected an array of grid codes");
      for (const json& g : e["grids"]) {
        if (!g.is_string() || g.get<std::string>().rfind(e.value("community", "~"), 0) != 0 ||
            g.get<std::string>().size() != 15) {
          return bad(".grids: " +
                     (g.is_string() ? "'" + g.get<std::string>().substr(0, 32) + "'"
                                    : std::string("a non-string")) +
                     " is not a grid code of the entry's community (its 12 digits and 3 more)");
        }
        const std::string code = g.get<std::string>();
        const std::string community = e.value("community", "");
        if (catalog && catalog->grid_by_code(code) == nullptr) {
          std::string known;
          for (const core::Grid& k : catalog->grids) {
            if (k.community == community) known += (known.empty() ? "" : ", ") + k.code;
          }
          return bad(".grids: grid " + code + " is not in the published catalog; community " +
                     community + " has " +
                     (known.empty() ? "no grids in the catalog, so list none"
                                    : "the grids " + known + "; list some of those") +
                     ", or publish a catalog that lists it first");
        }
      }
    }
    auto role = core::parse_role(e["role"].get<std::string>());
    if (!role.is_ok()) return bad(".role: " + role.status().message());
    core::StaffMember m{e["staff_no"].get<std::string>(), e["name"].get<std::string>(), *role,
                        e.value("active", true)};
    if (auto v = core::validate_staff_member(m); !v.is_ok()) return bad(": " + v.message());
    const std::string community = e["community"].get<std::string>();
    if (!sync::is_community_code(community) || district_of(community) != district) {
      return bad(".community: '" + community.substr(0, 32) + "' is not a community of district " +
                 district);
    }
    if (auto why = pin_hash_refusal(e["pin_hash"].get<std::string>()))
      return bad(".pin_hash: " + *why);
    if (!seen.emplace(community, m.staff_no).second) {
      return bad(": staff " + m.staff_no + " of community " + community + " is listed twice");
    }
  }
  return store_.publish_reference("roster", j.dump(), clock_.now_ms());
}

}  // namespace weimin::server
