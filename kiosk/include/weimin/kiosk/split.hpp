// The kiosk on the first screen and the calling board (叫号屏) on the second, from one window.
// Under the cage kiosk compositor (weimin-kiosk.service) the one application is maximized over
// every output at once, so a station with a touchscreen and a hall screen gets one window that
// spans both; cage places any second window over the same span, so two windows cannot be used.
// With AppOptions::board_on_second_display the App reads each display's bounds and draws the
// kiosk into the first display's part of its window and the board into the second's; touches
// on the board's part are ignored. The bounds come through DisplaySource, a seam tests fill.
// Thread-safety: plain values and pure functions; sdl_display_bounds() on SDL's video thread.
#pragma once

#include <functional>
#include <optional>
#include <vector>

namespace weimin::kiosk {

// A rectangle in whole pixels: a display's bounds in the desktop's coordinates
// (SDL_GetDisplayBounds), or a part of the window in window pixels.
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  bool contains(float px, float py) const {
    return px >= static_cast<float>(x) && py >= static_cast<float>(y) &&
           px < static_cast<float>(x + w) && py < static_cast<float>(y + h);
  }
  bool operator==(const PixelRect&) const = default;
};

// Where the kiosk and the board are drawn, in window pixels.
struct SplitLayout {
  PixelRect kiosk;
  PixelRect board;
  bool operator==(const SplitLayout&) const = default;
};

// The displays' bounds, in SDL's display order. Empty when there are none to read.
using DisplaySource = std::function<std::vector<PixelRect>()>;
std::vector<PixelRect> sdl_display_bounds();

// The split of a window of window_w × window_h pixels that spans every display (the union of
// their bounds, scaled to the window when its size differs): the kiosk on display
// `kiosk_display`, the board on the first other display. nullopt when there are fewer than two
// displays with an area, kiosk_display is not one of them, or the window is empty: then the
// kiosk has the whole window.
std::optional<SplitLayout> split_layout(const std::vector<PixelRect>& displays, int window_w,
                                        int window_h, int kiosk_display = 0);

}  // namespace weimin::kiosk
