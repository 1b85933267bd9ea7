// A figure table (docs/CONSOLE.md, "Figures"): what the figures page shows as an HTML table and
// what its exports write, one model for both, so a download holds exactly the page's numbers.
// figure_tables() makes the tables of DistrictFigures and of a staff sheet in a language;
// to_csv() and to_xlsx() encode one table.
// Thread-safety: value types and pure functions (to_xlsx writes and removes a temporary file of
// its own); safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "console/strings.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/core/result.hpp"
#include "weimin/server/figures.hpp"

namespace weimin::server::console {

enum class CellKind {
  Text,     // words or a code
  Count,    // a whole number
  Rate,     // met ÷ due: shown "83.3% (5/6)"; exported as met, due and a percentage
  Decimal,  // a number with one decimal (minutes of waiting, an average score)
};

struct Cell {
  CellKind kind = CellKind::Text;
  std::string text;  // Text
  std::string href;  // a link on the page (not exported)
  std::int64_t count = 0;
  std::int64_t met = 0;
  std::int64_t due = 0;
  std::optional<double> number;  // Decimal; none: an empty cell
  bool blank = false;            // a Count with no value (an unranked row)

  static Cell of(std::string text, std::string href = "");
  static Cell of_count(std::int64_t n);
  static Cell of_blank_count();
  static Cell of_rate(const Rate& r);
  static Cell of_decimal(std::optional<double> n);
};

struct Column {
  std::string title;
  CellKind kind = CellKind::Text;
  // A Rate column's exported headers: its met and due counts (the title is the percentage's).
  std::string met_title;
  std::string due_title;
  bool chart = false;  // charted by figures.js (a Count column of a charted table)
};

struct FigureTable {
  std::string id;     // the HTML id, e.g. "fig-by-department"; also the export's `table`
  std::string title;  // in the page's language
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::string chart;  // "bar" or "line": figures.js draws it above the table; "" none
};

// "83.3%" (one decimal), or "—" when nothing is due.
std::string percent_text(const Rate& r);
// A cell as the page shows it.
std::string cell_text(const Cell& c);

// The tables of the figures page, in the page's order: fig-total, fig-series, fig-by-level,
// fig-by-kind, fig-by-source, fig-by-office, fig-by-community, fig-by-department, fig-by-grid
// (按网格: collected, closed, overdue now; "no grid" last), fig-overdue,
// fig-returns, fig-rank-department-{responded,resolved,satisfied},
// fig-rank-office-{responded,resolved,satisfied}, fig-queue-station, fig-queue-line,
// fig-queue-window. Names from the catalog (codes when it is null or does not list them).
std::vector<FigureTable> figure_tables(const DistrictFigures& f, const core::Catalog* catalog,
                                       Lang lang, std::int64_t now_ms);
// The monthly staff assessment sheet (每月考核) as table "staff-sheet".
FigureTable staff_table(const StaffSheet& sheet, Lang lang);

// [SECTION] Encoders

// RFC 4180 CSV in UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends: the
// header row, then the rows; a Rate column becomes three (met, due, "83.3%"). A text cell
// starting with = + - @ (or a tab or CR) is prefixed with ' so a spreadsheet never runs it as
// a formula.
std::string to_csv(const FigureTable& table);

// A real .xlsx workbook (libxlsxwriter) of the table: one sheet named `sheet_name` (cut to 31
// characters, []:*?/\ replaced), the header row in bold and frozen, counts as numbers, rates as
// met, due and a percentage-formatted number, `title` as the workbook's title property.
// Internal when the workbook cannot be written.
Result<std::string> to_xlsx(const FigureTable& table, const std::string& sheet_name,
                            const std::string& title);

}  // namespace weimin::server::console
