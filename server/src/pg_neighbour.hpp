// The PostgreSQL store's part of the neighbour-services projection (neighbour.hpp; the tables of
// PostgreSQL migration 11, neighbour_tables.hpp): remaking the rows of the subjects of newly
// stored facts in the store's transaction, rebuilding them all, reading them.
// Thread-safety: free functions over a transaction the caller holds.
#pragma once

#include <vector>

#include <pqxx/pqxx>

#include "weimin/server/neighbour.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server::pg_neighbour {

// Remakes the rows of the subjects of the wish.* and care.* facts among `facts` (others are
// ignored).
Status project(pqxx::work& w, const std::vector<const FactRecord*>& facts);
// Empties the tables and remakes every subject's rows.
Status rebuild(pqxx::work& w);
// True when wish or care facts are stored but no row of any neighbour table exists (a store
// upgraded to migration 11): the caller rebuilds.
bool missing(pqxx::work& w);
Result<NeighbourRecords> records(pqxx::transaction_base& w);
// One page of each list (DistrictStore::neighbour_page; the caller checked the query).
Result<NeighbourPage> page(pqxx::transaction_base& w, const NeighbourQuery& query);

}  // namespace weimin::server::pg_neighbour
