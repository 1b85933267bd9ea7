// The layout check: what a person at the screen could not see or touch on the frame an App
// last drew. Every control must be seen whole, or sit in a scrolling region that shows it
// scrolls (its scrollbar and arrow) and is at least one target tall; every control must be at
// least the target size (60×60 px in elder mode, 44×44 px otherwise) and its label must fit;
// a primary action must be seen whole. The layout test runs it on every screen of the tour.
// Thread-safety: as App.
#pragma once

#include <string>
#include <vector>

#include "weimin/kiosk/app.hpp"

namespace weimin::kiosk {

// One line per problem, naming the control ("rate.satisfied: 26 px tall, under the 60 px
// target"); empty when a person can see and touch everything.
std::vector<std::string> layout_problems(const App& app, int window_width, int window_height);

}  // namespace weimin::kiosk
