// Voice calling: the text of a call (pinyin with tone digits, digits spelled one by one), real
// speech rendered by espeak-ng (length and loudness measured here, not silence), rate and
// volume settings, the WAV file, and the announcer's queue on its own thread.
#include <doctest/doctest.h>

#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "temp_dir.hpp"
#include "weimin/platform/announcer.hpp"

namespace fs = std::filesystem;
using namespace weimin;
using namespace weimin::platform;
using weimin::test::TempDir;

namespace {

double rms(const Speech& s, std::size_t from, std::size_t count) {
  double sum = 0;
  const std::size_t end = std::min(s.samples.size(), from + count);
  for (std::size_t i = from; i < end; ++i) sum += double(s.samples[i]) * s.samples[i];
  return end > from ? std::sqrt(sum / double(end - from)) : 0.0;
}

// Share of 20 ms windows that are clearly not silence.
double voiced_share(const Speech& s) {
  const std::size_t window = static_cast<std::size_t>(s.sample_rate / 50);
  std::size_t voiced = 0, total = 0;
  for (std::size_t i = 0; i + window <= s.samples.size(); i += window, ++total) {
    if (rms(s, i, window) > 300) ++voiced;
  }
  return total ? double(voiced) / double(total) : 0.0;
}

// Records what the announcer hands over, and can be told to fail.
class RecordingPlayer final : public SpeechPlayer {
 public:
  Status play(const Speech& speech) override {
    std::lock_guard lock(mutex);
    if (fail) return Status(ErrorCode::Unavailable, "no sound device");
    seconds.push_back(speech.seconds());
    return Status::ok();
  }
  std::mutex mutex;
  bool fail = false;
  std::vector<double> seconds;
};

}  // namespace

TEST_CASE("announcer: a call's text spells the digits in pinyin or English") {
  auto zh = call_text({"A012", "2", SpeechLanguage::Chinese});
  REQUIRE(zh.is_ok());
  CHECK(*zh == "qing3 A, ling2 yi1 er4 hao4, dao4 er4 hao4 chuang1 kou3.");
  auto en = call_text({"b105", "12", SpeechLanguage::English});
  REQUIRE(en.is_ok());
  CHECK(*en == "Number B, one zero five, please go to window one two.");
  for (const Call& bad : {Call{"", "2"}, Call{"A012", ""}, Call{"A0 12", "2"},
                          Call{"A012", "2号"}, Call{"A012\n[[x]]", "2"}}) {
    auto text = call_text(bad);
    REQUIRE_FALSE(text.is_ok());
    CHECK(text.status().code() == ErrorCode::Invalid);
  }
}

TEST_CASE("announcer: a Mandarin call renders to speech of sensible length, not silence") {
  auto text = call_text({"A012", "2", SpeechLanguage::Chinese});
  REQUIRE(text.is_ok());
  auto speech = render_speech(*text, SpeechLanguage::Chinese);
  REQUIRE_MESSAGE(speech.is_ok(), speech.status().to_string());
  CHECK(speech->sample_rate == 22050);
  MESSAGE("Mandarin call: " << speech->seconds() << " s, RMS " << rms(*speech, 0, SIZE_MAX)
                            << ", voiced " << voiced_share(*speech));
  // Eleven syllables at 150 words a minute: two to six seconds.
  CHECK(speech->seconds() > 2.0);
  CHECK(speech->seconds() < 6.0);
  CHECK(rms(*speech, 0, SIZE_MAX) > 1000);
  CHECK(voiced_share(*speech) > 0.4);
}

TEST_CASE("announcer: English, slower rate and volume change the speech as asked") {
  auto text = call_text({"A012", "2", SpeechLanguage::English});
  REQUIRE(text.is_ok());
  auto normal = render_speech(*text, SpeechLanguage::English, {100, 170});
  auto slow = render_speech(*text, SpeechLanguage::English, {100, 100});
  auto quiet = render_speech(*text, SpeechLanguage::English, {30, 170});
  REQUIRE(normal.is_ok());
  REQUIRE(slow.is_ok());
  REQUIRE(quiet.is_ok());
  CHECK(normal->seconds() > 1.5);
  CHECK(voiced_share(*normal) > 0.4);
  CHECK(slow->seconds() > normal->seconds() * 1.3);
  CHECK(rms(*quiet, 0, SIZE_MAX) < rms(*normal, 0, SIZE_MAX) * 0.6);
}

TEST_CASE("announcer: write_wav writes a RIFF/WAVE file of the samples") {
  TempDir dir;
  Speech speech;
  speech.sample_rate = 22050;
  speech.samples = {0, 1000, -1000, 32767, -32768};
  REQUIRE(write_wav(dir / "a.wav", speech).is_ok());
  std::ifstream in(dir / "a.wav", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string bytes = s.str();
  REQUIRE(bytes.size() == 44 + 10);
  CHECK(bytes.substr(0, 4) == "RIFF");
  CHECK(bytes.substr(8, 8) == "WAVEfmt ");
  CHECK(bytes.substr(36, 4) == "data");
  CHECK(static_cast<unsigned char>(bytes[40]) == 10);
  CHECK(static_cast<unsigned char>(bytes[24]) == (22050 & 0xff));
  CHECK(bytes.substr(44 + 6, 2) == "\xff\x7f");
  Status bad = write_wav(dir / "missing" / "a.wav", speech);
  CHECK_FALSE(bad.is_ok());
  CHECK(bad.message().find("cannot write the sound file") != std::string::npos);
}

TEST_CASE("announcer: calls are spoken in order off the caller's thread; failures are reported") {
  auto player = std::make_shared<RecordingPlayer>();
  auto announcer = make_espeak_announcer(player, {100, 200});
  announcer->announce({"A001", "1", SpeechLanguage::Chinese});
  announcer->announce({"A002", "1", SpeechLanguage::English});
  REQUIRE(announcer->wait_idle(20000));
  {
    std::lock_guard lock(player->mutex);
    REQUIRE(player->seconds.size() == 2);
    CHECK(player->seconds[0] > 1.0);
    CHECK(player->seconds[1] > 1.0);
  }
  CHECK(announcer->last_error().is_ok());

  announcer->announce({"A0 3", "1"});  // never spoken: not a ticket label
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().code() == ErrorCode::Invalid);

  {
    std::lock_guard lock(player->mutex);
    player->fail = true;
  }
  announcer->announce({"A004", "1"});
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().message() == "no sound device");
  {
    std::lock_guard lock(player->mutex);
    player->fail = false;
  }
  announcer->announce({"A005", "1"});
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().is_ok());
  std::lock_guard lock(player->mutex);
  CHECK(player->seconds.size() == 3);
}

TEST_CASE("announcer: the destructor drops waiting calls and does not wait them out") {
  auto player = std::make_shared<RecordingPlayer>();
  const auto start = std::chrono::steady_clock::now();
  {
    auto announcer = make_espeak_announcer(player);
    for (int i = 0; i < 40; ++i) announcer->announce({"A" + std::to_string(100 + i), "1"});
  }
  const auto took = std::chrono::steady_clock::now() - start;
  std::lock_guard lock(player->mutex);
  CHECK(player->seconds.size() <= 2);  // at most the one being spoken (and a race's second)
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("announcer: the WAV folder player numbers its files") {
  TempDir dir;
  auto player = std::make_shared<WavFolderPlayer>(dir.path());
  auto announcer = make_espeak_announcer(player);
  announcer->announce({"C007", "3"});
  REQUIRE(announcer->wait_idle(20000));
  CHECK(player->played() == 1);
  CHECK(fs::file_size(dir / "announcement-1.wav") > 44 + 22050 * 2);
}

namespace {

// Holds the first announcement in play() until released, so the queue fills behind it.
class GatePlayer final : public SpeechPlayer {
 public:
  Status play(const Speech&) override {
    std::unique_lock lock(mutex);
    ++played;
    started.notify_all();
    open_cv.wait(lock, [this] { return open; });
    return Status::ok();
  }
  std::mutex mutex;
  std::condition_variable started, open_cv;
  bool open = false;
  int played = 0;
};

}  // namespace

TEST_CASE("announcer: a full queue drops its oldest waiting calls, never the newest") {
  auto player = std::make_shared<GatePlayer>();
  auto announcer = make_espeak_announcer(player, {100, 450});
  announcer->announce({"A001", "1"});
  {
    std::unique_lock lock(player->mutex);
    REQUIRE(player->started.wait_for(lock, std::chrono::seconds(20),
                                     [&] { return player->played == 1; }));
  }
  // Four calls that would fail if spoken, then a full queue of good ones behind them.
  for (int i = 0; i < 4; ++i) announcer->announce({"bad label", "1"});
  for (std::size_t i = 0; i < Announcer::kMaxQueued; ++i) {
    announcer->announce({"B" + std::to_string(100 + i), "2"});
  }
  {
    std::lock_guard lock(player->mutex);
    player->open = true;
  }
  player->open_cv.notify_all();
  REQUIRE(announcer->wait_idle(60000));
  std::lock_guard lock(player->mutex);
  CHECK(player->played == 1 + static_cast<int>(Announcer::kMaxQueued));
  CHECK(announcer->last_error().is_ok());
}
