// The calling board (叫号屏), for the hall: the ticket each window calls now (by the window's
// catalog name), the last calls, who waits on each line and for how long. A new call stands out
// (its row inverted) for BoardState::kHighlightMs of the App's clock, and the board announces it
// (chime, then the call) when it has a voice: the board is the one process that speaks calls,
// so each call is heard once however many consoles call (docs/DEVICES.md). Laid out by the size
// of its area (the window, or the second display's part of it beside the kiosk, split.cpp): side
// by side on a landscape screen, stacked on a portrait one, text sized so it reads across a hall.
#include <SDL.h>
#include <imgui.h>

#include <algorithm>

#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/platform/announcer.hpp"
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
      {"board.now", "正在叫号", "Now serving"},
      {"board.recent", "最近叫号", "Recent calls"},
      {"board.lines", "各业务等候情况", "Waiting by line"},
      {"board.people", "{} 人", "{} waiting"},
      {"board.minutes", "约 {} 分钟", "about {} min"},
      {"board.no_wait", "无需等待", "no wait"},
      {"board.at_window", "{}号窗口", "window {}"},
  };
  return table;
}

namespace {

const std::string& pick(const core::Text& text, Lang lang) {
  return lang == Lang::En && !text.en.empty() ? text.en : text.zh;
}

bool at_a_window(const core::Ticket& t) {
  return t.state == core::TicketState::Called || t.state == core::TicketState::Serving;
}

// The tickets called since the last read, in call order: new calls by the time of the call
// (then by window), then recalls by window (a recall keeps last_called_ms). Tickets already
// finished or gone are not announced. Updates board.seen; the first read only fills it.
std::vector<core::Ticket> take_new_calls(const core::QueueState& state, BoardState& board) {
  std::vector<core::Ticket> called, recalled;
  std::map<core::TicketId, std::pair<std::int64_t, int>> seen;
  for (const auto& [id, t] : state.tickets) {
    if (!t.last_called_ms) continue;
    const std::pair<std::int64_t, int> mark{*t.last_called_ms, t.recalls};
    seen[id] = mark;
    if (!board.primed || !at_a_window(t)) continue;
    auto before = board.seen.find(id);
    if (before == board.seen.end() || before->second.first != mark.first) {
      called.push_back(t);
    } else if (before->second.second < mark.second) {
      recalled.push_back(t);
    }
  }
  board.seen = std::move(seen);
  board.primed = true;
  std::sort(called.begin(), called.end(), [](const core::Ticket& a, const core::Ticket& b) {
    return std::pair(*a.last_called_ms, a.window) < std::pair(*b.last_called_ms, b.window);
  });
  std::sort(recalled.begin(), recalled.end(),
            [](const core::Ticket& a, const core::Ticket& b) { return a.window < b.window; });
  called.insert(called.end(), recalled.begin(), recalled.end());
  return called;
}

}  // namespace

bool App::Impl::refresh_board(bool force) {
  const std::int64_t now = clock.now_ms();
  bool changed = false;
  for (auto it = board.highlight_until.begin(); it != board.highlight_until.end();) {
    if (now >= it->second) {
      it = board.highlight_until.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  if (!force && board.read_ms >= 0 && now - board.read_ms < BoardState::kReadEveryMs) {
    return changed;
  }
  board.read_ms = now;
  station::Queue queue(station);
  auto today = queue.today();
  if (!today.is_ok()) return changed;
  const core::QueueState& state = today.value();
  const core::Catalog& cat = station.catalog();

  std::vector<BoardWindow> windows;
  for (const core::Window& w : cat.windows_for(station.community())) {
    windows.push_back({w.number, w.name, std::nullopt});
  }
  std::vector<core::Ticket> calls;
  int waiting = 0;
  for (const auto& [id, t] : state.tickets) {
    if (t.state == core::TicketState::Waiting) ++waiting;
    if (t.last_called_ms) calls.push_back(t);
    if (!at_a_window(t)) continue;
    for (BoardWindow& w : windows) {
      if (w.number == t.window &&
          (!w.current || w.current->last_called_ms.value_or(0) < t.last_called_ms.value_or(0))) {
        w.current = t;
      }
    }
  }
  std::sort(calls.begin(), calls.end(), [](const core::Ticket& a, const core::Ticket& b) {
    return std::pair(*a.last_called_ms, a.window) > std::pair(*b.last_called_ms, b.window);
  });
  if (calls.size() > BoardState::kRecentCalls) calls.resize(BoardState::kRecentCalls);

  std::vector<BoardLine> lines;
  for (const core::ServiceLine& line : cat.lines) {
    const int open = queue.windows_serving(line.number);
    if (open == 0) continue;  // no window here serves it: nobody can wait for it
    BoardLine l{line.number, line.prefix, line.name, 0, 0};
    for (const auto& [id, t] : state.tickets) {
      if (t.state == core::TicketState::Waiting && t.line == line.number) ++l.waiting;
    }
    l.wait_minutes = core::estimate_wait(state, line.number, open).minutes;  // as on the slip
    lines.push_back(std::move(l));
  }

  const std::vector<core::Ticket> fresh = take_new_calls(state, board);
  for (const core::Ticket& t : fresh) {
    board.highlight_until[t.id] = now + BoardState::kHighlightMs;
    if (!devices.announcer) continue;
    platform::Call call;
    call.ticket_label = t.label;
    call.window = std::to_string(t.window);
    call.language =
        lang() == Lang::En ? platform::SpeechLanguage::English : platform::SpeechLanguage::Chinese;
    call.chime = true;
    devices.announcer->announce(std::move(call));  // queued in call order; spoken off this thread
  }
  changed = changed || !fresh.empty() || windows != board.windows || calls != board.calls ||
            lines != board.lines || waiting != board.waiting;
  board.windows = std::move(windows);
  board.calls = std::move(calls);
  board.lines = std::move(lines);
  board.waiting = waiting;
  return changed;
}

// [SECTION] Drawing

namespace {

// Draws the board into rectangles of the window with the draw list, text sized in pixels, and
// records what it drew (App::target / App::label, ids "board.…", so tests read what is shown).
struct BoardPainter {
  App::Impl& m;
  ImDrawList* dl;
  ImFont* body;
  ImFont* big;
  float u;  // one pixel of the 1920×1080 (or 1080×1920) design, in window pixels
  ImU32 ink, muted, panel, stripe, accent, on_accent;

  float width(ImFont* f, float px, const std::string& s) const {
    return f->CalcTextSizeA(px, FLT_MAX, 0, s.c_str()).x;
  }
  // The size at most `px` at which `s` fits in `w` (never below half of px).
  float fit(ImFont* f, float px, const std::string& s, float w) const {
    const float at = width(f, px, s);
    return at <= w ? px : std::max(px * 0.5f, px * w / at);
  }
  void text(ImFont* f, float px, ImVec2 at, ImU32 colour, const std::string& s) const {
    dl->AddText(f, px, at, colour, s.c_str());
  }
  void record(const std::string& id, ImVec2 a, ImVec2 b, const std::string& label) const {
    m.hits[id] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
    m.labels[id] = label;
  }
  bool highlighted(const core::Ticket& t) const { return m.board.highlight_until.count(t.id) > 0; }
  std::string window_name(int number) const {
    for (const BoardWindow& w : m.board.windows) {
      if (w.number == number) return pick(w.name, m.lang());
    }
    return m.tf("board.at_window", {std::to_string(number)});
  }

  // A heading over a section; returns the height it took.
  float heading_h() const { return 48 * u * 1.5f; }
  float heading(ImVec2 at, const char* key) const {
    text(body, 48 * u, at, muted, m.t(key));
    return heading_h();
  }
  // The last calls: chips of a number over its window, in rows.
  float chip_label_px() const { return 64 * u; }
  float chip_where_px() const { return 34 * u; }
  float chip_pad() const { return 16 * u; }
  float chip_h() const { return chip_label_px() + chip_where_px() * 1.3f + chip_pad(); }
  float recent_h(int rows) const {
    return heading_h() + static_cast<float>(rows) * (chip_h() + chip_pad());
  }

  // Now serving: one row per window, its name and its ticket, large; a new call inverted.
  void windows(ImVec2 a, ImVec2 b) const {
    float y = a.y + heading(a, "board.now");
    const auto& list = m.board.windows;
    if (list.empty()) return;
    const float gap = 12 * u;
    const float row_h =
        std::min(200 * u, (b.y - y - gap * static_cast<float>(list.size() - 1)) / list.size());
    for (const BoardWindow& w : list) {
      const ImVec2 r0(a.x, y), r1(b.x, y + row_h);
      const bool is_new = w.current && highlighted(*w.current);
      dl->AddRectFilled(r0, r1, is_new ? accent : panel);
      const ImU32 fg = is_new ? on_accent : ink;
      const float pad = 24 * u;
      const std::string label = w.current ? w.current->label : "";
      const float label_px = row_h * 0.8f;
      const float label_w = label.empty() ? 0 : width(big, label_px, label);
      const std::string name = pick(w.name, m.lang());
      const float room = r1.x - r0.x - 3 * pad - label_w;
      const float name_px = fit(body, std::min(64 * u, row_h * 0.42f), name, room);
      text(body, name_px, ImVec2(r0.x + pad, y + (row_h - name_px) / 2), fg, name);
      if (w.current) {
        text(big, label_px, ImVec2(r1.x - pad - label_w, y + (row_h - label_px) / 2), fg, label);
      } else {
        const float px = row_h * 0.4f;
        text(body, px, ImVec2(r1.x - pad - width(body, px, "—"), y + (row_h - px) / 2), muted, "—");
      }
      record("board.window." + std::to_string(w.number), r0, r1,
             name + "  " + (label.empty() ? "—" : label));
      if (is_new) record("board.new." + label, r0, r1, label);
      y += row_h + gap;
    }
  }

  // The last calls, newest first, each as its number and window, flowing in rows.
  void recent(ImVec2 a, ImVec2 b) const {
    const float top = a.y + heading(a, "board.recent");
    const float label_px = chip_label_px(), where_px = chip_where_px(), pad = chip_pad(),
                gap = chip_pad(), chip_h = this->chip_h();
    // One width for every chip, so they line up in columns.
    float w = 0;
    for (const core::Ticket& t : m.board.calls) {
      const std::string where = m.tf("board.at_window", {std::to_string(t.window)});
      w = std::max({w, width(big, label_px, t.label), width(body, where_px, where)});
    }
    w += 2 * pad;
    float x = a.x, y = top;
    int i = 0;
    for (const core::Ticket& t : m.board.calls) {
      const std::string where = m.tf("board.at_window", {std::to_string(t.window)});
      if (x + w > b.x && x > a.x) {
        x = a.x;
        y += chip_h + gap;
      }
      if (y + chip_h > b.y + 0.5f) break;  // what does not fit stays off the board
      const bool is_new = highlighted(t);
      const ImVec2 c0(x, y), c1(x + w, y + chip_h);
      dl->AddRectFilled(c0, c1, is_new ? accent : panel);
      text(big, label_px, ImVec2(x + pad, y + pad / 2), is_new ? on_accent : ink, t.label);
      text(body, where_px, ImVec2(x + pad, y + pad / 2 + label_px), is_new ? on_accent : muted,
           where);
      record("board.call." + std::to_string(i++), c0, c1, t.label + "  " + where);
      x += w + gap;
    }
  }

  // Who waits on each line and the estimated wait, one row a line.
  void lines(ImVec2 a, ImVec2 b) const {
    const float top = a.y + heading(a, "board.lines");
    const auto& list = m.board.lines;
    if (list.empty()) return;
    const float row_h = std::min(88 * u, (b.y - top) / static_cast<float>(list.size()));
    const float px = std::min(50 * u, row_h * 0.6f);
    const float pad = 16 * u, gap = 32 * u;
    auto people_of = [this](const BoardLine& l) {
      return m.tf("board.people", {std::to_string(l.waiting)});
    };
    auto minutes_of = [this](const BoardLine& l) {
      return l.waiting == 0 ? std::string(m.t("board.no_wait"))
                            : m.tf("board.minutes", {std::to_string(l.wait_minutes)});
    };
    // Two columns as wide as their widest entry, from the right; the names get the rest.
    float people_w = 0, minutes_w = 0;
    for (const BoardLine& l : list) {
      people_w = std::max(people_w, width(body, px, people_of(l)));
      minutes_w = std::max(minutes_w, width(body, px, minutes_of(l)));
    }
    const float col_minutes = b.x - pad - minutes_w;
    const float col_people = std::max(a.x + (b.x - a.x) * 0.4f, col_minutes - gap - people_w);
    float y = top;
    int i = 0;
    for (const BoardLine& l : list) {
      const ImVec2 r0(a.x, y), r1(b.x, y + row_h);
      if (i++ % 2 == 0) dl->AddRectFilled(r0, r1, stripe);
      const std::string name = std::string(1, l.prefix) + "  " + pick(l.name, m.lang());
      const std::string people = people_of(l), minutes = minutes_of(l);
      const float ty = y + (row_h - px) / 2;
      const float name_px = fit(body, px, name, col_people - gap - a.x - pad);
      text(body, name_px, ImVec2(a.x + pad, y + (row_h - name_px) / 2), ink, name);
      text(body, fit(body, px, people, col_minutes - gap - col_people), ImVec2(col_people, ty), ink,
           people);
      text(body, fit(body, px, minutes, b.x - pad - col_minutes), ImVec2(col_minutes, ty), ink,
           minutes);
      record("board.line." + std::to_string(l.number), r0, r1,
             name + "  " + people + "  " + minutes);
      y += row_h;
    }
  }
};

}  // namespace

void App::Impl::draw_board(Rect area) {
  (void)refresh_board(board.read_ms < 0);
  const ImVec2 size(area.w, area.h);
  // Laid out from the area's top left corner; at() places a point of it in the window.
  const auto at = [&area](float x, float y) { return ImVec2(area.x + x, area.y + y); };
  const bool portrait = size.y > size.x;
  const float u = portrait ? std::min(size.x / 1080.f, size.y / 1920.f)
                           : std::min(size.x / 1920.f, size.y / 1080.f);
  // The board's own colours (not the ImGui style's: beside the kiosk, the style is the
  // resident's).
  BoardPainter p{*this,
                 ImGui::GetWindowDrawList(),
                 ImGui::GetFont(),
                 big,
                 u,
                 contrast() ? IM_COL32(255, 255, 255, 255) : IM_COL32(26, 26, 26, 255),
                 colour_muted(),
                 contrast() ? IM_COL32(30, 30, 30, 255) : IM_COL32(255, 255, 255, 255),
                 contrast() ? IM_COL32(20, 20, 20, 255) : IM_COL32(236, 232, 226, 255),
                 contrast() ? IM_COL32(255, 214, 0, 255) : IM_COL32(168, 24, 24, 255),
                 contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255)};
  ImDrawList* dl = p.dl;
  // Text far larger than the faces are baked: smooth it rather than repeat pixels (the kiosk's
  // own text is drawn at the sizes baked, where smoothing changes nothing).
  if (auto* atlas = static_cast<SDL_Texture*>(ImGui::GetIO().Fonts->TexID)) {
    SDL_SetTextureScaleMode(atlas, SDL_ScaleModeLinear);
  }
  // The whole area: the window's own clip rectangle stops inside its padding.
  dl->PushClipRect(at(0, 0), at(size.x, size.y), false);
  dl->AddRectFilled(at(0, 0), at(size.x, size.y),
                    contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(246, 244, 240, 255));

  // The bar: the station on the left, who waits and the time on the right.
  const float bar_h = std::max(56.f, 96 * u);
  dl->AddRectFilled(at(0, 0), at(size.x, bar_h),
                    contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(168, 24, 24, 255));
  if (contrast()) dl->AddLine(at(0, bar_h - 1), at(size.x, bar_h - 1), p.ink, 2);
  const float bar_px = bar_h * 0.5f;
  const float margin = 32 * u;
  const std::string right =
      tf("board.waiting", {std::to_string(board.waiting)}) + "    " + shown_minute;
  const float right_w = p.width(p.body, bar_px, right);
  p.text(p.body, bar_px, at(size.x - margin - right_w, (bar_h - bar_px) / 2), IM_COL32_WHITE,
         right);
  std::string title = t("app.title");
  if (const auto* c = station.catalog().community_by_code(station.community())) {
    title += "  " + pick(c->name, lang());
  }
  const float title_room = size.x - 3 * margin - right_w;
  p.text(p.body, p.fit(p.body, bar_px, title, title_room), at(margin, (bar_h - bar_px) / 2),
         IM_COL32_WHITE, title);

  const float top = bar_h + margin;
  const float bottom = size.y - margin;
  if (portrait) {
    // Stacked: the windows, the last calls, the lines.
    const float x0 = margin, x1 = size.x - margin;
    const float windows_h = std::min(
        (bottom - top) * 0.38f, p.heading_h() + static_cast<float>(board.windows.size()) * 212 * u);
    const float recent_h = p.recent_h(2);
    p.windows(at(x0, top), at(x1, top + windows_h));
    const float y1 = top + windows_h + margin;
    p.recent(at(x0, y1), at(x1, y1 + recent_h));
    p.lines(at(x0, y1 + recent_h + margin), at(x1, bottom));
  } else {
    // Side by side: the windows over the last calls on the left, the lines on the right.
    const float split_x = size.x * 0.56f;
    const float recent_h = p.recent_h(2);
    p.windows(at(margin, top), at(split_x - margin / 2, bottom - recent_h - margin));
    p.recent(at(margin, bottom - recent_h), at(split_x - margin / 2, bottom));
    p.lines(at(split_x + margin / 2, top), at(size.x - margin, bottom));
  }
  dl->PopClipRect();
}

}  // namespace weimin::kiosk
