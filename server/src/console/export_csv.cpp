// CSV of a figure table (figure_table.hpp): RFC 4180, UTF-8 with a BOM, formula-safe text.
#include <cstdio>

#include "console/figure_table.hpp"

namespace weimin::server::console {

namespace {

// A text field: ' before a leading = + - @ tab or CR (formula injection), quoted when it holds a
// comma, a quote, CR or LF (quotes doubled).
std::string text_field(const std::string& text) {
  std::string v = text;
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

std::string decimal(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", n);
  return buf;
}

}  // namespace

std::string to_csv(const FigureTable& table) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += fields[i];
    }
    out += "\r\n";
  };
  std::vector<std::string> header;
  for (const Column& c : table.columns) {
    if (c.kind == CellKind::Rate) {
      header.push_back(text_field(c.met_title));
      header.push_back(text_field(c.due_title));
    }
    header.push_back(text_field(c.title));
  }
  line(header);
  for (const auto& row : table.rows) {
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Cell& cell = row[i];
      switch (cell.kind) {
        case CellKind::Text:
          fields.push_back(text_field(cell.text));
          break;
        case CellKind::Count:
          fields.push_back(cell.blank ? "" : std::to_string(cell.count));
          break;
        case CellKind::Rate:
          fields.push_back(std::to_string(cell.met));
          fields.push_back(std::to_string(cell.due));
          fields.push_back(cell.due > 0 ? percent_text(Rate{cell.due, cell.met}) : "");
          break;
        case CellKind::Decimal:
          fields.push_back(cell.number ? decimal(*cell.number) : "");
          break;
      }
    }
    line(fields);
  }
  return out;
}

}  // namespace weimin::server::console
