// The on-screen keyboard's state (keyboard.cpp): which text field it edits and what is being
// composed. Private to kiosk/.
// Thread-safety: as App.
#pragma once

#include <cstddef>
#include <string>

namespace weimin::kiosk {

struct KeyboardState {
  bool open = false;
  std::string field;              // the id of the text field being edited
  std::string* target = nullptr;  // its text (in ResidentState or StaffState)
  std::size_t max_len = 0;        // in bytes of UTF-8
};

}  // namespace weimin::kiosk
