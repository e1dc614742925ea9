// The board's voice: PCM clips, espeak-ng synthesis, a generated chime, the
// audio output interface and the announcement queue that plays calls one
// after another. Plain C++ (no Qt); the Qt Multimedia output is in
// qt_audio_output.h.
//
// An announcement is one clip: chime, the call in Russian, then (when the
// customer chose another language at the kiosk and the board's settings
// allow it) the call in that language. AnnouncementQueue plays clips
// strictly in order on one worker thread, each to its end: a new call waits
// for the one being spoken.
//
// Thread-safety: EspeakSynthesizer serialises its use of the (global)
// espeak-ng engine; AnnouncementQueue and RecordingAudioOutput are
// thread-safe; an AudioOutput is used by one thread at a time (the queue's).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "board/speech.h"

namespace shop::queue::board {

// Mono signed 16-bit samples.
struct Pcm {
  int sample_rate = 22050;
  std::vector<int16_t> samples;

  std::chrono::milliseconds duration() const;
  // Root mean square level, 0..1 of full scale.
  double Rms() const;
  // Appends `other` (resampled by nearest sample if its rate differs).
  void Append(const Pcm& other);
  void AppendSilence(std::chrono::milliseconds length);
  // Multiplies every sample by `gain` (0..1), clipping.
  void Scale(double gain);
};

// Turns text into speech.
class Synthesizer {
 public:
  virtual ~Synthesizer() = default;
  // The utterance in `language`; an empty clip when synthesis failed.
  virtual Pcm Synthesize(const Utterance& utterance, SpeechLanguage language) = 0;
};

// libespeak-ng, offline, voices "ru", "en", "cmn" (Debian espeak-ng-data).
class EspeakSynthesizer final : public Synthesizer {
 public:
  EspeakSynthesizer();
  // False when espeak-ng could not start (no data files).
  bool ok() const { return sample_rate_ > 0; }
  Pcm Synthesize(const Utterance& utterance, SpeechLanguage language) override;

 private:
  int sample_rate_ = 0;
};

// A two-tone chime ("ding-dong") at `sample_rate`, about 0.9 s.
Pcm MakeChime(int sample_rate);

// Plays clips on a sound device.
class AudioOutput {
 public:
  virtual ~AudioOutput() = default;
  // Plays `clip` to its end and returns then (blocks).
  virtual void Play(const Pcm& clip) = 0;
};

// No sound device: waits as long as the clip lasts (so the pacing is that of
// real sound) and logs once that announcements are silent.
class SilentAudioOutput final : public AudioOutput {
 public:
  explicit SilentAudioOutput(std::string why, double time_scale = 1.0);
  void Play(const Pcm& clip) override;

 private:
  std::string why_;
  double time_scale_;
  bool logged_ = false;
};

// For tests: records when each clip started and ended (and its length), and
// takes the clip's duration times `time_scale` to "play" it.
class RecordingAudioOutput final : public AudioOutput {
 public:
  struct Played {
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point end;
    std::size_t samples_given = 0;
    std::size_t samples_played = 0;
    Pcm clip;
  };
  explicit RecordingAudioOutput(double time_scale = 0.05) : time_scale_(time_scale) {}
  void Play(const Pcm& clip) override;
  std::vector<Played> played() const;

 private:
  double time_scale_;
  mutable std::mutex mu_;
  std::vector<Played> played_;  // guarded by mu_
};

struct VoiceSettings {
  bool enabled = true;
  bool chime = true;
  int volume = 80;  // 0..100
  // Languages spoken after Russian when the customer chose them.
  std::set<SpeechLanguage> extra_languages = {SpeechLanguage::kEn, SpeechLanguage::kZh};
};

// One call to announce.
struct Announcement {
  int64_t ticket_id = 0;
  int recall_count = 0;
  std::string display_number;
  std::string counter_name;
  std::string counter_id;
  SpeechLanguage customer_language = SpeechLanguage::kRu;
};

// What is said for `a` with `settings`: Russian, then the customer's
// language if it differs and is allowed.
std::vector<std::pair<SpeechLanguage, Utterance>> AnnouncementUtterances(
    const Announcement& a, const VoiceSettings& settings);

class AnnouncementQueue {
 public:
  // `synth` and `output` must outlive the queue.
  AnnouncementQueue(Synthesizer& synth, AudioOutput& output, VoiceSettings settings);
  // Finishes the clip being played; drops the rest.
  ~AnnouncementQueue();
  AnnouncementQueue(const AnnouncementQueue&) = delete;
  AnnouncementQueue& operator=(const AnnouncementQueue&) = delete;

  void Enqueue(Announcement a);
  // Waits until every announcement enqueued so far has been played.
  bool WaitIdle(std::chrono::milliseconds limit);
  // At most this many played announcements are kept (a board runs 24/7).
  static constexpr std::size_t kPlayedKept = 100;
  // The last kPlayedKept announcements played, in order (for tests).
  std::vector<Announcement> played() const;
  // How many announcements have been played in all.
  std::size_t played_count() const;
  void SetSettings(VoiceSettings settings);

 private:
  void Run();

  Synthesizer& synth_;
  AudioOutput& output_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  VoiceSettings settings_;           // guarded by mu_
  std::deque<Announcement> queue_;   // guarded by mu_
  std::deque<Announcement> played_;  // guarded by mu_; the last kPlayedKept
  std::size_t played_count_ = 0;     // guarded by mu_
  bool busy_ = false;                // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  std::thread worker_;
};

}  // namespace shop::queue::board
