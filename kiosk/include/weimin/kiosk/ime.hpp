// PinyinIme: pinyin input for the on-screen keyboard, through librime with the simplified
// schema luna_pinyin_simp (Debian librime-dev and rime-data-luna-pinyin). Letters compose
// pinyin; the candidates come a page at a time; picking one commits its characters (or the
// part of the pinyin it covers, leaving the rest composing).
// librime is process-wide: the first open() in a process sets it up and deploys the schema
// into a private folder made for this process under the system's temporary folder (removed at
// exit), with learning off (no user dictionary), so nothing a resident typed is kept on disk
// or offered to the next resident. Later open()s only create a session (about a millisecond).
// Thread-safety: one thread for everything (open() and every PinyinIme it returns); librime's
// deployment runs on its own thread but open() waits for it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"

namespace weimin::kiosk {

struct ImeOptions {
  std::filesystem::path shared_data = "/usr/share/rime-data";  // the distribution's schemas
  int page_size = 6;  // candidates a page (1..9); only the first open() in a process sets it
};

class PinyinIme {
 public:
  // Loads librime (the first time in the process) and opens a session on luna_pinyin_simp.
  // Fails with Unavailable, in plain words naming the package to install, when the schema's
  // data is missing; with Io when the private folder cannot be written.
  [[nodiscard]] static Result<std::unique_ptr<PinyinIme>> open(const ImeOptions& options = {});
  ~PinyinIme();
  PinyinIme(const PinyinIme&) = delete;
  PinyinIme& operator=(const PinyinIme&) = delete;

  // A letter a–z (either case) of pinyin, or an apostrophe between syllables: true when it was
  // taken into the composition. Anything else is refused (false) and changes nothing.
  bool type(char letter);
  // Deletes the last letter of the composition (nothing when there is none).
  void backspace();
  // Picks candidate `index` (0-based) of the current page. Returns the text committed by it:
  // the whole phrase once every syllable is chosen, empty while part of the pinyin is left.
  std::string pick(int index);
  // Next and previous page of candidates; false when there is none.
  bool page_down();
  bool page_up();
  // Ends the composition: returns what was chosen so far plus the pinyin not yet chosen, as
  // letters (the way a physical IME's Enter does), and clears.
  std::string commit();
  // Drops the composition and whatever was chosen from it.
  void clear();

  bool composing() const;
  // The pinyin being composed as shown to the resident (syllables spaced, chosen parts as
  // characters), e.g. "路灯 huai le".
  std::string preedit() const;
  // The candidates of the current page, best first.
  std::vector<std::string> candidates() const;
  int page() const;  // 0-based
  bool last_page() const;
  // The whole list of candidates, not by librime's pages: up to `count` of them from `first`
  // (0 = the best). For a screen that pages by what fits its width.
  std::vector<std::string> candidates_from(int first, int count) const;
  // Picks candidate `index` of the whole list; returns what it committed, as pick() does.
  std::string pick_at(int index);

  // The private folder librime deploys into (for tests: nothing learned is written there).
  static std::filesystem::path user_data_folder();

 private:
  explicit PinyinIme(std::uintptr_t session);
  struct View;
  void refresh();  // reads librime's context into view_
  std::string take_commit();
  bool press(int keycode);

  std::uintptr_t session_ = 0;
  std::unique_ptr<View> view_;
};

}  // namespace weimin::kiosk
