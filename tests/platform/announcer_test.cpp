// Voice calling: the text of a call (pinyin with tone digits, digits spelled one by one), real
// speech rendered by espeak-ng (length and loudness measured here, not silence), rate and
// volume settings, the WAV file, and the announcer's queue on its own thread.
#include <doctest/doctest.h>

#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
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
  for (const Call& bad : {Call{"", "2"}, Call{"A012", ""}, Call{"A0 12", "2"}, Call{"A012", "2号"},
                          Call{"A012\n[[x]]", "2"}}) {
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

// [SECTION] The queue of calls and prompts, with a stand-in renderer (no espeak-ng, no sleeping)

namespace {

// Renders text as one sample per byte (values 1000 + byte), so a player can read back which
// text it was handed and whether the chime came first.
Result<Speech> text_as_samples(const std::string& text, SpeechLanguage, VoiceSettings) {
  Speech s;
  for (unsigned char c : text) s.samples.push_back(static_cast<std::int16_t>(1000 + c));
  return s;
}

struct Heard {
  bool chimed = false;
  std::string text;
};

Heard decode(const Speech& speech) {
  Heard h;
  const Speech ding = chime(speech.sample_rate);
  std::size_t from = 0;
  if (speech.samples.size() >= ding.samples.size() &&
      std::equal(ding.samples.begin(), ding.samples.end(), speech.samples.begin())) {
    h.chimed = true;
    from = ding.samples.size();
  }
  for (std::size_t i = from; i < speech.samples.size(); ++i) {
    h.text += static_cast<char>(speech.samples[i] - 1000);
  }
  return h;
}

// Records what it hears. While `hold` is set, play() waits until it is opened (or, when
// `stop_opens`, until stop() is called) so a queue can build up behind what is playing.
class HeldPlayer final : public SpeechPlayer {
 public:
  Status play(const Speech& speech) override {
    std::unique_lock lock(mutex);
    heard.push_back(decode(speech));
    playing = true;
    changed.notify_all();
    changed.wait(lock, [this] { return !hold || stopped; });
    playing = false;
    stopped = false;
    return Status::ok();
  }
  void stop() override {
    std::lock_guard lock(mutex);
    ++stops;
    if (playing && stop_opens) stopped = true;
    changed.notify_all();
  }
  // Waits until `n` speeches have started.
  bool wait_heard(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] { return heard.size() >= n; });
  }
  void open() {
    std::lock_guard lock(mutex);
    hold = false;
    changed.notify_all();
  }
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& h : heard) out.push_back(h.text);
    return out;
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Heard> heard;
  bool hold = true;
  bool stop_opens = false;
  bool playing = false;
  bool stopped = false;
  int stops = 0;
};

std::string text_of(const Call& call) {
  auto t = call_text(call);
  REQUIRE(t.is_ok());
  return *t;
}

}  // namespace

TEST_CASE("announcer: a burst of calls is spoken in the order called, each after the chime") {
  auto player = std::make_shared<HeldPlayer>();
  auto announcer = make_espeak_announcer(player, {}, text_as_samples);
  std::vector<Call> calls;
  for (int i = 0; i < 12; ++i) {
    calls.push_back({"A" + std::to_string(100 + i), std::to_string(1 + i % 4),
                     i % 3 == 0 ? SpeechLanguage::English : SpeechLanguage::Chinese});
  }
  announcer->announce(calls[0]);
  REQUIRE(player->wait_heard(1));  // the first is playing; the rest come while it does
  for (std::size_t i = 1; i < calls.size(); ++i) announcer->announce(calls[i]);
  player->open();
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().is_ok());
  std::lock_guard lock(player->mutex);
  REQUIRE(player->heard.size() == calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    CAPTURE(i);
    CHECK(player->heard[i].chimed);
    CHECK(player->heard[i].text == text_of(calls[i]));
  }
}

TEST_CASE("announcer: calls from several threads at once are each spoken once, in queue order") {
  auto player = std::make_shared<HeldPlayer>();
  player->hold = false;
  auto announcer = make_espeak_announcer(player, {}, text_as_samples);
  std::vector<std::thread> callers;
  for (int window = 1; window <= 3; ++window) {
    callers.emplace_back([&announcer, window] {
      for (int i = 0; i < 5; ++i) {
        announcer->announce(
            {std::string(1, char('A' + window)) + std::to_string(100 + i), std::to_string(window)});
      }
    });
  }
  for (auto& c : callers) c.join();
  REQUIRE(announcer->wait_idle(20000));
  const auto texts = player->texts();
  REQUIRE(texts.size() == 15);
  // Each window's calls in the order that window made them.
  for (int window = 1; window <= 3; ++window) {
    std::vector<std::string> mine;
    for (const auto& t : texts) {
      if (t.find(std::string(1, char('A' + window)) + ",") != std::string::npos) mine.push_back(t);
    }
    REQUIRE(mine.size() == 5);
    for (int i = 0; i < 5; ++i) {
      CHECK(mine[i] == text_of({std::string(1, char('A' + window)) + std::to_string(100 + i),
                                std::to_string(window)}));
    }
  }
}

TEST_CASE("announcer: a new prompt replaces one not yet spoken and never cuts into a call") {
  auto player = std::make_shared<HeldPlayer>();
  player->stop_opens = true;
  auto announcer = make_espeak_announcer(player, {}, text_as_samples);
  const Call first{"A001", "1"}, second{"A002", "2"};
  announcer->announce(first);
  REQUIRE(player->wait_heard(1));  // the call is playing
  announcer->say({"请选择要办理的业务"});
  announcer->say({"请选择是否优先"});
  announcer->announce(second);
  announcer->say({"您的号码是 A，0，0，3"});
  {
    std::lock_guard lock(player->mutex);
    CHECK(player->stops == 0);  // the call plays on
  }
  player->open();
  REQUIRE(announcer->wait_idle(20000));
  std::lock_guard lock(player->mutex);
  REQUIRE(player->heard.size() == 3);
  CHECK(player->heard[0].text == text_of(first));
  CHECK(player->heard[1].text == text_of(second));
  CHECK(player->heard[1].chimed);
  CHECK(player->heard[2].text == "您的号码是 A，0，0，3");
  CHECK_FALSE(player->heard[2].chimed);  // prompts come without the chime
}

TEST_CASE("announcer: a prompt being said is cut short by a newer one") {
  auto player = std::make_shared<HeldPlayer>();
  player->stop_opens = true;
  auto announcer = make_espeak_announcer(player, {}, text_as_samples);
  announcer->say({"请选择要办理的业务"});
  REQUIRE(player->wait_heard(1));  // being said, held until stopped
  announcer->say({"Please choose a line.", SpeechLanguage::English});
  REQUIRE(player->wait_heard(2));  // the old one was stopped, the new one started
  player->open();
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().is_ok());  // cut on purpose is not a failure
  std::lock_guard lock(player->mutex);
  CHECK(player->stops == 1);
  REQUIRE(player->heard.size() == 2);
  CHECK(player->heard[1].text == "Please choose a line.");
}

TEST_CASE("announcer: prompts are cleaned of control characters; an empty one is refused") {
  auto t = prompt_text({"  请 选择\n\t业务\x1b[0m  "});
  REQUIRE(t.is_ok());
  CHECK(*t == "请 选择 业务 [0m");
  CHECK(prompt_text({" \n "}).status().code() == ErrorCode::Invalid);
  CHECK(prompt_text({std::string(1001, 'a')}).status().code() == ErrorCode::Invalid);

  auto player = std::make_shared<HeldPlayer>();
  player->hold = false;
  auto announcer = make_espeak_announcer(player, {}, text_as_samples);
  announcer->say({"\n"});
  REQUIRE(announcer->wait_idle(20000));
  CHECK(announcer->last_error().code() == ErrorCode::Invalid);
  CHECK(player->texts().empty());
}

TEST_CASE("announcer: a code is spelled one character at a time in both languages") {
  CHECK(spelled_out("A3K9", SpeechLanguage::English) == "A, 3, K, 9");
  CHECK(spelled_out("A3K9", SpeechLanguage::Chinese) == "A，3，K，9");
  CHECK(spelled_out("k7mq-3zp 9c", SpeechLanguage::English) == "K, 7, M, Q, 3, Z, P, 9, C");
  CHECK(spelled_out("", SpeechLanguage::Chinese).empty());
  CHECK(spelled_out("[[x]]", SpeechLanguage::English) == "X");
}

namespace {

// Zero crossings a second over [from_s, to_s): twice the frequency of a pure tone.
double frequency(const Speech& s, double from_s, double to_s) {
  const auto a = static_cast<std::size_t>(from_s * s.sample_rate);
  const auto b = std::min(s.samples.size(), static_cast<std::size_t>(to_s * s.sample_rate));
  int crossings = 0;
  for (std::size_t i = a + 1; i < b; ++i) {
    if ((s.samples[i - 1] < 0) != (s.samples[i] < 0)) ++crossings;
  }
  return crossings / 2.0 / (to_s - from_s);
}

}  // namespace

TEST_CASE("announcer: the chime is two falling tones, then a pause before the words") {
  const Speech c = chime(22050);
  CHECK(c.sample_rate == 22050);
  CHECK(c.seconds() > 1.0);
  CHECK(c.seconds() < 1.8);
  CHECK(frequency(c, 0.02, 0.30) == doctest::Approx(659.25).epsilon(0.03));
  CHECK(frequency(c, 0.50, 0.80) == doctest::Approx(523.25).epsilon(0.03));
  CHECK(rms(c, 0, 22050 / 4) > 3000);                           // loud enough
  CHECK(rms(c, c.samples.size() - 22050 / 10, SIZE_MAX) < 50);  // ends quiet
  CHECK(chime(22050).samples == c.samples);                     // the same every time
  CHECK(chime(16000).samples.size() < c.samples.size());
}

TEST_CASE("announcer: a Chinese prompt in characters renders to Mandarin speech") {
  auto speech = render_speech("请选择要办理的业务", SpeechLanguage::Chinese);
  REQUIRE_MESSAGE(speech.is_ok(), speech.status().to_string());
  MESSAGE("prompt: " << speech->seconds() << " s, voiced " << voiced_share(*speech));
  // Nine syllables: more than a second; read letter by letter it would be far longer.
  CHECK(speech->seconds() > 1.2);
  CHECK(speech->seconds() < 5.0);
  CHECK(voiced_share(*speech) > 0.4);
  auto code =
      render_speech(spelled_out("K7MQ3ZP9C", SpeechLanguage::Chinese), SpeechLanguage::Chinese);
  REQUIRE(code.is_ok());
  CHECK(code->seconds() > 2.5);  // nine characters, each its own word
}
