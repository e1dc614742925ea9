#include "board/voice.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "common/client/log.h"

namespace shop::queue::board {
namespace {

using Clock = std::chrono::steady_clock;

// espeak-ng is one global engine: one user at a time.
std::mutex& EspeakMutex() {
  static std::mutex mu;
  return mu;
}

int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  if (wav == nullptr || count <= 0 || events == nullptr) return 0;
  auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
  if (out != nullptr) out->insert(out->end(), wav, wav + count);
  return 0;  // go on
}

std::chrono::milliseconds Scaled(std::chrono::milliseconds d, double scale) {
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * scale));
}

}  // namespace

std::chrono::milliseconds Pcm::duration() const {
  if (sample_rate <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<int64_t>(samples.size()) * 1000 / sample_rate);
}

double Pcm::Rms() const {
  if (samples.empty()) return 0;
  double sum = 0;
  for (int16_t s : samples) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(samples.size())) / 32768.0;
}

void Pcm::Append(const Pcm& other) {
  if (other.sample_rate == sample_rate || other.sample_rate <= 0) {
    samples.insert(samples.end(), other.samples.begin(), other.samples.end());
    return;
  }
  const std::size_t n = other.samples.size() * sample_rate / other.sample_rate;
  for (std::size_t i = 0; i < n; ++i) {
    samples.push_back(other.samples[i * other.sample_rate / sample_rate]);
  }
}

void Pcm::AppendSilence(std::chrono::milliseconds length) {
  samples.insert(samples.end(), static_cast<std::size_t>(length.count()) * sample_rate / 1000, 0);
}

void Pcm::Scale(double gain) {
  gain = std::clamp(gain, 0.0, 1.0);
  for (int16_t& s : samples) {
    s = static_cast<int16_t>(std::clamp(std::lround(s * gain), -32768L, 32767L));
  }
}

EspeakSynthesizer::EspeakSynthesizer() {
  std::lock_guard<std::mutex> lock(EspeakMutex());
  static const int rate = [] {
    const int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    if (r > 0) espeak_SetSynthCallback(CollectSamples);
    return r;
  }();
  sample_rate_ = rate;
}

Pcm EspeakSynthesizer::Synthesize(const Utterance& utterance, SpeechLanguage language) {
  Pcm pcm;
  pcm.sample_rate = sample_rate_ > 0 ? sample_rate_ : 22050;
  if (!ok()) return pcm;
  std::lock_guard<std::mutex> lock(EspeakMutex());
  if (espeak_SetVoiceByName(EspeakVoice(language)) != EE_OK) {
    client::ClientLog()->warn("espeak-ng has no voice {}", EspeakVoice(language));
    return pcm;
  }
  espeak_SetParameter(espeakRATE, language == SpeechLanguage::kZh ? 150 : 160, 0);
  const std::string& text = utterance.espeak;
  const espeak_ERROR error =
      espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                   espeakCHARS_UTF8 | espeakPHONEMES, nullptr, &pcm.samples);
  if (error != EE_OK) {
    client::ClientLog()->warn("espeak-ng failed to speak ({})", static_cast<int>(error));
    pcm.samples.clear();
  }
  return pcm;
}

Pcm MakeChime(int sample_rate) {
  Pcm pcm;
  pcm.sample_rate = sample_rate;
  // Two bell-like notes (E6 then C6), each with a fast attack and a decay.
  const std::pair<double, double> notes[] = {{1318.5, 0.45}, {1046.5, 0.55}};
  for (const auto& [frequency, seconds] : notes) {
    const int n = static_cast<int>(seconds * sample_rate);
    for (int i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / sample_rate;
      const double envelope = std::min(1.0, t / 0.01) * std::exp(-4.0 * t);
      const double wave = std::sin(2 * std::numbers::pi * frequency * t) +
                          0.3 * std::sin(2 * std::numbers::pi * 2 * frequency * t);
      pcm.samples.push_back(static_cast<int16_t>(0.45 * 32767 * envelope * wave / 1.3));
    }
  }
  return pcm;
}

SilentAudioOutput::SilentAudioOutput(std::string why, double time_scale)
    : why_(std::move(why)), time_scale_(time_scale) {}

void SilentAudioOutput::Play(const Pcm& clip) {
  if (!logged_) {
    logged_ = true;
    client::ClientLog()->warn("no sound: announcements are silent ({})", why_);
  }
  std::this_thread::sleep_for(Scaled(clip.duration(), time_scale_));
}

void RecordingAudioOutput::Play(const Pcm& clip) {
  Played played;
  played.start = Clock::now();
  played.samples_given = clip.samples.size();
  // "Plays" the clip a chunk at a time, as a device would take it.
  const std::size_t chunk = std::max<std::size_t>(1, clip.sample_rate / 50);  // 20 ms
  const auto per_chunk = std::chrono::microseconds(
      static_cast<int64_t>(20000 * time_scale_));
  for (std::size_t i = 0; i < clip.samples.size(); i += chunk) {
    played.samples_played += std::min(chunk, clip.samples.size() - i);
    std::this_thread::sleep_for(per_chunk);
  }
  played.end = Clock::now();
  played.clip = clip;
  std::lock_guard<std::mutex> lock(mu_);
  played_.push_back(std::move(played));
}

std::vector<RecordingAudioOutput::Played> RecordingAudioOutput::played() const {
  std::lock_guard<std::mutex> lock(mu_);
  return played_;
}

std::vector<std::pair<SpeechLanguage, Utterance>> AnnouncementUtterances(
    const Announcement& a, const VoiceSettings& settings) {
  std::vector<std::pair<SpeechLanguage, Utterance>> said;
  said.emplace_back(SpeechLanguage::kRu,
                    SpokenCall(a.display_number, a.counter_name, a.counter_id,
                               SpeechLanguage::kRu));
  if (a.customer_language != SpeechLanguage::kRu &&
      settings.extra_languages.count(a.customer_language) > 0) {
    said.emplace_back(a.customer_language,
                      SpokenCall(a.display_number, a.counter_name, a.counter_id,
                                 a.customer_language));
  }
  return said;
}

AnnouncementQueue::AnnouncementQueue(Synthesizer& synth, AudioOutput& output,
                                     VoiceSettings settings)
    : synth_(synth), output_(output), settings_(std::move(settings)) {
  worker_ = std::thread([this] { Run(); });
}

AnnouncementQueue::~AnnouncementQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void AnnouncementQueue::Enqueue(Announcement a) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(a));
  }
  cv_.notify_all();
}

bool AnnouncementQueue::WaitIdle(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, limit, [&] { return queue_.empty() && !busy_; });
}

std::vector<Announcement> AnnouncementQueue::played() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {played_.begin(), played_.end()};
}

std::size_t AnnouncementQueue::played_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return played_count_;
}

void AnnouncementQueue::SetSettings(VoiceSettings settings) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_ = std::move(settings);
}

void AnnouncementQueue::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Announcement a = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    const VoiceSettings settings = settings_;
    lock.unlock();

    if (settings.enabled && settings.volume > 0) {
      Pcm clip;
      bool first = true;
      for (const auto& [language, utterance] : AnnouncementUtterances(a, settings)) {
        Pcm speech = synth_.Synthesize(utterance, language);
        if (first) {
          clip.sample_rate = speech.sample_rate;
          if (settings.chime) {
            clip.Append(MakeChime(clip.sample_rate));
            clip.AppendSilence(std::chrono::milliseconds(150));
          }
          first = false;
        } else {
          clip.AppendSilence(std::chrono::milliseconds(400));
        }
        clip.Append(speech);
      }
      clip.AppendSilence(std::chrono::milliseconds(300));  // a breath between calls
      clip.Scale(settings.volume / 100.0);
      output_.Play(clip);
    }

    lock.lock();
    played_.push_back(std::move(a));
    if (played_.size() > kPlayedKept) played_.pop_front();
    ++played_count_;
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace shop::queue::board
