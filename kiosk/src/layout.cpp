#include "weimin/kiosk/layout.hpp"

#include <cmath>
#include <sstream>

namespace weimin::kiosk {
namespace {

// Pixels of slack for rounding: ImGui lays out in fractions.
constexpr float kSlack = 1.5f;

std::string px(float v) {
  return std::to_string(static_cast<int>(std::lround(v)));
}

bool whole(const Rect& visible, const Rect& rect) {
  return visible.w >= rect.w - kSlack && visible.h >= rect.h - kSlack;
}

}  // namespace

std::vector<std::string> layout_problems(const App& app, int window_width, int window_height) {
  std::vector<std::string> out;
  const float target = app.min_target();
  const auto regions = app.regions();
  for (const ControlInfo& c : app.controls()) {
    const std::string& id = c.id;
    if (c.rect.w < target - kSlack || c.rect.h < target - kSlack) {
      out.push_back(id + ": " + px(c.rect.w) + "×" + px(c.rect.h) + " px, under the " + px(target) +
                    "×" + px(target) + " px target");
    }
    if (!c.label_fits) {
      std::string label = c.label;
      for (auto at = label.find('\n'); at != std::string::npos; at = label.find('\n'))
        label.replace(at, 1, " / ");
      out.push_back(id + ": its label \"" + label + "\" does not fit");
    }
    const bool seen_whole = whole(c.visible, c.rect);
    const bool in_window = c.rect.x >= -kSlack && c.rect.y >= -kSlack &&
                           c.rect.x + c.rect.w <= window_width + kSlack &&
                           c.rect.y + c.rect.h <= window_height + kSlack;
    if (c.region < 0 || c.region >= static_cast<int>(regions.size())) {
      if (!seen_whole || !in_window) {
        out.push_back(id + ": cut off (" + px(c.visible.w) + "×" + px(c.visible.h) + " of " +
                      px(c.rect.w) + "×" + px(c.rect.h) + " px seen) outside any scrolling region");
      }
      continue;
    }
    const RegionInfo& r = regions[static_cast<std::size_t>(c.region)];
    if (c.primary && !seen_whole) {
      out.push_back(id + ": a primary action scrolled out of sight");
    }
    if (!seen_whole && !r.scrolls) {
      out.push_back(id + ": cut off in a region that does not show it scrolls");
    }
    if (r.rect.h < std::min(c.rect.h, 2 * target)) {
      out.push_back(id + ": its scrolling region is " + px(r.rect.h) +
                    " px tall, too low to show it");
    }
    if (r.rect.y + kSlack < 0 || r.rect.y + r.rect.h > window_height + kSlack) {
      out.push_back(id + ": its scrolling region runs off the window");
    }
  }
  return out;
}

}  // namespace weimin::kiosk
