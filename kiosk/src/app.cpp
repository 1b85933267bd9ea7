// The App: window, event loop, fonts, themes, the status bar and the idle countdown.
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "impl.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/core/mask.hpp"
#include "weimin/kiosk/png.hpp"
#include "weimin/platform/card_reader.hpp"
#include "weimin/station/queue.hpp"

namespace weimin::kiosk {
namespace {

// Where Debian's fonts-wqy-microhei puts its face, and where other systems may.
constexpr const char* kFontCandidates[] = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
};

constexpr float kStandardLineSpacing = 1.3f;  // the issue of residents: ≥ 1.3 in both modes
constexpr float kElderLineSpacing = 1.35f;    // DESIGN.md: elder mode ≥ 1.3

void add_text(ImFontGlyphRangesBuilder& b, const core::Text& t) {
  b.AddText(t.zh.c_str());
  b.AddText(t.en.c_str());
}

ImVec4 rgb(int r, int g, int b, float a = 1.f) {
  return ImVec4(r / 255.f, g / 255.f, b / 255.f, a);
}

// SDL's software renderer draws triangles pixel by pixel, which at 1920×1080 costs hundreds of
// milliseconds for a screen of large buttons, while its rectangle fill and its unscaled copy
// are fast span loops. So the axis-aligned rectangles ImGui emits — solid ones (frames,
// backgrounds: the atlas's white pixel in one colour) and textured ones (glyphs) — are drawn
// here with SDL_RenderFillRect / SDL_RenderCopy, in their order, and taken out of the
// command's indices; what is left of the draw list (borders, rounded shapes) then goes to the
// unmodified backend. One draw list (one window) at a time, so windows still stack in order.
void draw_rects_first(SDL_Renderer* renderer, ImDrawList* list, ImVec2 off) {
  const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
  for (auto& cmd : list->CmdBuffer) {
    if (cmd.UserCallback || cmd.ElemCount < 6) continue;
    ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
    const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
    SDL_Texture* texture = static_cast<SDL_Texture*>(cmd.GetTexID());
    int tw = 1, th = 1;
    if (texture) SDL_QueryTexture(texture, nullptr, nullptr, &tw, &th);
    const float cx0 = cmd.ClipRect.x - off.x, cy0 = cmd.ClipRect.y - off.y;
    const float cx1 = cmd.ClipRect.z - off.x, cy1 = cmd.ClipRect.w - off.y;
    unsigned out = 0;
    unsigned i = 0;
    while (i < cmd.ElemCount) {
      if (i + 6 <= cmd.ElemCount && idx[i + 3] == idx[i] && idx[i + 4] == idx[i + 2] &&
          idx[i + 1] == idx[i] + 1 && idx[i + 2] == idx[i] + 2 && idx[i + 5] == idx[i] + 3) {
        const ImDrawVert& a = vtx[idx[i]];
        const ImDrawVert& b = vtx[idx[i] + 1];
        const ImDrawVert& c = vtx[idx[i] + 2];
        const ImDrawVert& d = vtx[idx[i] + 3];
        const bool one_colour = a.col == b.col && a.col == c.col && a.col == d.col;
        const bool axis = a.pos.y == b.pos.y && b.pos.x == c.pos.x && c.pos.y == d.pos.y &&
                          d.pos.x == a.pos.x && a.pos.x < b.pos.x && a.pos.y < d.pos.y;
        const bool solid = a.uv.x == white.x && a.uv.y == white.y && c.uv.x == white.x &&
                           c.uv.y == white.y && b.uv.x == white.x && d.uv.y == white.y;
        const bool uv_rect = b.uv.x == c.uv.x && b.uv.y == a.uv.y && d.uv.x == a.uv.x &&
                             d.uv.y == c.uv.y && a.uv.x < c.uv.x && a.uv.y < c.uv.y;
        if (one_colour && axis && (solid || (uv_rect && texture))) {
          const float ax = a.pos.x - off.x, ay = a.pos.y - off.y;
          const float w = c.pos.x - a.pos.x, h = c.pos.y - a.pos.y;
          const float x0 = std::max(ax, cx0), y0 = std::max(ay, cy0);
          const float x1 = std::min(ax + w, cx1), y1 = std::min(ay + h, cy1);
          const ImU32 col = a.col;
          const Uint8 r = static_cast<Uint8>(col >> IM_COL32_R_SHIFT);
          const Uint8 g = static_cast<Uint8>(col >> IM_COL32_G_SHIFT);
          const Uint8 bl = static_cast<Uint8>(col >> IM_COL32_B_SHIFT);
          const Uint8 alpha = static_cast<Uint8>(col >> IM_COL32_A_SHIFT);
          if (x1 > x0 && y1 > y0 && alpha > 0) {
            const SDL_FRect dst{x0, y0, x1 - x0, y1 - y0};
            if (solid) {
              SDL_SetRenderDrawBlendMode(renderer,
                                         alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
              SDL_SetRenderDrawColor(renderer, r, g, bl, alpha);
              SDL_RenderFillRectF(renderer, &dst);
            } else {
              // The part of the texture rectangle that survives the clip.
              const float du = (c.uv.x - a.uv.x) / w, dv = (c.uv.y - a.uv.y) / h;
              const float u0 = a.uv.x + (x0 - ax) * du, v0 = a.uv.y + (y0 - ay) * dv;
              const float u1 = a.uv.x + (x1 - ax) * du, v1 = a.uv.y + (y1 - ay) * dv;
              const SDL_Rect src{static_cast<int>(std::lround(u0 * tw)),
                                 static_cast<int>(std::lround(v0 * th)),
                                 std::max(1, static_cast<int>(std::lround((u1 - u0) * tw))),
                                 std::max(1, static_cast<int>(std::lround((v1 - v0) * th)))};
              SDL_SetTextureColorMod(texture, r, g, bl);
              SDL_SetTextureAlphaMod(texture, alpha);
              SDL_RenderCopyF(renderer, texture, &src, &dst);
            }
          }
          i += 6;
          continue;
        }
      }
      const unsigned n = std::min(3u, cmd.ElemCount - i);
      for (unsigned k = 0; k < n; ++k) idx[out++] = idx[i + k];
      i += n;
    }
    cmd.ElemCount = out;
    if (texture) {
      SDL_SetTextureColorMod(texture, 255, 255, 255);
      SDL_SetTextureAlphaMod(texture, 255);
    }
  }
  SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_NONE);
}

// Draws the frame window by window: rectangles first (above), the rest through the backend.
void render(SDL_Renderer* renderer, ImDrawData* data) {
  for (int l = 0; l < data->CmdListsCount; ++l) {
    draw_rects_first(renderer, data->CmdLists[l], data->DisplayPos);
    ImDrawData one = *data;
    one.CmdLists = &data->CmdLists[l];
    one.CmdListsCount = 1;
    one.TotalIdxCount = data->CmdLists[l]->IdxBuffer.Size;
    one.TotalVtxCount = data->CmdLists[l]->VtxBuffer.Size;
    ImGui_ImplSDLRenderer_RenderDrawData(&one);
  }
}

}  // namespace

App::Impl::~Impl() {
  if (backend_started) ImGui_ImplSDLRenderer_Shutdown();
  if (imgui) ImGui::DestroyContext(imgui);
  if (renderer) SDL_DestroyRenderer(renderer);
  if (window) SDL_DestroyWindow(window);
  if (sdl_started) SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

Status App::Impl::start() {
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    return Status(ErrorCode::Unavailable,
                  std::string("cannot start SDL video: ") + SDL_GetError() +
                      "; without a display set SDL_VIDEODRIVER=offscreen (or dummy)");
  }
  sdl_started = true;
  const char* driver = SDL_GetCurrentVideoDriver();
  headless =
      driver && (std::string_view(driver) == "offscreen" || std::string_view(driver) == "dummy");
  // The window's framebuffer in plain memory: otherwise SDL may present the software
  // renderer's pixels through an OpenGL texture (Mesa's llvmpipe with no GPU), which costs more
  // than drawing them. SDL's Wayland driver (cage) has no framebuffer of its own: there the
  // texture is the only way, and with this hint the renderer cannot be made at all.
  if (!driver || std::string_view(driver) != "wayland")
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
  if (options.hidden) flags |= SDL_WINDOW_HIDDEN;
  if (options.board_on_second_display) {
    // Spanning the displays (split.hpp): cage maximizes it over all of them (under cage 0.1.4
    // with two 1280×720 outputs SDL's window is 2560×720); away from cage, fullscreen would
    // cover one display only.
    flags |= SDL_WINDOW_RESIZABLE | SDL_WINDOW_BORDERLESS;
  } else if (options.fullscreen) {
    flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  }
  const char* title = options.mode == Mode::Board ? "为民 · 叫号屏" : "为民 · 社区为民服务站";
  window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, options.width,
                            options.height, flags);
  if (!window) {
    return Status(ErrorCode::Unavailable,
                  std::string("cannot open the kiosk window: ") + SDL_GetError());
  }
  // The software renderer: the same pixels everywhere (tests, tour, benchmark, the kiosk PC).
  renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
  if (!renderer) {
    return Status(ErrorCode::Unavailable,
                  std::string("cannot make the software renderer: ") + SDL_GetError());
  }
  IMGUI_CHECKVERSION();
  imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing of a session is written to disk
  io.LogFilename = nullptr;
  io.MouseDragThreshold = 12.f;  // a finger wobbles
  io.KeyMap[ImGuiKey_Backspace] = SDL_SCANCODE_BACKSPACE;
  io.KeyMap[ImGuiKey_Delete] = SDL_SCANCODE_DELETE;
  io.KeyMap[ImGuiKey_Enter] = SDL_SCANCODE_RETURN;
  io.KeyMap[ImGuiKey_LeftArrow] = SDL_SCANCODE_LEFT;
  io.KeyMap[ImGuiKey_RightArrow] = SDL_SCANCODE_RIGHT;
  io.KeyMap[ImGuiKey_Home] = SDL_SCANCODE_HOME;
  io.KeyMap[ImGuiKey_End] = SDL_SCANCODE_END;
  io.KeyMap[ImGuiKey_Escape] = SDL_SCANCODE_ESCAPE;
  io.KeyMap[ImGuiKey_Tab] = SDL_SCANCODE_TAB;
  WEIMIN_TRY(load_fonts());
  if (!ImGui_ImplSDLRenderer_Init(renderer)) {
    return Status(ErrorCode::Unavailable, "cannot start ImGui's SDL_Renderer backend");
  }
  backend_started = true;
  staff.window = options.staff_window;
  last_input_ms = clock.now_ms();
  return Status::ok();
}

Status App::Impl::load_fonts() {
  std::vector<std::string> candidates;
  if (!options.font_path.empty()) candidates.push_back(options.font_path);
  if (const char* env = std::getenv("WEIMIN_CJK_FONT")) candidates.emplace_back(env);
  if (candidates.empty()) {
    for (const char* c : kFontCandidates) candidates.emplace_back(c);
  }
  std::string found;
  for (const auto& c : candidates) {
    std::ifstream in(c, std::ios::binary);
    if (!in) continue;
    font_data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!font_data.empty()) {
      found = c;
      break;
    }
  }
  if (found.empty()) {
    std::string tried;
    for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c;
    return Status(ErrorCode::Unavailable,
                  "no Chinese font found (looked for " + tried +
                      "); install the Debian package fonts-wqy-microhei (sudo apt-get install "
                      "fonts-wqy-microhei) or pass --font FILE");
  }
  // Glyphs: every UI string, the catalog's text, and the common simplified set.
  ImFontGlyphRangesBuilder builder;
  ImGuiIO& io = ImGui::GetIO();
  builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  builder.AddText(keyboard_glyphs());  // what pinyin offers beyond the common set
  builder.AddText("0123456789 ——…·•“”‘’，。、；：？！（）《》【】℃→←✓√×★⚠▼▲☐☑");
  for (const auto& e : string_table()) {
    builder.AddText(e.zh);
    builder.AddText(e.en);
  }
  const core::Catalog& cat = station.catalog();
  add_text(builder, cat.district.name);
  for (const auto& x : cat.street_offices) add_text(builder, x.name);
  for (const auto& x : cat.communities) add_text(builder, x.name);
  for (const auto& x : cat.lines) add_text(builder, x.name);
  for (const auto& x : cat.windows_for(station.community())) add_text(builder, x.name);
  for (const auto& x : cat.service_items) {
    add_text(builder, x.name);
    add_text(builder, x.who_may_apply);
    add_text(builder, x.description);
    for (const auto& b : x.what_to_bring) add_text(builder, b);
  }
  for (const auto& x : cat.certificates) {
    add_text(builder, x.name);
    add_text(builder, x.note);
  }
  for (const auto& x : cat.work_list) add_text(builder, x.name);
  for (const auto& x : cat.excluded_work) add_text(builder, x.name);
  for (const auto& x : cat.whistle_sources) add_text(builder, x.name);
  for (const auto& x : cat.departments) add_text(builder, x.name);
  for (const auto& x : cat.slot_templates) add_text(builder, x.name);
  for (const auto* x : cat.places_for(station.community())) add_text(builder, x->name);
  for (const auto& x : cat.phrases) add_text(builder, x.text);
  for (const auto& x : cat.priority_reasons) add_text(builder, x.name);
  builder.BuildRanges(&ranges);
  return bake(false);
}

Status App::Impl::bake(bool with_elder) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // font_data outlives the atlas
  cfg.OversampleH = 1;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  const int size = static_cast<int>(font_data.size());
  auto add = [&](float px, const ImWchar* glyphs, float spacing) {
    ImFontConfig c = cfg;
    c.GlyphOffset.y = std::floor(px * (spacing - 1.f) / 2.f);
    return io.Fonts->AddFontFromMemoryTTF(font_data.data(), size, px, &c, glyphs);
  };
  static const ImWchar kLatin[] = {0x0020, 0x007E, 0};
  body_standard = add(26.f, ranges.Data, kStandardLineSpacing);
  big = add(120.f, kLatin, 1.f);
  body_elder = with_elder ? add(36.f, ranges.Data, kElderLineSpacing) : nullptr;
  if (!body_standard || !big || !io.Fonts->Build()) {
    return Status(ErrorCode::Unavailable, "cannot bake the kiosk's font atlas");
  }
  // Line spacing: the line advances by FontSize while glyphs keep their baked size.
  body_standard->FontSize = std::round(26.f * kStandardLineSpacing);
  if (body_elder) body_elder->FontSize = std::round(36.f * kElderLineSpacing);
  if (backend_started) ImGui_ImplSDLRenderer_DestroyFontsTexture();  // remade at NewFrame
  styled.reset();
  return Status::ok();
}

void App::Impl::apply_style() {
  if (styled && *styled == resident.prefs) return;
  if (elder() && !body_elder) (void)bake(true);
  ImGuiStyle st;
  if (contrast()) {
    ImGui::StyleColorsDark(&st);
  } else {
    ImGui::StyleColorsLight(&st);
  }
  const float px = font_px();
  st.WindowPadding = ImVec2(24, 16);
  st.FramePadding = ImVec2(16, elder() ? 14 : 10);
  st.ItemSpacing = ImVec2(16, elder() ? 18 : 12);
  st.ItemInnerSpacing = ImVec2(12, 8);
  st.ScrollbarSize = elder() ? 36 : 26;
  st.GrabMinSize = 40;
  // Square corners: rectangles are what the software renderer fills fast.
  st.FrameRounding = 0;
  st.ChildRounding = 0;
  st.ScrollbarRounding = 0;
  st.GrabRounding = 0;
  st.WindowRounding = 0;
  st.WindowBorderSize = 0;
  st.ChildBorderSize = contrast() ? 2 : 1;
  st.FrameBorderSize = contrast() ? 2 : 1;  // text fields must show on a white panel
  st.TouchExtraPadding = ImVec2(4, 4);
  (void)px;
  auto& c = st.Colors;
  if (contrast()) {
    // White and yellow on black: ≥ 15:1 for text, ≥ 10:1 for the yellow controls.
    c[ImGuiCol_WindowBg] = rgb(0, 0, 0);
    c[ImGuiCol_ChildBg] = rgb(0, 0, 0);
    c[ImGuiCol_PopupBg] = rgb(0, 0, 0);
    c[ImGuiCol_Text] = rgb(255, 255, 255);
    c[ImGuiCol_TextDisabled] = rgb(230, 230, 230);
    c[ImGuiCol_Border] = rgb(255, 255, 255);
    c[ImGuiCol_FrameBg] = rgb(0, 0, 0);
    c[ImGuiCol_Button] = rgb(255, 214, 0);
    c[ImGuiCol_ButtonHovered] = rgb(255, 235, 110);
    c[ImGuiCol_ButtonActive] = rgb(255, 255, 255);
    c[ImGuiCol_ScrollbarBg] = rgb(0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = rgb(255, 214, 0);
    c[ImGuiCol_CheckMark] = rgb(255, 214, 0);
  } else {
    c[ImGuiCol_WindowBg] = rgb(246, 244, 240);
    c[ImGuiCol_ChildBg] = rgb(255, 255, 255);
    c[ImGuiCol_Text] = rgb(26, 26, 26);
    c[ImGuiCol_TextDisabled] = rgb(90, 90, 90);
    c[ImGuiCol_Border] = rgb(210, 205, 198);
    c[ImGuiCol_FrameBg] = rgb(250, 250, 246);
    c[ImGuiCol_Border] = rgb(140, 140, 140);
    c[ImGuiCol_Button] = rgb(232, 236, 242);
    c[ImGuiCol_ButtonHovered] = rgb(214, 224, 238);
    c[ImGuiCol_ButtonActive] = rgb(190, 206, 230);
    c[ImGuiCol_ScrollbarBg] = rgb(240, 238, 234);
    c[ImGuiCol_ScrollbarGrab] = rgb(170, 170, 170);
  }
  ImGui::GetStyle() = st;
  ImGui::GetIO().FontDefault = elder() && body_elder ? body_elder : body_standard;
  styled = resident.prefs;
}

std::string App::Impl::priority_words(core::Priority priority) const {
  if (const auto* words = station.catalog().priority_reason(core::to_string(priority))) {
    return lang() == Lang::En && !words->name.en.empty() ? words->name.en : words->name.zh;
  }
  switch (priority) {
    case core::Priority::Elderly:
      return t("take.prio_elderly");
    case core::Priority::Disability:
      return t("take.prio_disability");
    case core::Priority::Pregnancy:
      return t("take.prio_pregnancy");
    case core::Priority::AppointmentCheckIn:
      return t("take.prio_appointment");
    case core::Priority::None:
      break;
  }
  return t("take.priority_none");
}

ImU32 App::Impl::colour_text() const {
  return ImGui::GetColorU32(ImGuiCol_Text);
}
ImU32 App::Impl::colour_muted() const {
  return contrast() ? IM_COL32(255, 255, 255, 255) : IM_COL32(85, 85, 85, 255);
}
ImU32 App::Impl::colour_error() const {
  return contrast() ? IM_COL32(255, 214, 0, 255) : IM_COL32(176, 20, 20, 255);
}

void App::Impl::error_line(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, colour_error());
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

bool App::Impl::button(const std::string& id, const std::string& label, ImVec2 size,
                       ButtonKind kind) {
  ImVec4 bg, fg;
  bool custom = true;
  if (contrast()) {
    switch (kind) {
      case ButtonKind::Selected:
        bg = rgb(255, 255, 255);
        fg = rgb(0, 0, 0);
        break;
      case ButtonKind::Danger:
        bg = rgb(255, 140, 140);
        fg = rgb(0, 0, 0);
        break;
      default:
        bg = rgb(255, 214, 0);
        fg = rgb(0, 0, 0);
        break;
    }
  } else {
    switch (kind) {
      case ButtonKind::Primary:
        bg = rgb(22, 93, 175);
        fg = rgb(255, 255, 255);
        break;
      case ButtonKind::Tile:
        bg = rgb(180, 32, 32);
        fg = rgb(255, 255, 255);
        break;
      case ButtonKind::Selected:
        bg = rgb(22, 93, 175);
        fg = rgb(255, 255, 255);
        break;
      case ButtonKind::Danger:
        bg = rgb(176, 20, 20);
        fg = rgb(255, 255, 255);
        break;
      case ButtonKind::Key:
        bg = rgb(232, 236, 242);
        fg = rgb(20, 20, 20);
        break;
      default:
        custom = false;
        break;
    }
  }
  // Touch targets: at least 60 px in elder mode, 44 px otherwise (we use more).
  const float min_h = min_target();
  if (size.y > 0 && size.y < min_h) size.y = min_h;
  if (size.x > 0 && size.x < min_h) size.x = min_h;
  // A label too wide for its button breaks onto a second line (and the layout test says so
  // when even that does not fit).
  const float width = size.x > 0   ? size.x
                      : size.x < 0 ? ImGui::GetContentRegionAvail().x + size.x + 1
                                   : 0;
  std::string shown = kind == ButtonKind::Selected ? "✓ " + label : label;
  const float room = width - 2 * ImGui::GetStyle().FramePadding.x;
  if (width > 0 && shown != label && ImGui::CalcTextSize(shown.c_str()).x > room &&
      ImGui::CalcTextSize(label.c_str()).x <= room) {
    shown = label;  // a small key: its thick border alone says it is chosen
  }
  if (width > 0) shown = fit_label(shown, room);
  if (size.y > 0 && shown.find('\n') != std::string::npos) {
    // Two lines need the room of two lines.
    size.y = std::max(size.y,
                      ImGui::CalcTextSize(shown.c_str()).y + 2 * ImGui::GetStyle().FramePadding.y);
  }
  if (custom) {
    ImGui::PushStyleColor(ImGuiCol_Button, bg);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, bg);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive,
                          ImVec4(bg.x * 0.85f, bg.y * 0.85f, bg.z * 0.85f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, fg);
  }
  ImGui::PushID(id.c_str());
  const bool pressed = ImGui::Button(shown.c_str(), size);
  ImGui::PopID();
  if (custom) ImGui::PopStyleColor(4);
  const ImVec2 a = ImGui::GetItemRectMin();
  const ImVec2 b = ImGui::GetItemRectMax();
  if (kind == ButtonKind::Selected) {
    // Chosen is never colour alone: a check mark and a thick inner border too.
    const float k = elder() ? 5.f : 4.f;
    ImGui::GetWindowDrawList()->AddRect(
        ImVec2(a.x + k / 2, a.y + k / 2), ImVec2(b.x - k / 2, b.y - k / 2),
        contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 214, 0, 255), 0.f, 0, k);
  }
  record(id, label, shown, Rect{a.x, a.y, b.x - a.x, b.y - a.y}, kind);
  const ImGuiIO& io = ImGui::GetIO();
  const float drag = io.MouseDragThreshold;
  if (pressed && io.MouseDragMaxDistanceSqr[0] > drag * drag) return false;  // a scroll, not a tap
  if (pressed) dirty(3);
  return pressed;
}

void App::Impl::big_text(const std::string& text, ImU32 colour) {
  ImGui::PushFont(big);
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, (avail - w) / 2));
  if (colour) ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextUnformatted(text.c_str());
  if (colour) ImGui::PopStyleColor();
  ImGui::PopFont();
}

void App::Impl::keypad(const std::string& id, std::string& field, std::string_view keys,
                       std::size_t max_len, int columns, float key_width) {
  const float h = elder() ? 84.f : 64.f;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float pad = 2 * ImGui::GetStyle().FramePadding.x;
  int col = 0;
  for (char k : keys) {
    std::string label = k == '<'   ? t("common.delete")
                        : k == '*' ? t("common.clear")
                                   : std::string(1, k);
    // Delete and clear take two keys' room when their word needs it.
    const int span = ImGui::CalcTextSize(label.c_str()).x > key_width - pad ? 2 : 1;
    if (col > 0 && col + span > columns) col = 0;
    if (col > 0) ImGui::SameLine();
    const float width = key_width * static_cast<float>(span) + gap * static_cast<float>(span - 1);
    std::string key_id = id + "." +
                         (k == '<'   ? std::string("del")
                          : k == '*' ? std::string("clr")
                                     : std::string(1, k));
    if (button(key_id, label, ImVec2(width, h), ButtonKind::Key)) {
      keypad_press(field, k, keys, max_len);
    }
    col += span;
    if (col >= columns) col = 0;
  }
}

void App::Impl::record(const std::string& id, const std::string& label, const std::string& shown,
                       Rect rect, ButtonKind kind) {
  hits[id] = rect;
  labels[id] = label;
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c0 = dl->GetClipRectMin(), c1 = dl->GetClipRectMax();
  Rect visible;
  visible.x = std::max(rect.x, c0.x);
  visible.y = std::max(rect.y, c0.y);
  visible.w = std::max(0.f, std::min(rect.x + rect.w, c1.x) - visible.x);
  visible.h = std::max(0.f, std::min(rect.y + rect.h, c1.y) - visible.y);
  const ImVec2 text = ImGui::CalcTextSize(shown.c_str());
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  ControlInfo info;
  info.id = id;
  info.rect = rect;
  info.visible = visible;
  info.region = region_stack.empty() ? -1 : region_stack.back();
  info.label = shown;
  // ImGui clips a label to the frame less its padding; allow half the padding.
  info.label_fits = text.x <= rect.w - pad.x && text.y <= rect.h - pad.y / 2;
  info.primary = kind == ButtonKind::Primary;
  controls.push_back(std::move(info));
}

std::string App::Impl::fit_label(const std::string& label, float width) const {
  if (label.find('\n') != std::string::npos || ImGui::CalcTextSize(label.c_str()).x <= width)
    return label;
  // Where a line may break: at a space, or before a CJK character.
  std::vector<std::size_t> breaks;
  for (std::size_t i = 1; i < label.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(label[i]);
    if (label[i] == ' ' || (c >= 0xE3 && c <= 0xE9)) breaks.push_back(i);
  }
  auto width_of = [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; };
  auto trim = [](std::string s) {
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  };
  // Two lines as even as they can be when that fits; else fill lines greedily.
  std::string best;
  float best_w = width_of(label);
  for (std::size_t at : breaks) {
    const std::string a = trim(label.substr(0, at)), b = trim(label.substr(at));
    const float w = std::max(width_of(a), width_of(b));
    if (w < best_w) {
      best_w = w;
      best = a + "\n" + b;
    }
  }
  if (best_w <= width) return best;
  std::string out, line;
  std::size_t from = 0;
  breaks.push_back(label.size());
  for (std::size_t at : breaks) {
    const std::string piece = label.substr(from, at - from);
    if (!line.empty() && width_of(trim(line + piece)) > width) {
      out += (out.empty() ? "" : "\n") + trim(line);
      line.clear();
    }
    line += piece;
    from = at;
  }
  out += (out.empty() ? "" : "\n") + trim(line);
  return out;
}

void App::Impl::begin_scroll(const char* id, ImVec2 size, bool border) {
  ImGui::BeginChild(id, size, border);
  const ImVec2 a = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  regions.push_back(ScrollRegion{Rect{a.x, a.y, s.x, s.y}, false});
  region_stack.push_back(static_cast<int>(regions.size()) - 1);
}

void App::Impl::end_scroll() {
  // Drag to scroll: a finger moving on the list moves the list.
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem |
                             ImGuiHoveredFlags_ChildWindows) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left) && io.MouseDelta.y != 0) {
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    dirty(2);
  }
  const float max = ImGui::GetScrollMaxY();
  if (!region_stack.empty()) {
    regions[static_cast<std::size_t>(region_stack.back())].scrolls = max > 0;
    region_stack.pop_back();
  }
  if (max > 0) {
    // It scrolls: besides the scrollbar, a shadow and an arrow at the edge that hides more.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
    const float bar = ImGui::GetStyle().ScrollbarSize;
    const ImU32 ink = contrast() ? IM_COL32(255, 214, 0, 255) : IM_COL32(22, 93, 175, 255);
    const float fs = ImGui::GetFontSize();
    if (ImGui::GetScrollY() < max - 1) {
      const ImVec2 at(a.x + s.x - bar - fs * 1.6f, a.y + s.y - fs * 1.2f);
      dl->AddRectFilled(ImVec2(a.x, a.y + s.y - 6), ImVec2(a.x + s.x - bar, a.y + s.y), ink);
      dl->AddText(at, ink, "▼");
    }
    if (ImGui::GetScrollY() > 1) {
      dl->AddRectFilled(ImVec2(a.x, a.y), ImVec2(a.x + s.x - bar, a.y + 6), ink);
    }
  }
  ImGui::EndChild();
}

void App::Impl::action(std::string id, std::string label, std::function<void()> tap,
                       ButtonKind kind, bool enabled) {
  actions.push_back(Action{std::move(id), std::move(label), kind, std::move(tap), enabled});
}

void App::Impl::grid(int n, int columns, float min_w, float h,
                     const std::function<void(int, ImVec2)>& draw) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float avail = ImGui::GetContentRegionAvail().x;
  const int fit = min_w > 0 ? static_cast<int>((avail + gap) / (min_w + gap)) : columns;
  const int cols = std::max(1, std::min(columns, fit));
  const float w = (avail - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  for (int i = 0; i < n; ++i) {
    if (i % cols) ImGui::SameLine();
    draw(i, ImVec2(w, h));
  }
}

bool App::Impl::checkbox(const std::string& id, const std::string& label, bool& value) {
  const float h = target_height();
  const float box = elder() ? 48.f : 36.f;
  // The words after room for the box; the box drawn over the button's left.
  const std::string padded = std::string(static_cast<std::size_t>(box / 8 + 2), ' ') + label;
  ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.f, 0.5f));
  const bool tapped = button(id, padded, ImVec2(-1, h), ButtonKind::Normal);
  ImGui::PopStyleVar();
  labels[id] = (value ? "☑ " : "☐ ") + label;
  const ImVec2 a = ImGui::GetItemRectMin();
  const float y = a.y + (h - box) / 2, x = a.x + ImGui::GetStyle().FramePadding.x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(26, 26, 26, 255);
  dl->AddRectFilled(ImVec2(x, y), ImVec2(x + box, y + box), IM_COL32(255, 255, 255, 255));
  dl->AddRect(ImVec2(x, y), ImVec2(x + box, y + box), ink, 0.f, 0, 3.f);
  if (value) {
    const float k = box;
    dl->AddLine(ImVec2(x + k * 0.2f, y + k * 0.52f), ImVec2(x + k * 0.42f, y + k * 0.75f), ink,
                k * 0.12f);
    dl->AddLine(ImVec2(x + k * 0.42f, y + k * 0.75f), ImVec2(x + k * 0.82f, y + k * 0.25f), ink,
                k * 0.12f);
  }
  if (tapped) value = !value;
  return tapped;
}

void App::Impl::draw_action_bar() {
  const float h = target_height();
  float need = actions.empty() ? 0.f : h + ImGui::GetStyle().ItemSpacing.y;
  if (!action_error.empty()) {
    need +=
        ImGui::CalcTextSize(action_error.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x)
            .y +
        ImGui::GetStyle().ItemSpacing.y;
  }
  if (need != action_bar_h) {
    action_bar_h = need;  // the content gave it the wrong room: lay out again
    dirty(2);
  }
  error_line(action_error);
  action_error.clear();
  if (actions.empty()) return;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w =
      (ImGui::GetContentRegionAvail().x - gap * static_cast<float>(actions.size() - 1)) /
      static_cast<float>(actions.size());
  std::vector<Action> now;
  now.swap(actions);
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::BeginDisabled(!now[i].enabled);
    const bool tapped = button(now[i].id, now[i].label, ImVec2(w, h), now[i].kind);
    ImGui::EndDisabled();
    if (tapped && now[i].enabled && now[i].tap) now[i].tap();
  }
}

std::vector<App::Impl::FooterItem> App::Impl::footer_items(bool with_back) const {
  std::vector<FooterItem> items;
  if (with_back) {
    items.push_back({"nav.back", t("common.back"), false});
    items.push_back({"nav.home", t("common.home"), false});
  } else {
    items.push_back({"home.staff", t("home.staff"), false});
  }
  // The four switches, one tap from every resident screen.
  items.push_back({"toggle.lang", t("toggle.lang"), true});
  items.push_back({"toggle.elder", t("toggle.elder"), true});
  items.push_back({"toggle.contrast", t("toggle.contrast"), true});
  items.push_back({"toggle.voice", t("toggle.voice"), true});
  return items;
}

float App::Impl::item_width(const std::string& label, bool can_be_chosen) const {
  // Room for the check mark a chosen one shows, so choosing never breaks the label.
  const std::string shown = can_be_chosen ? "✓ " + label : label;
  return std::max(min_target() * 2.f, ImGui::CalcTextSize(shown.c_str()).x +
                                          2 * ImGui::GetStyle().FramePadding.x + 4.f);
}

int App::Impl::footer_rows(bool with_back) const {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  float total = 0;
  for (const auto& item : footer_items(with_back))
    total += item_width(item.label, item.is_switch) + gap;
  return total + 2 * gap <= kiosk_area().w - 2 * ImGui::GetStyle().WindowPadding.x ? 1 : 2;
}

float App::Impl::footer_height(bool with_back) const {
  return static_cast<float>(footer_rows(with_back)) *
             (target_height() + ImGui::GetStyle().ItemSpacing.y) +
         4;
}

void App::Impl::footer(const std::function<void()>& back) {
  const float h = target_height();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const auto items = footer_items(static_cast<bool>(back));
  const bool two_rows = footer_rows(static_cast<bool>(back)) == 2;
  const float avail = ImGui::GetContentRegionAvail().x;
  // One row: navigation on the left, the switches on the right. Two rows (a narrow screen):
  // navigation above, the switches below sharing the width.
  float switches_w = 0;
  int switches = 0;
  for (const auto& item : items) {
    if (!item.is_switch) continue;
    switches_w += item_width(item.label, true) + gap;
    ++switches;
  }
  bool first_switch = true;
  for (const auto& item : items) {
    float w = item_width(item.label, item.is_switch);
    if (item.is_switch) {
      if (two_rows) {
        w = (avail - gap * static_cast<float>(switches - 1)) / static_cast<float>(switches);
        if (!first_switch) ImGui::SameLine();
      } else {
        ImGui::SameLine(first_switch ? ImGui::GetWindowContentRegionMax().x - switches_w + gap : 0);
      }
      first_switch = false;
    } else if (&item != &items.front()) {
      ImGui::SameLine();
    }
    const bool on = (item.id == "toggle.elder" && elder()) ||
                    (item.id == "toggle.contrast" && contrast()) ||
                    (item.id == "toggle.voice" && voice_on());
    if (!button(item.id, item.label, ImVec2(w, h), on ? ButtonKind::Selected : ButtonKind::Normal))
      continue;
    if (item.id == "nav.back") {
      back();
    } else if (item.id == "nav.home") {
      resident.screen = Screen::Home;
    } else if (item.id == "home.staff") {
      resident.screen = Screen::StaffSignIn;
    } else if (item.id == "toggle.lang") {
      resident.prefs.lang = lang() == Lang::Zh ? Lang::En : Lang::Zh;
    } else if (item.id == "toggle.elder") {
      resident.prefs.elder = !resident.prefs.elder;
      resident.prefs.voice = resident.prefs.elder;  // elder mode speaks unless switched off
    } else if (item.id == "toggle.contrast") {
      resident.prefs.high_contrast = !resident.prefs.high_contrast;
    } else if (item.id == "toggle.voice") {
      resident.prefs.voice = !resident.prefs.voice;
    }
  }
}

bool App::Impl::refresh_status(bool force) {
  const std::int64_t now = clock.now_ms();
  // Every 10 s; every second while a sync runs, so its progress moves on the bar.
  const std::int64_t every = status.syncing ? 1'000 : 10'000;
  if (!force && status_read_ms >= 0 && now - status_read_ms < every) return false;
  status_read_ms = now;
  station::SyncStatus next;
  if (sync) {
    next = sync->status();
  } else {
    auto read = station::read_sync_status(station);
    if (!read.is_ok()) return false;
    next = std::move(read).value();
  }
  const bool changed = next.link != status.link || next.pending != status.pending ||
                       next.last_ok_ms != status.last_ok_ms || next.syncing != status.syncing ||
                       next.last_error != status.last_error || next.server != status.server ||
                       next.clock_off != status.clock_off ||
                       next.clock_offset_ms != status.clock_offset_ms ||
                       next.left_out != status.left_out ||
                       (next.progress ? next.progress->percent() : -1) !=
                           (status.progress ? status.progress->percent() : -1);
  status = std::move(next);
  return changed;
}

std::string App::Impl::clock_flag(std::int64_t offset_ms) const {
  // offset_ms is the district's clock minus ours: negative when ours is fast.
  const bool fast = offset_ms < 0;
  const std::int64_t off = offset_ms < 0 ? -offset_ms : offset_ms;
  if (off >= 24 * 3600'000LL - 1800'000LL) {  // rounded to whole days from 23.5 h
    return tf(fast ? "status.clock_ahead_d" : "status.clock_behind_d",
              {std::to_string((off + 12 * 3600'000LL) / (24 * 3600'000LL))});
  }
  if (off >= 3600'000LL - 30'000) {
    return tf(fast ? "status.clock_ahead_h" : "status.clock_behind_h",
              {std::to_string((off + 1800'000LL) / 3600'000LL)});
  }
  return tf(fast ? "status.clock_ahead_min" : "status.clock_behind_min",
            {std::to_string((off + 30'000) / 60'000)});
}

void App::Impl::draw_status_bar() {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetWindowPos();
  const float w = ImGui::GetWindowWidth();
  const float h = ImGui::GetFontSize() + 24;
  const ImU32 bar = contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(168, 24, 24, 255);
  const ImU32 ink = contrast() ? IM_COL32(255, 255, 255, 255) : IM_COL32(255, 255, 255, 255);
  // Full width: the window's own draw list is clipped inside its padding.
  dl->PushClipRect(origin, ImVec2(origin.x + w, origin.y + h), false);
  dl->AddRectFilled(origin, ImVec2(origin.x + w, origin.y + h), bar);
  dl->PopClipRect();
  if (contrast())
    dl->AddLine(ImVec2(origin.x, origin.y + h - 1), ImVec2(origin.x + w, origin.y + h - 1), ink, 2);
  const float y = origin.y + 12;
  const core::Community* community = station.catalog().community_by_code(station.community());

  // Network, facts waiting, last good sync, and the time, from the right.
  const char* link = "status.unknown";
  switch (status.link) {
    case station::LinkState::Up:
      link = "status.up";
      break;
    case station::LinkState::Down:
      link = "status.down";
      break;
    case station::LinkState::NotEnrolled:
      link = "status.not_enrolled";
      break;
    case station::LinkState::Unknown:
      break;
  }
  std::string last =
      status.last_ok_ms
          ? tf("status.last_sync", {core::local_date_time(*status.last_ok_ms).substr(5, 11)})
          : std::string(t("status.never"));
  // A running sync's push shows how far it is (a month offline is 300 pages).
  const std::string state =
      status.syncing && status.progress
          ? tf("status.syncing_pct", {std::to_string(status.progress->percent())})
          : std::string(status.syncing ? t("status.syncing") : t(link));
  labels["status.sync"] = state;
  const float fs = ImGui::GetFontSize();
  // What staff must act on, as flags left of the status, dark on amber: a clock more than 5
  // minutes off the district's, and facts the district left out until this kiosk is upgraded.
  std::vector<std::pair<const char*, std::string>> flags;
  if (status.clock_off && status.clock_offset_ms)
    flags.emplace_back("status.clock", clock_flag(*status.clock_offset_ms));
  if (status.left_out > 0)
    flags.emplace_back("status.upgrade", tf("status.upgrade", {std::to_string(status.left_out)}));
  float flags_w = 0;
  for (const auto& f : flags) flags_w += ImGui::CalcTextSize(f.second.c_str()).x + 16 + fs * 0.5f;
  const std::string pending = tf("status.pending", {std::to_string(status.pending)});
  // Flags come before the last sync's time and then the count waiting (a large font on a narrow
  // screen has no room for all); one that still does not fit is left out of the bar (`weimin
  // sync status` says both).
  std::string right;
  for (const std::string& candidate :
       {state + "   " + pending + "   " + last + "   " + shown_minute,
        state + "   " + pending + "   " + shown_minute, state + "   " + shown_minute}) {
    right = candidate;
    if (ImGui::CalcTextSize(right.c_str()).x + flags_w <= w - 48 - fs * 1.5f) break;
  }
  const float rw = ImGui::CalcTextSize(right.c_str()).x;
  float flag_w = 0;
  for (const auto& [id, flag] : flags) {
    const float fw = ImGui::CalcTextSize(flag.c_str()).x + 16;
    const float x = origin.x + w - 24 - rw - fs * 1.5f - flag_w - fw;
    if (x < origin.x + 24) break;
    labels[id] = flag;
    // Square corners: a plain rectangle is drawn in order with the text (draw_rects_first),
    // where a rounded one would be drawn after it, over the words.
    dl->AddRectFilled(ImVec2(x, origin.y + 6), ImVec2(x + fw, origin.y + h - 6),
                      IM_COL32(255, 200, 0, 255));
    dl->AddText(ImVec2(x + 8, y), IM_COL32(0, 0, 0, 255), flag.c_str());
    flag_w += fw + fs * 0.5f;
  }
  const ImU32 dot = status.link == station::LinkState::Up     ? IM_COL32(60, 200, 90, 255)
                    : status.link == station::LinkState::Down ? IM_COL32(255, 200, 0, 255)
                                                              : IM_COL32(200, 200, 200, 255);
  dl->AddCircleFilled(ImVec2(origin.x + w - 24 - rw - fs * 0.6f, y + fs * 0.5f), fs * 0.3f, dot);
  dl->AddText(ImVec2(origin.x + w - 24 - rw, y), ink, right.c_str());
  // The title on the left, as much of it as fits beside the status.
  std::string title = t("app.title");
  if (community)
    title += "  " + (lang() == Lang::Zh || community->name.en.empty() ? community->name.zh
                                                                      : community->name.en);
  const float room = w - 48 - rw - fs * 1.5f - flag_w;
  if (ImGui::CalcTextSize(title.c_str()).x > room) title = t("app.title");
  if (ImGui::CalcTextSize(title.c_str()).x <= room)
    dl->AddText(ImVec2(origin.x + 24, y), ink, title.c_str());
  ImGui::SetCursorPosY(h + 12);
}

void App::Impl::draw_idle_overlay(int seconds_left, bool staff_mode) {
  const Rect area = kiosk_area();
  const ImVec2 size(area.w, area.h);
  ImGui::SetNextWindowPos(ImVec2(area.x, area.y));
  ImGui::SetNextWindowSize(size);
  ImGui::SetNextWindowFocus();
  ImGui::PushStyleColor(ImGuiCol_WindowBg,
                        contrast() ? ImVec4(0, 0, 0, 0.92f) : ImVec4(0.1f, 0.1f, 0.1f, 0.6f));
  ImGui::Begin(
      "##idle", nullptr,
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PopStyleColor();
  const float pw = std::min(size.x - 80, 900.f),
              ph = std::min(size.y - 80, elder() ? 560.f : 460.f);
  ImGui::SetCursorPos(ImVec2((size.x - pw) / 2, (size.y - ph) / 2));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, contrast() ? ImVec4(0, 0, 0, 1) : ImVec4(1, 1, 1, 1));
  ImGui::BeginChild("##idle_panel", ImVec2(pw, ph), true);
  ImGui::Spacing();
  ImGui::TextUnformatted(t("idle.title"));
  ImGui::Spacing();
  big_text(std::to_string(seconds_left), colour_error());
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(
      tf(staff_mode ? "idle.staff_text" : "idle.text", {std::to_string(seconds_left)}).c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (button("idle.continue", t("idle.continue"), ImVec2(-1, elder() ? 110 : 96),
             ButtonKind::Primary)) {
    last_input_ms = clock.now_ms();
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::End();
}

std::pair<std::int64_t, std::int64_t> App::Impl::idle_limits(bool staff_mode) const {
  if (staff_mode) {
    // Staff are signed out staff_idle_timeout_s after their last touch; the last minute warns.
    const std::int64_t total = std::max(120, options.staff_idle_timeout_s) * 1000LL;
    return {total - kStaffWarningMs, kStaffWarningMs};
  }
  return {static_cast<std::int64_t>(options.idle_timeout_s) * 1000 * (elder() ? 2 : 1),
          std::max(20, options.idle_countdown_s) * 1000LL};
}

bool App::Impl::busy() const {
  const ResidentState fresh;
  const auto& r = resident;
  // Every field a resident types is on a screen other than home.
  return r.screen != Screen::Home || !(r.prefs == fresh.prefs);
}

void App::Impl::draw() {
  const Rect area = kiosk_area();
  ImGui::SetNextWindowPos(ImVec2(area.x, area.y));
  ImGui::SetNextWindowSize(ImVec2(area.w, area.h));
  ImGui::Begin("##main", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  hits.clear();
  labels.clear();
  controls.clear();
  regions.clear();
  region_stack.clear();
  actions.clear();
  action_error.clear();
  if (options.mode == Mode::Board) {
    draw_board(area);
  } else if (keyboard.open) {
    draw_keyboard();
  } else {
    draw_status_bar();
    if (options.handheld) {
      draw_handheld();
    } else if (staff.session) {
      draw_staff();
    } else if (resident.screen == Screen::StaffSignIn) {
      draw_staff_sign_in();
    } else {
      draw_resident();
    }
  }
  ImGui::End();
  draw_split_board();  // the board on the second display, when there is one

  // The idle countdown: a resident part-way through something, or staff signed in.
  countdown_showing = false;
  if (options.mode == Mode::Kiosk) {
    const bool staff_mode = staff.session.has_value() || handheld.staff.session.has_value();
    const bool active = staff_mode || busy();
    const auto [timeout, countdown] = idle_limits(staff_mode);
    const std::int64_t idle = clock.now_ms() - last_input_ms;
    if (active && idle >= timeout) {
      const std::int64_t left = timeout + countdown - idle;
      if (left <= 0) {
        if (staff.session) staff_sign_out(station, staff);
        if (handheld.staff.session) handheld_sign_out(station, handheld);
        keyboard = KeyboardState{};
        resident = ResidentState{};  // every field of the resident, wholesale
        last_input_ms = clock.now_ms();
        dirty(2);
      } else {
        countdown_showing = true;
        draw_idle_overlay(static_cast<int>((left + 999) / 1000), staff_mode);
      }
    }
  }
  voice_frame();
}

}  // namespace weimin::kiosk

namespace weimin::kiosk {

// [SECTION] The App's public face.

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::create(station::Station& station, const platform::Clock& clock,
                                         Devices devices, station::SyncControl* sync,
                                         AppOptions options) {
  auto impl = std::make_unique<Impl>(station, clock, devices, sync, std::move(options));
  WEIMIN_TRY(impl->start());
  return std::unique_ptr<App>(new App(std::move(impl)));
}

ResidentState& App::resident() {
  return impl_->resident;
}
StaffState& App::staff() {
  return impl_->staff;
}
HandheldState& App::handheld() {
  return impl_->handheld;
}
bool App::countdown_showing() const {
  return impl_->countdown_showing;
}
std::int64_t App::frames_drawn() const {
  return impl_->frames_drawn;
}

void App::handle(const SDL_Event& event) {
  Impl& m = *impl_;
  ImGuiIO& io = ImGui::GetIO();
  if (m.split_ignores(event)) return;  // on the board's display
  bool input = true;
  switch (event.type) {
    case SDL_QUIT:
      m.quit = true;
      break;
    case SDL_MOUSEMOTION:
      m.mouse = ImVec2(static_cast<float>(event.motion.x), static_cast<float>(event.motion.y));
      // A touch screen has no hover: a move without a finger down is not a touch (and must not
      // end the idle countdown before the press that continues it).
      if (!m.held) {
        input = false;
        m.dirty(1);
      }
      break;
    case SDL_MOUSEBUTTONDOWN:
      if (event.button.button == SDL_BUTTON_LEFT) {
        m.mouse = ImVec2(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
        // A touch on the idle countdown only continues: it must not reach the screen under it
        // (the countdown is gone by the time the finger lifts).
        if (m.countdown_showing) {
          m.swallow_touch = true;
          break;
        }
        m.held = true;
        m.pressed_latch = true;
      }
      break;
    case SDL_MOUSEBUTTONUP:
      if (event.button.button == SDL_BUTTON_LEFT) {
        m.mouse = ImVec2(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
        m.held = false;
        m.swallow_touch = false;
      }
      break;
    case SDL_MOUSEWHEEL:
      m.wheel += static_cast<float>(event.wheel.y);
      break;
    case SDL_TEXTINPUT:
      io.AddInputCharactersUTF8(event.text.text);
      break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: {
      const int sc = event.key.keysym.scancode;
      if (sc < 0 || sc >= IM_ARRAYSIZE(io.KeysDown)) break;
      if (event.type == SDL_KEYDOWN) {
        io.KeysDown[sc] = true;
        m.keys_pressed.insert(sc);
      } else if (m.keys_pressed.count(sc)) {
        // Released before a frame saw it down (a scanner's Enter): the next frame sees the
        // press, the one after the release.
        m.keys_released.insert(sc);
      } else {
        io.KeysDown[sc] = false;
      }
      break;
    }
    case SDL_WINDOWEVENT:
    case SDL_DISPLAYEVENT:
      input = false;
      m.dirty(2);
      break;
    // Touch comes as SDL's synthesized mouse events; fingers themselves are not read twice.
    default:
      input = false;
      break;
  }
  if (input) {
    m.last_input_ms = m.clock.now_ms();
    m.dirty(3);
  }
}

bool App::frame(bool force, const std::filesystem::path* png) {
  Impl& m = *impl_;
  const std::int64_t now = m.clock.now_ms();
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(m.renderer, &w, &h);
  m.update_split(w, h);
  // Ticks: the status bar's data, the minute shown, the board, the countdown.
  bool due = force || m.frames_pending > 0;
  if (m.options.mode == Mode::Board) {
    if (m.refresh_board(false)) due = true;
  } else {
    if (m.refresh_status(false)) due = true;
    if (m.poll_card()) due = true;
    if (m.refresh_split_board(false)) due = true;
  }
  if (now >= m.redraw_at_ms) due = true;
  if (!due) return false;
  m.shown_minute = core::local_date_time(now).substr(11, 5);
  if (m.frames_pending > 0) --m.frames_pending;

  // Elder mode is for residents: staff work in the standard theme.
  if (m.staff.session && m.resident.prefs.elder) {
    m.resident.prefs.elder = false;
    m.resident.prefs.voice = false;
  }
  m.apply_style();  // may re-bake the atlas: before NewFrame
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
  io.DeltaTime = m.last_frame_ms > 0 && now > m.last_frame_ms
                     ? static_cast<float>(now - m.last_frame_ms) / 1000.f
                     : 1.f / 60.f;
  m.last_frame_ms = now;
  io.MousePos = m.mouse;
  io.MouseDown[0] = m.held || m.pressed_latch;
  m.pressed_latch = false;
  io.MouseWheel = m.wheel;
  m.wheel = 0;

  ImGui_ImplSDLRenderer_NewFrame();
  ImGui::NewFrame();
  m.draw();
  ImGui::Render();
  // Keys pressed before this frame have been seen down; those already released go up now.
  for (int sc : m.keys_released) io.KeysDown[sc] = false;
  if (!m.keys_released.empty()) m.dirty(1);
  m.keys_released.clear();
  m.keys_pressed.clear();
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  SDL_SetRenderDrawColor(m.renderer, static_cast<Uint8>(bg.x * 255), static_cast<Uint8>(bg.y * 255),
                         static_cast<Uint8>(bg.z * 255), 255);
  SDL_RenderClear(m.renderer);
  render(m.renderer, ImGui::GetDrawData());
  if (png) {
    Image image;
    image.width = w;
    image.height = h;
    image.rgba.resize(static_cast<std::size_t>(w) * h * 4);
    // Read before presenting: after SDL_RenderPresent the back buffer is undefined.
    if (SDL_RenderReadPixels(m.renderer, nullptr, SDL_PIXELFORMAT_ABGR8888, image.rgba.data(),
                             w * 4) == 0) {
      (void)write_png(*png, image);
    }
  }
  SDL_RenderPresent(m.renderer);
  ++m.frames_drawn;
  m.redraw_at_ms = m.next_redraw_at(m.clock.now_ms());
  return true;
}

int App::pump(int max) {
  SDL_Event e;
  while (SDL_PollEvent(&e)) handle(e);
  int drawn = 0;
  while (drawn < max && impl_->frames_pending > 0) {
    if (frame()) ++drawn;
  }
  return drawn;
}

int App::next_tick_ms() const {
  const Impl& m = *impl_;
  if (m.frames_pending > 0) return 0;
  const std::int64_t now = m.clock.now_ms();
  const std::int64_t poll = m.options.mode == Mode::Board ? 2'000 : 10'000;
  const std::int64_t data_at =
      (m.options.mode == Mode::Board ? m.board.read_ms : m.status_read_ms) + poll;
  std::int64_t at = std::min(m.redraw_at_ms, data_at);
  if (m.wants_card()) at = std::min(at, m.card_polled_ms + Impl::kCardPollMs);
  if (m.split) at = std::min(at, m.board.read_ms + BoardState::kReadEveryMs);
  return static_cast<int>(std::clamp<std::int64_t>(at - now, 0, 60'000));
}

std::int64_t App::Impl::next_redraw_at(std::int64_t now) const {
  std::int64_t at = now + (60'000 - now % 60'000);  // the minute shown
  if (options.mode != Mode::Kiosk) return at;
  const bool staff_mode = staff.session.has_value();
  if (!staff_mode && !busy()) return at;
  const std::int64_t timeout = idle_limits(staff_mode).first;
  const std::int64_t idle = now - last_input_ms;
  if (idle < timeout) return std::min(at, last_input_ms + timeout);
  // Counting down: once a second, on the second.
  return std::min(at, now + 1000 - (idle - timeout) % 1000);
}

void App::run(int for_ms) {
  Impl& m = *impl_;
  const Uint64 end = SDL_GetTicks64() + static_cast<Uint64>(std::max(0, for_ms));
  while (!m.quit) {
    int wait = next_tick_ms();
    if (for_ms >= 0) {
      const Uint64 now = SDL_GetTicks64();
      if (now >= end) break;
      wait = std::min<int>(wait, static_cast<int>(end - now));
    }
    SDL_Event e;
    if (wait > 0 && m.headless) {
      // The offscreen and dummy drivers cannot sleep in SDL_WaitEventTimeout (SDL polls every
      // millisecond there); their only events are pushed ones, so a plain sleep does.
      SDL_Delay(static_cast<Uint32>(std::min(wait, 50)));
      wait = 0;
    }
    if (wait > 0 ? SDL_WaitEventTimeout(&e, wait) : SDL_PollEvent(&e)) {
      handle(e);
      while (SDL_PollEvent(&e)) handle(e);
    }
    frame();
  }
}

bool App::Impl::wants_card() const {
  // Only the walk-in form at the case desk asks for an identity number.
  return devices.card_reader && options.mode == Mode::Kiosk && staff.session &&
         resident.screen == Screen::CaseDesk && staff.cases.recording;
}

bool App::Impl::poll_card(bool force) {
  if (!wants_card()) {
    card_polled_ms = -1;  // the next screen that asks polls at once
    return false;
  }
  const std::int64_t now = clock.now_ms();
  if (!force && card_polled_ms >= 0 && now - card_polled_ms < kCardPollMs) return false;
  card_polled_ms = now;
  auto& desk = staff.cases;
  auto read = devices.card_reader->poll(core::local_date(now));
  if (!read.is_ok()) {
    // Nothing typed is touched: the number, the note and the choices stay as they were.
    const bool device = read.status().code() == ErrorCode::Unavailable;
    std::string line = std::string(device ? t("card.gone") : t("card.garbage")) + "（" +
                       core::mask_personal_numbers_in_text(read.status().message()) + "）";
    if (line == desk.card_error) return false;
    desk.card_error = std::move(line);
    desk.card_error_is_device = device;
    return true;
  }
  if (!read->has_value()) {
    if (desk.card_error.empty() || !desk.card_error_is_device) return false;
    desk.card_error.clear();  // the reader answers again
    desk.card_error_is_device = false;
    return true;
  }
  desk.id_number = (*read)->identity.number;
  desk.card_name = (*read)->name;
  desk.card_error.clear();
  desk.card_error_is_device = false;
  desk.id_keypad = false;
  return true;
}

void App::refresh_status_now() {
  (void)impl_->refresh_status(true);
}

std::optional<std::string> App::label(std::string_view id) const {
  auto it = impl_->labels.find(id);
  if (it == impl_->labels.end()) return std::nullopt;
  return it->second;
}

bool App::poll_card_now() {
  const bool changed = impl_->poll_card(true);
  if (changed) impl_->dirty(2);
  return changed;
}

const std::vector<ControlInfo>& App::controls() const {
  return impl_->controls;
}

std::vector<RegionInfo> App::regions() const {
  std::vector<RegionInfo> out;
  for (const auto& r : impl_->regions) out.push_back(RegionInfo{r.rect, r.scrolls});
  return out;
}

float App::min_target() const {
  return impl_->min_target();
}

std::optional<Rect> App::target(std::string_view id) const {
  auto it = impl_->hits.find(id);
  if (it == impl_->hits.end()) return std::nullopt;
  return it->second;
}

namespace {

// Pushes one synthetic mouse event at (x, y): a move (with the button held or not), a press or a
// release of the left button.
enum class Touch { Move, MoveHeld, Down, Up };
void push_touch(Touch what, float x, float y) {
  SDL_Event e{};
  if (what == Touch::Move || what == Touch::MoveHeld) {
    e.type = SDL_MOUSEMOTION;
    e.motion.x = static_cast<Sint32>(x);
    e.motion.y = static_cast<Sint32>(y);
    e.motion.state = what == Touch::MoveHeld ? SDL_BUTTON_LMASK : 0;
  } else {
    e.type = what == Touch::Down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = what == Touch::Down ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = static_cast<Sint32>(x);
    e.button.y = static_cast<Sint32>(y);
  }
  SDL_PushEvent(&e);
}

}  // namespace

void App::drag(float x, float y, float dy) {
  push_touch(Touch::Move, x, y);
  pump();
  push_touch(Touch::Down, x, y);
  pump(1);
  constexpr int kSteps = 6;
  for (int i = 1; i <= kSteps; ++i) {
    push_touch(Touch::MoveHeld, x, y + dy * static_cast<float>(i) / kSteps);
    pump(1);
  }
  push_touch(Touch::Up, x, y + dy);
  pump();
}

bool App::tap(std::string_view id) {
  pump();
  // A control scrolled out of sight is dragged into it first, as a finger would.
  for (int tries = 0; tries < 30; ++tries) {
    const ControlInfo* c = nullptr;
    for (const auto& info : impl_->controls) {
      if (info.id == id) c = &info;
    }
    if (!c || c->region < 0 || c->region >= static_cast<int>(impl_->regions.size())) break;
    if (c->visible.w >= c->rect.w - 1 && c->visible.h >= c->rect.h - 1) break;
    const Rect r = impl_->regions[static_cast<std::size_t>(c->region)].rect;
    const float want = (c->rect.y + c->rect.h / 2) - (r.y + r.h / 2);
    const float room = r.h / 2 - 8;
    const float dy = std::clamp(want, -room, room);
    if (std::abs(dy) < 1) break;
    drag(r.x + 12, r.y + r.h / 2, -dy);
  }
  auto where = target(id);
  if (!where) return false;
  // Whole pixels, as a touch screen reports them.
  const float x = std::floor(where->cx()), y = std::floor(where->cy());
  push_touch(Touch::Move, x, y);
  pump();
  push_touch(Touch::Down, x, y);
  pump(1);
  push_touch(Touch::Up, x, y);
  pump();
  return true;
}

bool App::type_on_keypad(std::string_view pad, std::string_view keys) {
  for (char k : keys) {
    std::string id = std::string(pad) + "." + (k == '<' ? std::string("del") : std::string(1, k));
    if (!tap(id)) return false;
  }
  return true;
}

void App::reset_resident() {
  impl_->keyboard = KeyboardState{};
  impl_->resident = ResidentState{};
  impl_->dirty(2);
}

void App::show(Screen screen) {
  impl_->resident.screen = screen;
  impl_->dirty(2);
}

void App::touch() {
  impl_->last_input_ms = impl_->clock.now_ms();
}

}  // namespace weimin::kiosk
