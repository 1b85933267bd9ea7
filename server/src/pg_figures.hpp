// The PostgreSQL store's part of the district's figures (figure_tables.hpp): writing the figure
// units, remaking day sums and station days in the store's transactions, and reading figures.
// Thread-safety: free functions over a transaction the caller holds.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "figure_tables.hpp"

namespace weimin::server::pg_figures {

// A query's text with its parameters inlined as literals quoted by libpq (the only '$' in our
// own SQL are the placeholders).
std::string inline_params(pqxx::transaction_base& w, const projection::SqlQuery& query);

// Replaces the units and grid cases of `case_ids` (none to remove when !replace) by `units` and
// `grids`, with a DELETE and a COPY each, noting the days touched.
void write_units(pqxx::work& w, const std::vector<std::string>& case_ids,
                 const std::vector<WhistleUnit>& units, const std::vector<GridCase>& grids,
                 bool replace, figure_tables::Touched& touched);
// Remakes the day sums noted in `touched` and marks its station days stale (then emptied).
void flush(pqxx::work& w, figure_tables::Touched& touched);
// Remakes every stale station day's queue rows (figures do, before reading them).
void refresh_stale_queue_days(pqxx::work& w);
// Every day sum (unit_days, unit_sums, return_days) at once from figure_units.
void rebuild_unit_sums(pqxx::work& w);
// After a rebuild wrote every unit and grid case: every day sum (grid_days too) at once and
// every station day.
void rebuild_sums(pqxx::work& w);

using RowReader = std::function<CaseRow(const pqxx::row&)>;
Result<DistrictFigures> figures(pqxx::transaction_base& w, const FigureQuery& query,
                                const RowReader& row_from);

}  // namespace weimin::server::pg_figures
