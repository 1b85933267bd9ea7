// An .xlsx workbook of a figure table (figure_table.hpp), written by Debian's libxlsxwriter.
// The library writes to a file: a temporary file of our own, read back and removed.
#include <xlsxwriter.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "console/figure_table.hpp"

namespace weimin::server::console {

namespace {

// At most 31 characters (UTF-8 code points) without []:*?/\ , as Excel wants of a sheet name.
std::string sheet_safe(const std::string& name) {
  std::string out;
  int chars = 0;
  for (std::size_t i = 0; i < name.size() && chars < 31;) {
    std::size_t len = 1;
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    std::string ch = name.substr(i, len);
    if (ch.size() == 1 && std::string_view("[]:*?/\\").find(ch[0]) != std::string_view::npos) {
      ch = "_";
    }
    out += ch;
    i += len;
    ++chars;
  }
  return out.empty() ? std::string("figures") : out;
}

}  // namespace

Result<std::string> to_xlsx(const FigureTable& table, const std::string& sheet_name,
                            const std::string& title) {
  std::string path = (std::filesystem::temp_directory_path() / "weimin-export-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return Result<std::string>(ErrorCode::Internal,
                               "cannot make a temporary file for the workbook in " +
                                   std::filesystem::temp_directory_path().string());
  }
  ::close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) {
    return Result<std::string>(ErrorCode::Internal, "libxlsxwriter could not start a workbook");
  }
  std::string title_copy = title;
  lxw_doc_properties props{};
  props.title = title_copy.data();
  workbook_set_properties(wb, &props);
  const std::string sheet = sheet_safe(sheet_name);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.0%");
  lxw_format* one_decimal = workbook_add_format(wb);
  format_set_num_format(one_decimal, "0.0");
  if (ws == nullptr) {
    workbook_close(wb);
    return Result<std::string>(ErrorCode::Internal, "libxlsxwriter could not add a sheet");
  }

  lxw_col_t col = 0;
  for (const Column& c : table.columns) {
    if (c.kind == CellKind::Rate) {
      worksheet_write_string(ws, 0, col++, c.met_title.c_str(), bold);
      worksheet_write_string(ws, 0, col++, c.due_title.c_str(), bold);
    }
    worksheet_write_string(ws, 0, col++, c.title.c_str(), bold);
  }
  if (col > 0) worksheet_set_column(ws, 0, col - 1, 14, nullptr);
  worksheet_freeze_panes(ws, 1, 0);
  lxw_row_t r = 1;
  for (const auto& row : table.rows) {
    col = 0;
    for (const Cell& cell : row) {
      switch (cell.kind) {
        case CellKind::Text:
          if (!cell.text.empty()) worksheet_write_string(ws, r, col, cell.text.c_str(), nullptr);
          ++col;
          break;
        case CellKind::Count:
          if (!cell.blank) {
            worksheet_write_number(ws, r, col, static_cast<double>(cell.count), nullptr);
          }
          ++col;
          break;
        case CellKind::Rate:
          worksheet_write_number(ws, r, col++, static_cast<double>(cell.met), nullptr);
          worksheet_write_number(ws, r, col++, static_cast<double>(cell.due), nullptr);
          if (cell.due > 0) {
            worksheet_write_number(
                ws, r, col, static_cast<double>(cell.met) / static_cast<double>(cell.due), percent);
          }
          ++col;
          break;
        case CellKind::Decimal:
          if (cell.number) worksheet_write_number(ws, r, col, *cell.number, one_decimal);
          ++col;
          break;
      }
    }
    ++r;
  }
  const lxw_error closed = workbook_close(wb);
  if (closed != LXW_NO_ERROR) {
    return Result<std::string>(
        ErrorCode::Internal,
        std::string("libxlsxwriter could not write the workbook: ") + lxw_strerror(closed));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return Result<std::string>(ErrorCode::Internal, "cannot read back the workbook " + path);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace weimin::server::console
