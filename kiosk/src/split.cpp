// The kiosk on the first display and the calling board on the second, in one window that spans
// both (split.hpp says why one window). Each frame reads the displays' bounds, maps them into
// the window, and the kiosk draws into its display's part (App::Impl::kiosk_area) while the
// board draws into the other's, with the board's own language and theme; input on the board's
// part never reaches the kiosk.
#include "weimin/kiosk/split.hpp"

#include <SDL.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "impl.hpp"

namespace weimin::kiosk {

std::vector<PixelRect> sdl_display_bounds() {
  std::vector<PixelRect> out;
  const int n = SDL_GetNumVideoDisplays();
  for (int i = 0; i < n; ++i) {
    SDL_Rect r{};
    // A display whose bounds cannot be read keeps its place, with no area.
    out.push_back(SDL_GetDisplayBounds(i, &r) == 0 ? PixelRect{r.x, r.y, r.w, r.h} : PixelRect{});
  }
  return out;
}

std::optional<SplitLayout> split_layout(const std::vector<PixelRect>& displays, int window_w,
                                        int window_h, int kiosk_display) {
  auto has_area = [](const PixelRect& r) { return r.w > 0 && r.h > 0; };
  if (window_w <= 0 || window_h <= 0 || kiosk_display < 0 ||
      kiosk_display >= static_cast<int>(displays.size()) ||
      !has_area(displays[static_cast<std::size_t>(kiosk_display)])) {
    return std::nullopt;
  }
  int board_display = -1;
  for (int i = 0; i < static_cast<int>(displays.size()); ++i) {
    if (i != kiosk_display && has_area(displays[static_cast<std::size_t>(i)])) {
      board_display = i;
      break;
    }
  }
  if (board_display < 0) return std::nullopt;
  // The union of every display: what cage spans the window over.
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool first = true;
  for (const PixelRect& r : displays) {
    if (!has_area(r)) continue;
    x0 = first ? r.x : std::min(x0, r.x);
    y0 = first ? r.y : std::min(y0, r.y);
    x1 = first ? r.x + r.w : std::max(x1, r.x + r.w);
    y1 = first ? r.y + r.h : std::max(y1, r.y + r.h);
    first = false;
  }
  const double sx = static_cast<double>(window_w) / (x1 - x0);
  const double sy = static_cast<double>(window_h) / (y1 - y0);
  auto in_window = [&](const PixelRect& r) {
    const int left = static_cast<int>(std::lround((r.x - x0) * sx));
    const int top = static_cast<int>(std::lround((r.y - y0) * sy));
    const int right = std::min(window_w, static_cast<int>(std::lround((r.x + r.w - x0) * sx)));
    const int bottom = std::min(window_h, static_cast<int>(std::lround((r.y + r.h - y0) * sy)));
    return PixelRect{left, top, right - left, bottom - top};
  };
  SplitLayout layout{in_window(displays[static_cast<std::size_t>(kiosk_display)]),
                     in_window(displays[static_cast<std::size_t>(board_display)])};
  // Mirrored displays (the same picture on both) have nothing to split.
  const PixelRect &k = layout.kiosk, &b = layout.board;
  const bool overlap = k.x < b.x + b.w && b.x < k.x + k.w && k.y < b.y + b.h && b.y < k.y + k.h;
  if (overlap || !has_area(k) || !has_area(b)) return std::nullopt;
  return layout;
}

namespace {

Rect to_rect(const PixelRect& r) {
  return Rect{static_cast<float>(r.x), static_cast<float>(r.y), static_cast<float>(r.w),
              static_cast<float>(r.h)};
}

// The board's settings in place of the resident's while the board reads or draws (its
// strings, colours and the language it announces calls in follow them).
class BoardPrefsScope {
 public:
  explicit BoardPrefsScope(App::Impl& m) : m_(m), kiosk_(m.resident.prefs) {
    m_.resident.prefs = m_.board_prefs;
  }
  ~BoardPrefsScope() { m_.resident.prefs = kiosk_; }
  BoardPrefsScope(const BoardPrefsScope&) = delete;
  BoardPrefsScope& operator=(const BoardPrefsScope&) = delete;

 private:
  App::Impl& m_;
  Prefs kiosk_;
};

}  // namespace

void App::Impl::update_split(int w, int h) {
  if (!options.board_on_second_display || options.mode != Mode::Kiosk || options.handheld) {
    split.reset();
    return;
  }
  const std::vector<PixelRect> displays =
      options.displays ? options.displays() : sdl_display_bounds();
  split = split_layout(displays, w, h, options.kiosk_display);
}

Rect App::Impl::kiosk_area() const {
  if (split) return to_rect(split->kiosk);
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  return Rect{0, 0, size.x, size.y};
}

bool App::Impl::split_ignores(const SDL_Event& event) const {
  if (!split) return false;
  auto outside = [this](float x, float y) { return !split->kiosk.contains(x, y); };
  switch (event.type) {
    case SDL_MOUSEBUTTONDOWN:
      return outside(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
    case SDL_MOUSEBUTTONUP:
      // A finger put down on the kiosk ends wherever it is lifted.
      return !held &&
             outside(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
    case SDL_MOUSEMOTION:
      return !held &&
             outside(static_cast<float>(event.motion.x), static_cast<float>(event.motion.y));
    case SDL_MOUSEWHEEL:
      return outside(mouse.x, mouse.y);
    default:
      return false;
  }
}

bool App::Impl::refresh_split_board(bool force) {
  if (!split) return false;
  BoardPrefsScope scope(*this);
  return refresh_board(force || board.read_ms < 0);
}

void App::Impl::draw_split_board() {
  if (!split) return;
  const Rect area = to_rect(split->board);
  ImGui::SetNextWindowPos(ImVec2(area.x, area.y));
  ImGui::SetNextWindowSize(ImVec2(area.w, area.h));
  ImGui::Begin("##board", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoInputs |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  {
    BoardPrefsScope scope(*this);
    draw_board(area);
  }
  ImGui::End();
}

std::optional<SplitLayout> App::split() const {
  return impl_->split;
}

}  // namespace weimin::kiosk
