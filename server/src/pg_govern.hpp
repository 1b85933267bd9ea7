// The PostgreSQL store's part of the governance projection (govern.hpp; the tables of
// PostgreSQL migration 8, govern_tables.hpp): remaking the rows of the subjects of newly stored
// facts in the store's transaction, rebuilding them all, reading them.
// Thread-safety: free functions over a transaction the caller holds; the catalog cache inside
// is guarded by a mutex.
#pragma once

#include <vector>

#include <pqxx/pqxx>

#include "weimin/server/govern.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server::pg_govern {

// Remakes the rows of the subjects of the govern facts among `facts` (others are ignored).
Status project(pqxx::work& w, const std::vector<const FactRecord*>& facts);
// Empties the tables and remakes every subject's rows.
Status rebuild(pqxx::work& w);
// True when govern facts are stored but no row of any govern table exists (a store upgraded to
// migration 8): the caller rebuilds.
bool missing(pqxx::work& w);
Result<GovernRecords> records(pqxx::transaction_base& w);
// One page of each list (DistrictStore::govern_page; the caller checked the query).
Result<GovernPage> page(pqxx::transaction_base& w, const GovernQuery& query);

}  // namespace weimin::server::pg_govern
