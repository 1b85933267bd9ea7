// The string tables of the kiosk's features, each kept beside the feature that shows it and
// joined into string_table() (strings.cpp). Same form as the screens' table: key, Chinese,
// English; keys are unique across all tables (a test checks).
// Thread-safety: constant data; any thread may read it.
#pragma once

#include <vector>

#include "weimin/kiosk/strings.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& keyboard_strings();  // keyboard.cpp: the on-screen keyboard
const std::vector<StringEntry>& receipt_strings();   // printing.cpp: slips and receipts
const std::vector<StringEntry>& voice_strings();     // voice.cpp: what the kiosk says
const std::vector<StringEntry>& board_strings();     // board.cpp: the calling board
const std::vector<StringEntry>& error_strings();     // errors.cpp: the station's refusals
const std::vector<StringEntry>& figures_strings();   // figures.cpp: the staff's figures screen
const std::vector<StringEntry>& govern_strings();  // govern.cpp: consultation, access, certificates
const std::vector<StringEntry>& wishes_strings();  // wishes.cpp: wishes board, wish desk, care
const std::vector<StringEntry>& handheld_strings();  // handheld.cpp: the grid worker's handheld

}  // namespace weimin::kiosk
