// The on-screen keyboard: text for every field of the kiosk without a physical keyboard. A text
// field shows its value in a bordered box; a tap opens the editor over the whole window: the
// field's hint, the text so far, the pinyin being composed with a candidate bar (librime, see
// ime.hpp, loaded the first time the pinyin keys are shown), and the keys (pinyin, letters,
// digits and punctuation). 完成 writes the text back into the field, 取消 leaves it as it was.
// A physical keyboard or a barcode scanner types into the field too.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "impl.hpp"
#include "string_tables.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& keyboard_strings() {
  static const std::vector<StringEntry> table = {
      {"kb.cancel", "取消", "Cancel"},
      {"kb.done", "完成", "Done"},
      {"kb.backspace", "删除", "Delete"},
      {"kb.space", "空格", "Space"},
      {"kb.clear", "清空", "Clear"},
      {"kb.mode.pinyin", "拼音", "Pinyin"},
      {"kb.mode.letters", "ABC", "ABC"},
      {"kb.mode.symbols", "123", "123"},
      {"kb.shift", "大写", "Caps"},
      {"kb.page.prev", "上一页", "Prev"},
      {"kb.page.next", "下一页", "Next"},
      {"kb.pinyin_help", "点拼音字母，再点上面的字", "Tap the pinyin letters, then tap the word"},
      {"kb.full", "已到最多字数，不能再输入", "The field is full: nothing more can be typed"},
      {"kb.no_pinyin", "拼音输入暂不可用，请用字母和数字输入，或请工作人员帮助",
       "Pinyin input is not available: use letters and digits, or ask the staff"},
  };
  return table;
}

// [SECTION] Text that needs no drawing.

std::string utf8_prefix(std::string_view text, std::size_t max_len) {
  if (text.size() <= max_len) return std::string(text);
  std::size_t end = max_len;
  // Back off continuation bytes (10xxxxxx) to the start of the character cut through.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string utf8_drop_last(std::string_view text) {
  if (text.empty()) return {};
  std::size_t end = text.size() - 1;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

namespace {

// The next code point of `s` from `i` (advanced); 0xFFFD for a malformed byte.
unsigned next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return 0xFFFD;
  }
  unsigned cp = extra == 0 ? b : b & (0x3F >> extra);
  ++i;
  for (int k = 0; k < extra; ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return cp;
}

// True when every character of `text` is in the font's atlas (the atlas holds the common
// simplified set, not all of CJK: a rarer candidate would show as "?").
bool renderable(const ImFont* font, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const unsigned cp = next_code_point(text, i);
    if (cp > 0xFFFF || font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) == nullptr) return false;
  }
  return true;
}

// What a physical keyboard or a scanner typed since the last frame, as UTF-8 (control
// characters dropped); ImGui's queue is emptied so nothing else reads it twice.
std::string take_typed() {
  ImGuiIO& io = ImGui::GetIO();
  std::string typed;
  for (ImWchar c : io.InputQueueCharacters) {
    if (c < 0x20 || c == 0x7F) continue;
    if (c < 0x80) {
      typed += static_cast<char>(c);
    } else if (c < 0x800) {
      typed += static_cast<char>(0xC0 | (c >> 6));
      typed += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      typed += static_cast<char>(0xE0 | (c >> 12));
      typed += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      typed += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  io.InputQueueCharacters.resize(0);
  return typed;
}

// Appends to `text` the characters of `typed` that fit in `max_len` bytes, whole characters
// only; false when some did not fit.
bool append_fitting(std::string& text, std::string_view typed, std::size_t max_len) {
  for (std::size_t i = 0; i < typed.size();) {
    const std::size_t from = i;
    (void)next_code_point(typed, i);
    if (text.size() + (i - from) > max_len) return false;
    text.append(typed.substr(from, i - from));
  }
  return true;
}

struct Symbol {
  const char* id;  // kb.key.<id>
  const char* text;
};

constexpr Symbol kChinesePunctuation[] = {
    {"zh_comma", "，"},  {"zh_period", "。"}, {"zh_question", "？"},  {"zh_exclaim", "！"},
    {"zh_enum", "、"},   {"zh_colon", "："},  {"zh_semicolon", "；"}, {"zh_lparen", "（"},
    {"zh_rparen", "）"}, {"zh_dash", "——"},
};
constexpr Symbol kAsciiPunctuation[] = {
    {"period", "."}, {"comma", ","},     {"question", "?"}, {"exclaim", "!"},
    {"colon", ":"},  {"semicolon", ";"}, {"hyphen", "-"},   {"slash", "/"},
    {"lparen", "("}, {"rparen", ")"},    {"at", "@"},
};

// The lines of `text` wrapped to `width` with the current font, at most `max_lines` (the last
// ends in "…" when text is left over).
std::string wrapped(const std::string& text, float width, int max_lines) {
  const ImFont* font = ImGui::GetFont();
  const float scale = ImGui::GetFontSize() / font->FontSize;
  std::string out;
  const char* s = text.c_str();
  const char* end = s + text.size();
  for (int line = 0; s < end && line < max_lines; ++line) {
    const char* brk = font->CalcWordWrapPositionA(scale, s, end, width);
    if (brk == s) brk = s + 1;  // always progress
    const char* nl = std::find(s, brk, '\n');
    if (nl != brk) brk = nl;
    std::string piece(s, brk);
    s = brk;
    while (s < end && (*s == ' ' || *s == '\n')) ++s;
    if (line + 1 == max_lines && s < end) {
      // Make room for the ellipsis.
      while (!piece.empty() && ImGui::CalcTextSize((piece + "…").c_str()).x > width)
        piece = utf8_drop_last(piece);
      piece += "…";
    }
    if (!out.empty()) out += '\n';
    out += piece;
  }
  return out;
}

}  // namespace

// [SECTION] The field.

bool App::Impl::text_field(const std::string& id, std::string& value, std::size_t max_len,
                           const std::string& hint, float height, float field_width) {
  auto open_editor = [&] {
    const bool pinyin = lang() == Lang::Zh;
    std::unique_ptr<PinyinIme> ime = std::move(keyboard.ime);
    if (ime) ime->clear();
    keyboard = KeyboardState{};
    keyboard.ime = std::move(ime);
    keyboard.open = true;
    keyboard.field = id;
    keyboard.target = &value;
    keyboard.max_len = max_len;
    keyboard.hint = hint;
    keyboard.text = utf8_prefix(value, max_len);
    keyboard.layout = pinyin ? KeyLayout::Pinyin : KeyLayout::Letters;
    dirty(3);
  };
  // A physical keyboard or a scanner typing while the screen shows this field: it opens the
  // editor with what was typed (the first field drawn takes it).
  ImGuiIO& io = ImGui::GetIO();
  if (!keyboard.open && !io.InputQueueCharacters.empty()) {
    const std::string typed = take_typed();
    if (!typed.empty()) {
      open_editor();
      keyboard.too_long = !append_fitting(keyboard.text, typed, max_len);
      return true;
    }
  }
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = field_width > 0 ? field_width : ImGui::GetContentRegionAvail().x;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const int lines = std::max(1, static_cast<int>((height - 2 * style.FramePadding.y) / line));
  const bool empty = value.empty();
  const std::string shown = wrapped(empty ? hint : value, width - 2 * style.FramePadding.x, lines);
  ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.f, 0.f));
  ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
  ImGui::PushStyleColor(ImGuiCol_Text, empty ? ImGui::ColorConvertU32ToFloat4(colour_muted())
                                             : ImGui::GetStyleColorVec4(ImGuiCol_Text));
  const bool tapped = button(id, shown, ImVec2(field_width > 0 ? field_width : -1, height));
  ImGui::PopStyleColor(3);
  ImGui::PopStyleVar();
  if (tapped) open_editor();
  return tapped;
}

// [SECTION] The editor.

void App::Impl::draw_keyboard() {
  KeyboardState& kb = keyboard;
  if (!kb.open || kb.target == nullptr) {
    kb = KeyboardState{};
    return;
  }
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();

  // What a key does.
  auto insert = [&](std::string_view piece) {
    if (piece.empty()) return;
    if (kb.text.size() + piece.size() > kb.max_len) {
      kb.too_long = true;
      return;
    }
    kb.too_long = false;
    kb.text += piece;
  };
  auto composition_changed = [&] {
    kb.candidate_first = 0;
    kb.candidate_pages.clear();
  };
  auto composing = [&] { return kb.ime && kb.ime->composing(); };
  auto flush = [&] {  // ends the composition, keeping what it holds
    if (composing()) insert(kb.ime->commit());
    composition_changed();
  };
  auto backspace = [&] {
    kb.too_long = false;
    if (composing()) {
      kb.ime->backspace();
      composition_changed();
    } else {
      kb.text = utf8_drop_last(kb.text);
    }
  };
  auto close = [&](bool keep) {
    if (keep) {
      flush();
      *kb.target = utf8_prefix(kb.text, kb.max_len);
    }
    std::unique_ptr<PinyinIme> ime = std::move(kb.ime);
    if (ime) ime->clear();
    kb = KeyboardState{};
    kb.ime = std::move(ime);
    dirty(3);
  };

  // librime, the first time the pinyin keys are shown.
  if (kb.layout == KeyLayout::Pinyin && !kb.ime && kb.ime_error.empty()) {
    auto made = PinyinIme::open();
    if (made) {
      kb.ime = std::move(made).value();
    } else {
      kb.ime_error = made.status().to_string();
    }
  }
  const bool pinyin = kb.layout == KeyLayout::Pinyin && kb.ime != nullptr;

  // A physical keyboard or a scanner: characters as they come (a system IME composes before
  // they reach us), Backspace, Enter for 完成 and Escape for 取消.
  bool physical_done = false, physical_cancel = false;
  if (!io.InputQueueCharacters.empty()) {
    flush();
    const std::string typed = take_typed();
    if (!typed.empty()) kb.too_long = !append_fitting(kb.text, typed, kb.max_len);
    dirty(2);
  }
  if (ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Backspace])) backspace(), dirty(2);
  if (ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Enter], false)) physical_done = true;
  if (ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Escape], false)) physical_cancel = true;

  // Geometry: everything from the window's size; keys scale to fit the width.
  const float min_target = elder() ? 60.f : 44.f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The widest row has 11 keys. In a narrow window the gaps between keys shrink, down to 2 px,
  // to keep the keys at the touch target: on a 720 px handheld in elder mode 11 keys of 60 px and
  // 10 px gaps are 760 px, wider than the window (with 2 px gaps the keys are 59 px there).
  const float sy = elder() ? 12.f : 10.f;
  const float sx =
      std::clamp(std::floor((avail.x - 11 * min_target) / 10), 2.f, elder() ? 10.f : 8.f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(sx, sy));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(8.f, style.FramePadding.y));
  const float unit = std::floor((avail.x - 10 * sx) / 11);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const int key_rows = pinyin ? 6 : 5;  // top bar, [candidates], 3 key rows, bottom row
  const float text_min = 2 * line + 2 * style.FramePadding.y;
  const float preedit_h = pinyin ? line : 0.f;
  const float fixed = preedit_h + text_min + (key_rows + 1) * sy;
  const float key_h =
      std::clamp(std::floor((avail.y - fixed) / key_rows), min_target, target_height());
  auto fits = [&](const std::string& label, float w) {
    return ImGui::CalcTextSize(label.c_str()).x + 16.f <= w;
  };
  auto label_width = [&](const char* key) {
    return std::max(min_target, ImGui::CalcTextSize(t(key)).x + 16.f + 24.f);
  };

  // Top bar: 取消 on the left, the field's hint, 完成 on the right.
  {
    const float w_cancel = std::max(label_width("kb.cancel"), 1.6f * unit);
    const float w_done = std::max(label_width("kb.done"), 2.f * unit);
    if (button("kb.cancel", t("kb.cancel"), ImVec2(w_cancel, key_h)) || physical_cancel) {
      close(false);
      ImGui::PopStyleVar(2);
      return;
    }
    ImGui::SameLine();
    const float hint_w = avail.x - w_cancel - w_done - 2 * sx;
    const float y = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(y + std::max(0.f, (key_h - line) / 2));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour_muted()));
    ImGui::TextUnformatted(wrapped(kb.hint, hint_w, 1).c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine(avail.x - w_done + style.WindowPadding.x);
    ImGui::SetCursorPosY(y);
    if (button("kb.done", t("kb.done"), ImVec2(w_done, key_h), ButtonKind::Primary) ||
        physical_done) {
      close(true);
      ImGui::PopStyleVar(2);
      return;
    }
  }

  // Where things go. The keys are drawn first, then the candidates and the text above them:
  // a key's effect shows in the frame that handled it (one frame from finger to candidates).
  const float y_text = ImGui::GetCursorPosY();
  const float below = (pinyin ? line + key_h + 2 * sy : 0.f) + 4 * key_h + 4 * sy;
  const float text_h = std::max(text_min, ImGui::GetWindowContentRegionMax().y - y_text - below);
  const float y_cand = y_text + text_h + sy;  // the pinyin line, then the candidate bar
  const float y_keys = pinyin ? y_cand + line + key_h + sy : y_cand;
  const float w_page =
      std::max({label_width("kb.page.prev"), label_width("kb.page.next"), 1.2f * unit});
  const float room = avail.x - 2 * (w_page + sx);

  // The candidates that fit the bar, from candidate_first; `consumed` counts those passed
  // (unrenderable ones included), `more` whether any come after.
  struct Candidate {
    int index;  // in librime's whole list
    std::string text;
    float w;
  };
  constexpr int kFetch = 24;
  auto lay_out = [&](int& consumed, bool& more) {
    std::vector<Candidate> out;
    consumed = 0;
    more = false;
    if (!pinyin || !composing()) return out;
    const std::vector<std::string> list = kb.ime->candidates_from(kb.candidate_first, kFetch);
    const ImFont* font = ImGui::GetFont();
    float x = 0;
    for (const std::string& c : list) {
      const float w = std::max({min_target, key_h, ImGui::CalcTextSize(c.c_str()).x + 40.f});
      if (x + (out.empty() ? 0.f : sx) + w > room) break;
      ++consumed;
      if (!renderable(font, c)) continue;  // it would show as "?"
      x += (out.empty() ? 0.f : sx) + w;
      out.push_back({kb.candidate_first + consumed - 1, c, w});
    }
    more = consumed < static_cast<int>(list.size()) || list.size() == kFetch;
    return out;
  };
  int consumed = 0;
  bool more = false;
  std::vector<Candidate> shown = lay_out(consumed, more);
  const int best = shown.empty() ? -1 : shown.front().index;  // space and punctuation pick it

  ImGui::SetCursorPosY(y_keys);
  // A frame inside the last button: what is on (the layout, capitals) is not shown by colour
  // alone.
  auto frame_item = [&] {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddRect(
        ImVec2(a.x + 3, a.y + 3), ImVec2(b.x - 3, b.y - 3),
        contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), 0.f, 0, 3.f);
  };

  // The keys.
  auto key = [&](const std::string& id, const std::string& label, float w) {
    return button("kb.key." + id, label, ImVec2(w, key_h), ButtonKind::Key);
  };
  auto letter = [&](char c) {
    if (pinyin && kb.layout == KeyLayout::Pinyin) {
      kb.too_long = false;
      kb.ime->type(c);
      composition_changed();
    } else {
      insert(std::string(1, kb.upper ? static_cast<char>(c - 'a' + 'A') : c));
    }
  };
  auto punctuation = [&](const char* text) {
    if (composing()) {  // the best candidate first, as an IME's punctuation does
      if (best >= 0) insert(kb.ime->pick_at(best));
      if (kb.ime->composing()) insert(kb.ime->commit());
      composition_changed();
    }
    insert(text);
  };
  auto backspace_key = [&](float w) {
    const std::string label = fits(t("kb.backspace"), w) ? t("kb.backspace") : "←";
    if (button("kb.backspace", label, ImVec2(w, key_h), ButtonKind::Key)) backspace();
  };
  auto letter_row = [&](std::string_view letters, float indent) {
    if (indent > 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
    for (std::size_t i = 0; i < letters.size(); ++i) {
      if (i > 0) ImGui::SameLine();
      const char c = letters[i];
      if (c == '\'') {
        if (key("apostrophe", "'", unit)) {
          if (pinyin && kb.layout == KeyLayout::Pinyin && composing()) {
            kb.ime->type('\'');
            composition_changed();
          } else {
            insert("'");
          }
        }
        continue;
      }
      const bool up = kb.upper && kb.layout == KeyLayout::Letters;
      if (key(std::string(1, c), std::string(1, up ? static_cast<char>(c - 'a' + 'A') : c), unit))
        letter(c);
    }
  };
  auto symbol_keys = [&](const Symbol* symbols, std::size_t n, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to && i < n; ++i) {
      if (i > from) ImGui::SameLine();
      if (key(symbols[i].id, symbols[i].text, unit)) punctuation(symbols[i].text);
    }
  };

  const float w_wide = avail.x - 10 * unit - 10 * sx;  // the last key of an 11-key row
  switch (kb.layout) {
    case KeyLayout::Pinyin:
    case KeyLayout::Letters: {
      letter_row("qwertyuiop", 0);
      ImGui::SameLine();
      backspace_key(w_wide);
      letter_row("asdfghjkl'", unit / 2);
      if (kb.layout == KeyLayout::Letters) {
        // Capitals on: shown by a frame, not by colour alone.
        const std::string shift = fits(t("kb.shift"), unit) ? t("kb.shift") : "Aa";
        if (button("kb.shift", shift, ImVec2(unit, key_h),
                   kb.upper ? ButtonKind::Selected : ButtonKind::Key))
          kb.upper = !kb.upper;
        if (kb.upper) frame_item();
        ImGui::SameLine();
        letter_row("zxcvbnm", 0);
        ImGui::SameLine();
        symbol_keys(kAsciiPunctuation, std::size(kAsciiPunctuation), 0, 3);
      } else {
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + unit / 2);
        letter_row("zxcvbnm", 0);
        ImGui::SameLine();
        symbol_keys(kChinesePunctuation, std::size(kChinesePunctuation), 0, 3);
      }
      break;
    }
    case KeyLayout::Symbols: {
      for (char d : std::string_view("1234567890")) {
        if (d != '1') ImGui::SameLine();
        if (key(std::string(1, d), std::string(1, d), unit)) insert(std::string(1, d));
      }
      ImGui::SameLine();
      backspace_key(w_wide);
      symbol_keys(kChinesePunctuation, std::size(kChinesePunctuation), 0, 10);
      symbol_keys(kAsciiPunctuation, std::size(kAsciiPunctuation), 0, 11);
      break;
    }
  }

  // Bottom row: the layouts (the one shown is framed, not only coloured), space and clear.
  {
    const float w_mode = std::max({1.5f * unit, label_width("kb.mode.pinyin")});
    const float w_clear = std::max(1.5f * unit, label_width("kb.clear"));
    const float w_space = avail.x - 3 * w_mode - w_clear - 4 * sx;
    auto mode = [&](const char* id, KeyLayout layout) {
      const bool on = kb.layout == layout;
      const bool tapped =
          button(id, t(id), ImVec2(w_mode, key_h), on ? ButtonKind::Selected : ButtonKind::Key);
      if (on) frame_item();
      if (tapped && !on) {
        flush();
        kb.layout = layout;
        kb.too_long = false;
      }
      ImGui::SameLine();
    };
    mode("kb.mode.pinyin", KeyLayout::Pinyin);
    mode("kb.mode.letters", KeyLayout::Letters);
    mode("kb.mode.symbols", KeyLayout::Symbols);
    if (button("kb.space", t("kb.space"), ImVec2(w_space, key_h), ButtonKind::Key)) {
      if (composing()) {
        if (best >= 0) insert(kb.ime->pick_at(best));
        composition_changed();
      } else {
        insert(" ");
      }
    }
    ImGui::SameLine();
    if (button("kb.clear", t("kb.clear"), ImVec2(w_clear, key_h), ButtonKind::Danger)) {
      if (kb.ime) kb.ime->clear();
      composition_changed();
      kb.text.clear();
      kb.too_long = false;
    }
  }

  // The pinyin being composed and its candidates, paged by what fits the width.
  if (pinyin) {
    ImGui::SetCursorPosY(y_cand);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour_muted()));
    ImGui::TextUnformatted(composing() ? kb.ime->preedit().c_str() : t("kb.pinyin_help"));
    ImGui::PopStyleColor();
    shown = lay_out(consumed, more);
    std::string picked;
    bool was_picked = false;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      if (i > 0) ImGui::SameLine();
      if (button("kb.cand." + std::to_string(i), shown[i].text, ImVec2(shown[i].w, key_h),
                 i == 0 ? ButtonKind::Selected : ButtonKind::Normal) &&
          !was_picked) {
        picked = kb.ime->pick_at(shown[i].index);
        was_picked = true;
      }
    }
    if (shown.empty()) ImGui::Dummy(ImVec2(room, key_h));
    ImGui::SameLine(avail.x - 2 * w_page - sx + style.WindowPadding.x);
    ImGui::BeginDisabled(kb.candidate_pages.empty());
    const bool prev = button("kb.page.prev", t("kb.page.prev"), ImVec2(w_page, key_h));
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!more);
    const bool next = button("kb.page.next", t("kb.page.next"), ImVec2(w_page, key_h));
    ImGui::EndDisabled();
    if (was_picked) {
      insert(picked);
      composition_changed();
    } else if (next && more) {
      kb.candidate_pages.push_back(kb.candidate_first);
      kb.candidate_first += consumed;
    } else if (prev && !kb.candidate_pages.empty()) {
      kb.candidate_first = kb.candidate_pages.back();
      kb.candidate_pages.pop_back();
    }
  }

  // The text so far, wrapped, in a box that takes the height the keys leave; the newest line
  // stays in view.
  ImGui::SetCursorPosY(y_text);
  ImGui::BeginChild("##kb_text", ImVec2(avail.x, text_h), true);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(kb.text.c_str());
  ImGui::SameLine(0, 0);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour_muted()));
  ImGui::TextUnformatted(composing() ? kb.ime->preedit().c_str() : "|");
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
  if (kb.too_long) error_line(t("kb.full"));
  if (!kb.ime_error.empty() && kb.layout == KeyLayout::Pinyin) error_line(t("kb.no_pinyin"));
  ImGui::SetScrollHereY(1.f);
  ImGui::EndChild();
  ImGui::PopStyleVar(2);
}

}  // namespace weimin::kiosk
