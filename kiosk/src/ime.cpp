// PinyinIme over librime's C API (rime_api.h). See ime.hpp.
#include "weimin/kiosk/ime.hpp"

#include <rime_api.h>

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace weimin::kiosk {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = "luna_pinyin_simp";

// X11 keysyms librime understands.
constexpr int kBackSpace = 0xff08;
constexpr int kPageUp = 0xff55;
constexpr int kPageDown = 0xff56;

// librime is set up once a process; a failure is remembered and returned to every open().
struct Runtime {
  bool tried = false;
  Status failure;
  fs::path user_data;
  bool finalizing = false;             // finalize_at_exit is registered
  std::string shared, user, prebuilt;  // kept alive for RimeTraits
};

Runtime& runtime() {
  static Runtime r;  // librime itself is process-wide; this mirrors it
  return r;
}

RimeApi* api() {
  return rime_get_api();
}

void finalize_at_exit() {
  Runtime& r = runtime();
  api()->finalize();
  std::error_code ec;
  fs::remove_all(r.user_data, ec);  // nothing of this process's typing stays behind
}

Status write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return {ErrorCode::Io, "could not write " + path.string() + " for pinyin input"};
  return {};
}

// The private folder's configuration: only luna_pinyin_simp in the schema list (deploying every
// schema of the shared folder takes seconds), the presets the schema imports (Debian's
// rime-prelude is not needed: the keyboard feeds letters only), and learning off.
Status write_user_config(const fs::path& dir, int page_size) {
  const std::string page = std::to_string(page_size);
  if (Status s = write_file(dir / "default.yaml",
                            "config_version: \"weimin.1\"\n"
                            "schema_list:\n"
                            "  - schema: luna_pinyin_simp\n"
                            "switcher:\n"
                            "  hotkeys: []\n"
                            "menu:\n"
                            "  page_size: " +
                                page +
                                "\n"
                                "punctuator:\n"
                                "  full_shape: {}\n"
                                "  half_shape: {}\n"
                                "key_binder:\n"
                                "  bindings: []\n"
                                "recognizer:\n"
                                "  patterns: {}\n");
      !s)
    return s;
  if (Status s = write_file(dir / "default.custom.yaml",
                            "patch:\n"
                            "  schema_list:\n"
                            "    - schema: luna_pinyin_simp\n"
                            "  menu/page_size: " +
                                page + "\n");
      !s)
    return s;
  if (Status s = write_file(dir / "symbols.yaml",
                            "config_version: \"weimin.1\"\n"
                            "punctuator:\n"
                            "  full_shape: {}\n"
                            "  half_shape: {}\n");
      !s)
    return s;
  // No user dictionary (nothing typed is learned or written), no custom phrases, no
  // reverse lookup by strokes.
  return write_file(dir / "luna_pinyin_simp.custom.yaml",
                    "patch:\n"
                    "  translator/enable_user_dict: false\n"
                    "  translator/enable_encoder: false\n"
                    "  translator/encode_commit_history: false\n"
                    "  engine/translators:\n"
                    "    - script_translator\n"
                    "  engine/processors:\n"
                    "    - speller\n"
                    "    - selector\n"
                    "    - navigator\n"
                    "    - express_editor\n"
                    "  schema/dependencies: []\n"
                    "  reverse_lookup: {}\n"
                    "  engine/segmentors:\n"
                    "    - abc_segmentor\n"
                    "    - fallback_segmentor\n");
}

Status set_up(Runtime& r, const ImeOptions& options) {
  fs::path shared = options.shared_data;
  std::string pattern = (fs::temp_directory_path() / "weimin-rime-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    return {ErrorCode::Io, "could not make a private folder for pinyin input under " +
                               fs::temp_directory_path().string()};
  r.user_data = pattern;
  if (Status s = write_user_config(r.user_data, options.page_size < 1   ? 1
                                                : options.page_size > 9 ? 9
                                                                        : options.page_size);
      !s)
    return s;
  // librime reads the schemas from a private "shared" folder that links to the distribution's
  // schema files but not to its dictionary sources: the tables prebuilt by Debian (with the
  // word frequencies of rime-essay, which is not installed) are then used as they are instead
  // of being recompiled, without frequencies, for seconds.
  const fs::path schemas = r.user_data / "shared";
  std::error_code ec;
  fs::create_directory(schemas, ec);
  for (const char* file :
       {"luna_pinyin_simp.schema.yaml", "luna_pinyin.schema.yaml", "pinyin.yaml"}) {
    if (!ec) fs::create_symlink(shared / file, schemas / file, ec);
  }
  if (ec)
    return {ErrorCode::Io,
            "could not prepare the pinyin schema in " + schemas.string() + ": " + ec.message()};
  r.prebuilt = (shared / "build").string();
  shared = schemas;
  r.shared = shared.string();
  r.user = r.user_data.string();
  RIME_STRUCT(RimeTraits, traits);
  traits.shared_data_dir = r.shared.c_str();
  traits.user_data_dir = r.user.c_str();
  traits.prebuilt_data_dir = r.prebuilt.c_str();
  traits.distribution_name = "Weimin";
  traits.distribution_code_name = "weimin";
  traits.distribution_version = "1";
  traits.app_name = "rime.weimin";
  traits.min_log_level = 3;         // FATAL only: librime logs to files otherwise
  traits.log_dir = r.user.c_str();  // and if it does, into the private folder
  api()->setup(&traits);
  api()->initialize(&traits);
  // Registered after librime made its own statics, so that it runs before they are destroyed.
  std::atexit(finalize_at_exit);
  r.finalizing = true;
  if (!api()->start_maintenance(True))
    return {ErrorCode::Internal, "librime did not start deploying the pinyin schema"};
  api()->join_maintenance_thread();
  return {};
}

// The distribution's files librime needs: the schemas and the tables Debian prebuilt.
Status check_shared_data(const fs::path& shared) {
  for (const char* needed :
       {"luna_pinyin_simp.schema.yaml", "luna_pinyin.schema.yaml", "pinyin.yaml",
        "build/luna_pinyin.table.bin", "build/luna_pinyin_simp.prism.bin"}) {
    if (!fs::exists(shared / needed))
      return {ErrorCode::Unavailable,
              "pinyin input needs the Debian package rime-data-luna-pinyin (" +
                  (shared / needed).string() + " is missing): run scripts/setup as root"};
  }
  return {};
}

}  // namespace

struct PinyinIme::View {
  bool composing = false;
  std::string preedit;
  std::vector<std::string> candidates;
  int page = 0;
  bool last_page = true;
};

Result<std::unique_ptr<PinyinIme>> PinyinIme::open(const ImeOptions& options) {
  if (Status s = check_shared_data(options.shared_data); !s) return s;
  Runtime& r = runtime();
  if (!r.tried) {
    r.tried = true;
    r.failure = set_up(r, options);
    if (!r.failure && !r.finalizing) {  // nothing set up to clean at exit
      std::error_code ec;
      if (!r.user_data.empty()) fs::remove_all(r.user_data, ec);
    }
  }
  if (!r.failure) return r.failure;
  const RimeSessionId session = api()->create_session();
  if (session == 0) return Status{ErrorCode::Internal, "librime could not open a pinyin session"};
  if (!api()->select_schema(session, kSchema)) {
    api()->destroy_session(session);
    return Status{ErrorCode::Unavailable,
                  "the pinyin schema luna_pinyin_simp did not deploy; check that the Debian "
                  "packages librime1 and rime-data-luna-pinyin are installed (scripts/setup)"};
  }
  RIME_STRUCT(RimeStatus, status);
  const bool ok = api()->get_status(session, &status) && status.schema_id != nullptr &&
                  std::string(status.schema_id) == kSchema;
  if (status.schema_id != nullptr) api()->free_status(&status);
  if (!ok) {
    api()->destroy_session(session);
    return Status{ErrorCode::Unavailable,
                  "the pinyin schema luna_pinyin_simp did not load; check that the Debian "
                  "package rime-data-luna-pinyin is installed (scripts/setup)"};
  }
  api()->set_option(session, "zh_simp", True);
  api()->set_option(session, "ascii_mode", False);
  return std::unique_ptr<PinyinIme>(new PinyinIme(session));
}

fs::path PinyinIme::user_data_folder() {
  return runtime().user_data;
}

PinyinIme::PinyinIme(std::uintptr_t session) : session_(session), view_(std::make_unique<View>()) {}

PinyinIme::~PinyinIme() {
  if (session_ != 0) api()->destroy_session(session_);
}

bool PinyinIme::press(int keycode) {
  const bool taken = api()->process_key(session_, keycode, 0);
  refresh();
  return taken;
}

std::string PinyinIme::take_commit() {
  std::string text;
  RIME_STRUCT(RimeCommit, commit);
  if (api()->get_commit(session_, &commit)) {
    if (commit.text != nullptr) text = commit.text;
    api()->free_commit(&commit);
  }
  return text;
}

bool PinyinIme::type(char letter) {
  if (letter >= 'A' && letter <= 'Z') letter = static_cast<char>(letter - 'A' + 'a');
  const bool is_letter = letter >= 'a' && letter <= 'z';
  if (!is_letter && !(letter == '\'' && composing())) return false;
  const bool taken = press(static_cast<unsigned char>(letter));
  (void)take_commit();  // letters never commit; drop anything stray
  return taken;
}

void PinyinIme::backspace() {
  if (composing()) press(kBackSpace);
}

std::string PinyinIme::pick(int index) {
  if (index < 0 || index >= static_cast<int>(view_->candidates.size())) return {};
  api()->select_candidate_on_current_page(session_, static_cast<std::size_t>(index));
  std::string text = take_commit();
  refresh();
  return text;
}

std::vector<std::string> PinyinIme::candidates_from(int first, int count) const {
  std::vector<std::string> list;
  if (!composing() || first < 0 || count <= 0) return list;
  RimeCandidateListIterator it{};
  if (!api()->candidate_list_from_index(session_, &it, first)) return list;
  while (static_cast<int>(list.size()) < count && api()->candidate_list_next(&it)) {
    if (it.candidate.text != nullptr) list.emplace_back(it.candidate.text);
  }
  api()->candidate_list_end(&it);
  return list;
}

std::string PinyinIme::pick_at(int index) {
  if (index < 0 || !composing()) return {};
  if (!api()->select_candidate(session_, static_cast<std::size_t>(index))) return {};
  std::string text = take_commit();
  refresh();
  return text;
}

bool PinyinIme::page_down() {
  if (!composing() || view_->last_page) return false;
  press(kPageDown);
  return true;
}

bool PinyinIme::page_up() {
  if (!composing() || view_->page == 0) return false;
  press(kPageUp);
  return true;
}

std::string PinyinIme::commit() {
  if (!composing()) return {};
  // The syllables already chosen, as characters, then the letters not yet chosen (the preedit
  // shows them spaced by syllable).
  std::string text;
  RIME_STRUCT(RimeContext, context);
  if (api()->get_context(session_, &context)) {
    const RimeComposition& c = context.composition;
    if (c.preedit != nullptr) {
      const std::string preedit = c.preedit;
      const auto chosen = static_cast<std::size_t>(c.sel_start > 0 ? c.sel_start : 0);
      text = preedit.substr(0, chosen);
      for (std::size_t i = chosen; i < preedit.size(); ++i)
        if (preedit[i] != ' ') text += preedit[i];
    }
    api()->free_context(&context);
  }
  clear();
  return text;
}

void PinyinIme::clear() {
  api()->clear_composition(session_);
  (void)take_commit();
  refresh();
}

bool PinyinIme::composing() const {
  return view_->composing;
}
std::string PinyinIme::preedit() const {
  return view_->preedit;
}
std::vector<std::string> PinyinIme::candidates() const {
  return view_->candidates;
}
int PinyinIme::page() const {
  return view_->page;
}
bool PinyinIme::last_page() const {
  return view_->last_page;
}

void PinyinIme::refresh() {
  View v;
  RIME_STRUCT(RimeContext, context);
  if (api()->get_context(session_, &context)) {
    if (context.composition.preedit != nullptr) v.preedit = context.composition.preedit;
    v.composing = context.composition.length > 0;
    v.page = context.menu.page_no;
    v.last_page = context.menu.is_last_page != 0;
    for (int i = 0; i < context.menu.num_candidates; ++i)
      if (context.menu.candidates[i].text != nullptr)
        v.candidates.emplace_back(context.menu.candidates[i].text);
    api()->free_context(&context);
  }
  *view_ = std::move(v);
}

}  // namespace weimin::kiosk
