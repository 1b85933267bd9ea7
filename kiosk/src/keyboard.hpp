// The on-screen keyboard's state (keyboard.cpp): which text field it edits and what is being
// composed, and the decisions that need no drawing (what a key does to the text). Private to
// kiosk/.
// Thread-safety: as App.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/kiosk/ime.hpp"

namespace weimin::kiosk {

// The keys shown: pinyin (拼音) composes Chinese through librime; letters types Latin letters
// as they are; symbols has the digits and punctuation.
enum class KeyLayout { Pinyin, Letters, Symbols };

struct KeyboardState {
  bool open = false;
  std::string field;              // the id of the text field being edited
  std::string* target = nullptr;  // its text (in ResidentState or StaffState)
  std::size_t max_len = 0;        // in bytes of UTF-8
  std::string hint;               // what the field asks for, shown above the text

  std::string text;  // the text so far, written back to *target by 完成 (done) only
  KeyLayout layout = KeyLayout::Pinyin;
  bool upper = false;     // letters: ABC rather than abc
  bool too_long = false;  // the last key was refused: the field is full
  // Candidates are paged by what fits the window's width: the first one shown (in librime's
  // whole list) and where the earlier pages began, for 上一页.
  int candidate_first = 0;
  std::vector<int> candidate_pages;
  // librime's session, opened the first time the pinyin keys are shown (never at start) and
  // closed with the keyboard state (the idle reset), so nothing composed outlives a resident.
  std::unique_ptr<PinyinIme> ime;
  std::string ime_error;  // why pinyin is unavailable (then the letters keys are shown)
};

// Characters the font atlas needs beyond ImGui's common simplified set for the candidates
// pinyin offers (app.cpp's load_fonts adds them); candidates with any other character are not
// offered (they would show as "?").
const char* keyboard_glyphs();

// The longest prefix of `text` of at most `max_len` bytes that does not split a UTF-8
// character.
std::string utf8_prefix(std::string_view text, std::size_t max_len);
// `text` without its last UTF-8 character (empty stays empty).
std::string utf8_drop_last(std::string_view text);

}  // namespace weimin::kiosk
