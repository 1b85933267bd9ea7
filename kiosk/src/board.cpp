// The calling board (叫号屏): the calls, who waits, and the time, for the hall.
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/station/queue.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& board_strings() {
  static const std::vector<StringEntry> table = {
      {"board.title", "叫号", "Now calling"},
      {"board.number", "号码", "Number"},
      {"board.window", "窗口", "Window"},
      {"board.to_window", "请 {} 号到 {} 号窗口", "{} to window {}"},
      {"board.waiting", "等候人数 {}", "{} waiting"},
      {"board.empty", "暂无叫号", "Nobody called yet"},
  };
  return table;
}

bool App::Impl::refresh_board(bool force) {
  const std::int64_t now = clock.now_ms();
  if (!force && board.read_ms >= 0 && now - board.read_ms < 2'000) return false;
  board.read_ms = now;
  station::Queue queue(station);
  auto today = queue.today();
  if (!today.is_ok()) return false;
  std::vector<core::Ticket> calls;
  int waiting = 0;
  for (const auto& [id, ticket] : today->tickets) {
    if (ticket.state == core::TicketState::Waiting) ++waiting;
    if ((ticket.state == core::TicketState::Called || ticket.state == core::TicketState::Serving) &&
        ticket.last_called_ms) {
      calls.push_back(ticket);
    }
  }
  std::sort(calls.begin(), calls.end(), [](const core::Ticket& a, const core::Ticket& b) {
    return a.last_called_ms.value_or(0) > b.last_called_ms.value_or(0);
  });
  if (calls.size() > 6) calls.resize(6);
  const bool changed = calls != board.calls || waiting != board.waiting;
  board.calls = std::move(calls);
  board.waiting = waiting;
  return changed;
}

void App::Impl::draw_board() {
  (void)refresh_board(board.read_ms < 0);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 size = ImGui::GetWindowSize();
  const ImU32 bar = contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(168, 24, 24, 255);
  const float bar_h = ImGui::GetFontSize() + 24;
  dl->PushClipRect(ImVec2(0, 0), ImVec2(size.x, bar_h), false);
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, bar_h), bar);
  dl->PopClipRect();
  dl->AddText(ImVec2(24, 12), IM_COL32_WHITE,
              (std::string(t("board.title")) + "   " + t("app.title")).c_str());
  const std::string right =
      tf("board.waiting", {std::to_string(board.waiting)}) + "   " + shown_minute;
  dl->AddText(ImVec2(size.x - 24 - ImGui::CalcTextSize(right.c_str()).x, 12), IM_COL32_WHITE,
              right.c_str());
  ImGui::SetCursorPosY(bar_h + 24);
  if (board.calls.empty()) {
    ImGui::TextUnformatted(t("board.empty"));
    return;
  }
  ImGui::TextUnformatted(t("board.number"));
  ImGui::SameLine(size.x * 0.45f);
  ImGui::TextUnformatted(t("board.window"));
  ImGui::Separator();
  for (std::size_t i = 0; i < board.calls.size(); ++i) {
    const auto& c = board.calls[i];
    const ImU32 ink = i == 0 ? colour_error() : colour_text();
    ImGui::PushFont(big);
    ImGui::SetWindowFontScale(i == 0 ? 1.f : 0.55f);
    ImGui::PushStyleColor(ImGuiCol_Text, ink);
    ImGui::TextUnformatted(c.label.c_str());
    ImGui::SameLine(size.x * 0.45f);
    ImGui::Text("%d", c.window);
    ImGui::PopStyleColor();
    ImGui::SetWindowFontScale(1.f);
    ImGui::PopFont();
    ImGui::SameLine(size.x * 0.62f);
    ImGui::TextUnformatted(tf("board.to_window", {c.label, std::to_string(c.window)}).c_str());
  }
}

}  // namespace weimin::kiosk
