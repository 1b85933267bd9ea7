// The staff's figures screen: today, this month (local dates), and the month's staff assessment
// sheet (每月考核); and the screen's string table. Drawn inside the staff frame's one scrolling
// region; the figures are read again when the view or the day changes, when the screen is
// entered, and otherwise at most every kFiguresRefreshMs (a month is a month of facts).
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/core/work_calendar.hpp"
#include "weimin/station/figures.hpp"
#include "weimin/station/staff_desk.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& figures_strings() {
  static const std::vector<StringEntry> table = {
      {"figures.view.today", "今日", "Today"},
      {"figures.view.month", "本月", "This month"},
      {"figures.view.staff", "每月考核", "Staff sheet"},
      {"figures.title", "今日数据 {}", "Today {}"},
      {"figures.month_title", "本月数据 {} 至 {}", "This month: {} to {}"},
      {"figures.staff_title", "每月考核 {} 至 {}", "Staff assessment: {} to {}"},
      {"figures.taken", "取号 {}", "Tickets taken {}"},
      {"figures.served", "办结 {}", "Served {}"},
      {"figures.no_show", "未到 {}", "No-shows {}"},
      {"figures.wait", "平均等候 {} 分钟，最长 {} 分钟", "Average wait {} min, longest {} min"},
      {"figures.cases_today", "今日新案件 {}", "New cases today {}"},
      {"figures.cases_month", "新案件 {}，结项 {}", "New cases {}, closed {}"},
      {"figures.overdue", "超期案件 {}", "Overdue cases {}"},
      {"figures.satisfaction", "满意率 {}", "Satisfaction: {}"},
      {"figures.ratings", "（{} 条评价）", " ({} ratings)"},
      {"figures.none", "暂无评价", "no ratings yet"},
      {"figures.stages", "案件现状", "Cases now"},
      {"figures.per_day", "每日取号（最多 {} 张）", "Tickets per day (at most {})"},
      {"figures.by_line", "按业务线", "By service line"},
      {"figures.by_window", "按窗口（最后叫号的窗口）", "By window (the window that called last)"},
      {"figures.col.line", "业务线", "Line"},
      {"figures.col.window", "窗口", "Window"},
      {"figures.col.tickets", "取号", "Tickets"},
      {"figures.col.served", "办结", "Served"},
      {"figures.col.no_shows", "未到", "No-shows"},
      {"figures.col.wait", "平均等候（分钟）", "Avg wait (min)"},
      {"figures.col.staff", "工号", "Staff no."},
      {"figures.col.name", "姓名", "Name"},
      {"figures.col.handled", "经办案件", "Cases\nhandled"},
      {"figures.col.closed", "结项", "Cases\nclosed"},
      {"figures.col.rate", "满意率", "Satisfied"},
      {"figures.by_grid", "按网格（全部案件）", "By grid (every case)"},
      {"figures.col.grid", "网格", "Grid"},
      {"figures.col.cases", "案件", "Cases"},
      {"figures.col.overdue", "超期", "Overdue"},
      {"figures.col.grid_closed", "结项", "Closed"},
      {"figures.no_grid", "未标网格", "No grid"},
      {"figures.sheet_denied", "每月考核仅站长（书记/主任）和副站长可以查看。",
       "Only the director or the deputy head may see the staff sheet."},
      {"figures.sheet_note",
       "办结：最后经手的取号；经办案件：本月记录过任一步的案件；满意率：评价中满意与基本满意所占比"
       "例。",
       "Served: tickets they finished; cases handled: cases in which they recorded a step this "
       "month; satisfied: satisfied and basically satisfied ÷ ratings naming them."},
  };
  return table;
}

namespace {

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

std::string percent(std::optional<double> rate) {
  return rate ? std::to_string(static_cast<int>(*rate * 100 + 0.5)) + "%" : std::string("—");
}

std::string minutes(std::optional<std::int64_t> ms) {
  if (!ms) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(*ms) / 60000.0);
  return buf;
}

}  // namespace

bool App::Impl::refresh_figures() {
  const std::int64_t now = clock.now_ms();
  const std::string today = station.today();
  const bool fresh = figures.read_ms >= 0 && figures.frame + 1 == frames_drawn &&
                     figures.view == staff.figures && figures.today == today &&
                     now - figures.read_ms < kFiguresRefreshMs;
  figures.frame = frames_drawn;
  if (fresh) return false;
  figures.read_ms = now;
  figures.view = staff.figures;
  figures.today = today;
  figures.error.clear();
  figures.day.reset();
  figures.month.reset();
  Status failed = Status::ok();
  if (staff.figures == FiguresView::Today) {
    auto read = station::day_figures(station, today);
    if (read.is_ok()) figures.day = std::move(read).value();
    failed = read.status();
  } else {
    auto month = station::month_of(today);
    auto read = month.is_ok() ? station::period_figures(station, month->first, month->second)
                              : Result<station::PeriodFigures>(month.status());
    if (read.is_ok()) figures.month = std::move(read).value();
    failed = read.status();
  }
  if (!failed.is_ok()) figures.error = staff_error_sentence(failed, KioskAction::Console, lang());
  return true;
}

void App::Impl::draw_figures() {
  const float h = target_height();
  const std::pair<const char*, FiguresView> views[] = {
      {"figures.view.today", FiguresView::Today},
      {"figures.view.month", FiguresView::Month},
      {"figures.view.staff", FiguresView::StaffSheet}};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    const auto& [id, view] = views[i];
    if (button(id, t(id), ImVec2(item_width(t(id)), h),
               staff.figures == view ? ButtonKind::Selected : ButtonKind::Normal)) {
      staff.figures = view;
    }
  }
  ImGui::Spacing();
  (void)refresh_figures();
  if (!figures.error.empty()) {
    error_line(figures.error);
    return;
  }
  if (figures.day) {
    draw_day_figures(*figures.day);
  } else if (figures.month && staff.figures == FiguresView::StaffSheet) {
    draw_staff_sheet(*figures.month);
  } else if (figures.month) {
    draw_month_figures(*figures.month);
  }
}

// A line of text the tests can read back by name (App::label).
void App::Impl::figures_text(const std::string& id, const std::string& text) {
  ImGui::TextUnformatted(text.c_str());
  labels[id] = text;
}

void App::Impl::draw_day_figures(const station::DayFigures& f) {
  figures_text("figures.heading", tf("figures.title", {f.day}));
  ImGui::Spacing();
  figures_text("figures.tickets", tf("figures.taken", {std::to_string(f.queue.taken)}) + "    " +
                                      tf("figures.served", {std::to_string(f.queue.served)}) +
                                      "    " +
                                      tf("figures.no_show", {std::to_string(f.queue.no_shows)}));
  if (f.queue.average_wait_ms) {
    ImGui::TextUnformatted(
        tf("figures.wait", {minutes(f.queue.average_wait_ms), minutes(f.queue.longest_wait_ms)})
            .c_str());
  }
  ImGui::TextUnformatted(
      tf("figures.cases_today", {std::to_string(f.cases_collected_today)}).c_str());
  ImGui::TextUnformatted(tf("figures.overdue", {std::to_string(f.cases_overdue)}).c_str());
  const auto rate = f.satisfaction.satisfaction_rate();
  ImGui::TextUnformatted(
      (tf("figures.satisfaction", {rate ? percent(rate) : t("figures.none")}) +
       (rate ? tf("figures.ratings", {std::to_string(f.satisfaction.total)}) : std::string()))
          .c_str());
  ImGui::Spacing();
  draw_stages(f.cases_by_stage);
  draw_grids(f.grids, f.deadline_fallback_years);
}

void App::Impl::draw_stages(const std::map<std::string, int>& by_stage) {
  ImGui::TextUnformatted(t("figures.stages"));
  for (const auto& [stage, n] : by_stage) {
    ImGui::TextUnformatted(
        ("    " + std::string(t("stage." + stage)) + "  " + std::to_string(n)).c_str());
  }
}

void App::Impl::draw_month_figures(const station::PeriodFigures& f) {
  const auto& q = f.queue;
  figures_text("figures.heading", tf("figures.month_title", {f.from, f.to}));
  ImGui::Spacing();
  figures_text("figures.tickets", tf("figures.taken", {std::to_string(q.tickets)}) + "    " +
                                      tf("figures.served", {std::to_string(q.served)}) + "    " +
                                      tf("figures.no_show", {std::to_string(q.no_shows)}));
  if (q.called > 0) {
    ImGui::TextUnformatted(
        tf("figures.wait", {minutes(q.average_wait_ms()), minutes(q.longest_wait_ms)}).c_str());
  }
  figures_text("figures.cases",
               tf("figures.cases_month",
                  {std::to_string(f.cases_collected), std::to_string(f.cases_closed)}) +
                   "    " + tf("figures.overdue", {std::to_string(f.cases_overdue)}));
  const auto rate = f.satisfaction.satisfaction_rate();
  figures_text(
      "figures.rate",
      tf("figures.satisfaction", {rate ? percent(rate) : t("figures.none")}) +
          (rate ? tf("figures.ratings", {std::to_string(f.satisfaction.total)}) : std::string()));
  ImGui::Spacing();
  draw_day_bars(f.days);
  ImGui::Spacing();

  const core::Catalog& cat = station.catalog();
  const std::vector<std::string> columns = {"", t("figures.col.tickets"), t("figures.col.served"),
                                            t("figures.col.no_shows"), t("figures.col.wait")};
  auto totals_row = [](std::string first, const core::QueueTotals& totals) {
    return std::vector<std::string>{std::move(first), std::to_string(totals.tickets),
                                    std::to_string(totals.served), std::to_string(totals.no_shows),
                                    minutes(totals.average_wait_ms())};
  };
  if (!f.lines.empty()) {
    ImGui::TextUnformatted(t("figures.by_line"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& [number, totals] : f.lines) {
      const auto* line = cat.line_by_number(number);
      rows.push_back(totals_row(line ? pick(line->name, lang()) : std::to_string(number), totals));
    }
    auto head = columns;
    head[0] = t("figures.col.line");
    figures_table("##by_line", head, rows);
  }
  if (!f.windows.empty()) {
    ImGui::TextUnformatted(t("figures.by_window"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& [number, totals] : f.windows) {
      const auto* window = cat.window_by_number(number, station.community());
      rows.push_back(
          totals_row(window ? pick(window->name, lang()) : std::to_string(number), totals));
    }
    auto head = columns;
    head[0] = t("figures.col.window");
    figures_table("##by_window", head, rows);
  }
  ImGui::Spacing();
  draw_stages(f.cases_by_stage);
  draw_grids(f.grids, f.deadline_fallback_years);
}

void App::Impl::draw_grids(const std::vector<station::GridCaseCount>& grids,
                           const std::vector<int>& fallback_years) {
  // Overdue counted Monday–Friday for want of a published calendar: said under the figures.
  const std::string warning = core::fallback_warning(fallback_years, lang() == Lang::Zh);
  if (!warning.empty()) {
    labels["figures.calendar_warning"] = warning;  // for tests
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", warning.c_str());
    ImGui::PopTextWrapPos();
  }
  if (grids.empty()) return;
  ImGui::Spacing();
  ImGui::TextUnformatted(t("figures.by_grid"));
  const core::Catalog& cat = station.catalog();
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : grids) {
    std::string name = t("figures.no_grid");
    if (!g.grid.empty()) {
      name = g.grid;
      for (const auto& known : cat.grids) {
        if (known.code == g.grid) name = pick(known.name, lang());
      }
    }
    rows.push_back(
        {name, std::to_string(g.collected), std::to_string(g.closed), std::to_string(g.overdue)});
    labels["figures.grid." + (g.grid.empty() ? std::string("none") : g.grid)] =
        rows.back()[0] + " | " + rows.back()[1] + " | " + rows.back()[2] + " | " + rows.back()[3];
  }
  figures_table("##by_grid",
                {t("figures.col.grid"), t("figures.col.cases"), t("figures.col.grid_closed"),
                 t("figures.col.overdue")},
                rows);
}

void App::Impl::draw_staff_sheet(const station::PeriodFigures& f) {
  figures_text("figures.heading", tf("figures.staff_title", {f.from, f.to}));
  ImGui::Spacing();
  // Colleagues' ratings are for those who assess them (as `weimin figures`).
  if (!staff.session ||
      !station::StaffDesk::require(*staff.session, core::Permission::ViewFigures).is_ok()) {
    figures_text("figures.denied", t("figures.sheet_denied"));
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : f.staff) {
    std::string rate = percent(r.satisfaction.satisfaction_rate());
    if (r.satisfaction.total > 0) rate += " (" + std::to_string(r.satisfaction.total) + ")";
    rows.push_back({r.staff, r.name, std::to_string(r.served), std::to_string(r.cases_handled),
                    std::to_string(r.cases_closed), rate});
    std::string joined;
    for (const auto& cell : rows.back()) joined += (joined.empty() ? "" : " | ") + cell;
    labels["figures.sheet." + r.staff] = joined;
  }
  figures_table("##sheet",
                {t("figures.col.staff"), t("figures.col.name"), t("figures.col.served"),
                 t("figures.col.handled"), t("figures.col.closed"), t("figures.col.rate")},
                rows, 2);
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_muted()), "%s", t("figures.sheet_note"));
  ImGui::PopTextWrapPos();
}

void App::Impl::figures_table(const char* id, const std::vector<std::string>& head,
                              const std::vector<std::vector<std::string>>& rows, int text_columns) {
  const int n = static_cast<int>(head.size());
  // Names to the left, numbers to the right of their cells.
  auto cell = [&](int c, const std::string& text) {
    ImGui::TableSetColumnIndex(c);
    if (c >= text_columns) {
      const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(text.c_str()).x -
                         ImGui::GetStyle().CellPadding.x * 2;
      if (room > 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + room);
    }
    ImGui::TextUnformatted(text.c_str());
  };
  // Header and stripes in the theme's colours; no scrolling of its own (the screen scrolls).
  ImGui::PushStyleColor(ImGuiCol_TableHeaderBg,
                        contrast() ? IM_COL32(60, 60, 60, 255) : IM_COL32(232, 236, 242, 255));
  ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt,
                        contrast() ? IM_COL32(30, 30, 30, 255) : IM_COL32(246, 244, 240, 255));
  ImGui::PushStyleColor(ImGuiCol_TableBorderStrong, colour_muted());
  ImGui::PushStyleColor(ImGuiCol_TableBorderLight, colour_muted());
  if (ImGui::BeginTable(id, n,
                        ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                            ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp |
                            ImGuiTableFlags_PadOuterX)) {
    // A lone name column twice as wide as a number's; the staff sheet's two, half as wide again.
    for (int c = 0; c < n; ++c) {
      const float weight = c >= text_columns ? 1.f : text_columns == 1 ? 2.f : 1.5f;
      ImGui::TableSetupColumn(head[static_cast<std::size_t>(c)].c_str(),
                              ImGuiTableColumnFlags_WidthStretch, weight);
    }
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < n; ++c) cell(c, head[static_cast<std::size_t>(c)]);
    for (const auto& row : rows) {
      ImGui::TableNextRow();
      for (int c = 0; c < n && c < static_cast<int>(row.size()); ++c) {
        cell(c, row[static_cast<std::size_t>(c)]);
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopStyleColor(4);
}

void App::Impl::draw_day_bars(const std::vector<station::DaySeries>& days) {
  if (days.empty()) return;
  int most = 0;
  for (const auto& d : days) most = std::max(most, d.tickets);
  ImGui::TextUnformatted(tf("figures.per_day", {std::to_string(most)}).c_str());
  const float fs = ImGui::GetFontSize();
  const float width = ImGui::GetContentRegionAvail().x;
  const float bars_h = fs * 3;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = contrast() ? IM_COL32(255, 214, 0, 255) : IM_COL32(22, 93, 175, 255);
  const float slot = width / static_cast<float>(days.size());
  const float bar_w = std::max(2.f, slot * 0.7f);
  dl->AddLine(ImVec2(at.x, at.y + bars_h), ImVec2(at.x + width, at.y + bars_h), colour_muted());
  for (std::size_t i = 0; i < days.size(); ++i) {
    const float x = at.x + slot * static_cast<float>(i) + (slot - bar_w) / 2;
    if (most > 0 && days[i].tickets > 0) {
      const float th = bars_h * static_cast<float>(days[i].tickets) / static_cast<float>(most);
      dl->AddRectFilled(ImVec2(x, at.y + bars_h - th), ImVec2(x + bar_w, at.y + bars_h), ink);
    }
    // The day of the month under the 1st and every 5th.
    const int day_of_month = std::atoi(days[i].day.c_str() + 8);
    if (day_of_month == 1 || day_of_month % 5 == 0) {
      const std::string label = std::to_string(day_of_month);
      const float lw = ImGui::CalcTextSize(label.c_str()).x;
      const float lx = std::clamp(x + bar_w / 2 - lw / 2, at.x, at.x + width - lw);
      dl->AddText(ImVec2(lx, at.y + bars_h + 2), colour_text(), label.c_str());
    }
  }
  ImGui::Dummy(ImVec2(width, bars_h + fs + 4));
}

}  // namespace weimin::kiosk
