// The board's voice without Qt: the words of a call in ru, en and zh (as a
// person says them), espeak-ng rendering each to real audio, and the
// announcement queue playing calls in order, each to its end.
#include <espeak-ng/speak_lib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "board/speech.h"
#include "board/voice.h"

namespace shop::queue::board {
namespace {

using namespace std::chrono_literals;

TEST(SpeechTest, R017AtCounter3InEachLanguage) {
  EXPECT_EQ(SpokenCall("R017", "Counter 3", "3", SpeechLanguage::kRu).text,
            "эр семнадцать, окно три");
  EXPECT_EQ(SpokenCall("R017", "Counter 3", "3", SpeechLanguage::kEn).text,
            "R seventeen, counter three");
  const Utterance zh = SpokenCall("R017", "Counter 3", "3", SpeechLanguage::kZh);
  EXPECT_EQ(zh.text, "R 十七号，请到三号窗口");
  // espeak-ng gets digits (its cmn voice says them as Chinese numerals) and
  // phonemes for the syllables its dictionary misreads.
  EXPECT_EQ(zh.espeak, "R 17 [[x'au51]], [[tS;h'iN214 t'au51]] 3 [[x'au51]] 窗[[kh'ou214]]");
}

TEST(SpeechTest, LettersAreNamedInRussian) {
  EXPECT_EQ(SpokenNumber("R017", SpeechLanguage::kRu), "эр семнадцать");
  EXPECT_EQ(SpokenNumber("N005", SpeechLanguage::kRu), "эн пять");
  EXPECT_EQ(SpokenNumber("P120", SpeechLanguage::kRu), "пэ сто двадцать");
  EXPECT_EQ(SpokenNumber("C001", SpeechLanguage::kRu), "цэ один");
  EXPECT_EQ(LetterName('w', SpeechLanguage::kRu), "дубль-вэ");
  EXPECT_EQ(SpokenNumber("N005", SpeechLanguage::kEn), "N five");
}

TEST(SpeechTest, NumbersAsPeopleSayThem) {
  EXPECT_EQ(NumberWords(0, SpeechLanguage::kRu), "ноль");
  EXPECT_EQ(NumberWords(11, SpeechLanguage::kRu), "одиннадцать");
  EXPECT_EQ(NumberWords(999, SpeechLanguage::kRu), "девятьсот девяносто девять");
  EXPECT_EQ(NumberWords(1000, SpeechLanguage::kRu), "одна тысяча");
  EXPECT_EQ(NumberWords(2021, SpeechLanguage::kRu), "две тысячи двадцать один");
  EXPECT_EQ(NumberWords(12005, SpeechLanguage::kRu), "двенадцать тысяч пять");
  EXPECT_EQ(NumberWords(42, SpeechLanguage::kEn), "forty-two");
  EXPECT_EQ(NumberWords(1017, SpeechLanguage::kEn), "one thousand seventeen");
  EXPECT_EQ(NumberWords(305, SpeechLanguage::kEn), "three hundred five");
  EXPECT_EQ(NumberWords(10, SpeechLanguage::kZh), "十");
  EXPECT_EQ(NumberWords(17, SpeechLanguage::kZh), "十七");
  EXPECT_EQ(NumberWords(20, SpeechLanguage::kZh), "二十");
  EXPECT_EQ(NumberWords(105, SpeechLanguage::kZh), "一百零五");
  EXPECT_EQ(NumberWords(110, SpeechLanguage::kZh), "一百一十");
  EXPECT_EQ(NumberWords(1017, SpeechLanguage::kZh), "一千零一十七");
  EXPECT_EQ(NumberWords(10000, SpeechLanguage::kZh), "一万");
}

TEST(SpeechTest, CounterWithoutANumberIsSaidByName) {
  EXPECT_EQ(CounterNumber("Counter 12", "c12"), 12);
  EXPECT_EQ(CounterNumber("VIP", "vip"), std::nullopt);
  EXPECT_EQ(SpokenCall("R001", "VIP", "vip", SpeechLanguage::kEn).text, "R one, VIP");
}

// Each language renders to speech: long enough to hold the words, not
// absurdly long, and loud enough not to be silence.
TEST(EspeakTest, EachLanguageRendersToAudibleSpeech) {
  EspeakSynthesizer synth;
  ASSERT_TRUE(synth.ok()) << "espeak-ng did not start (espeak-ng-data installed?)";
  for (SpeechLanguage language : {SpeechLanguage::kRu, SpeechLanguage::kEn, SpeechLanguage::kZh}) {
    const Pcm pcm = synth.Synthesize(SpokenCall("R017", "Counter 3", "3", language), language);
    SCOPED_TRACE(std::string(LanguageCode(language)));
    EXPECT_GT(pcm.sample_rate, 8000);
    EXPECT_GE(pcm.duration(), 1000ms);
    EXPECT_LE(pcm.duration(), 6000ms);
    EXPECT_GT(pcm.Rms(), 0.03);
  }
}

// The Chinese call is said in Mandarin throughout: espeak-ng does not fall
// back to English letters ("(en)" in its phoneme trace) for any of it, as it
// does for 号, 请, 到 and 口 written in characters.
TEST(EspeakTest, ChineseCallStaysMandarin) {
  EspeakSynthesizer synth;
  ASSERT_TRUE(synth.ok());
  const auto trace_of = [&](const Utterance& u) {
    char* buffer = nullptr;
    std::size_t size = 0;
    FILE* trace = open_memstream(&buffer, &size);
    espeak_SetPhonemeTrace(espeakPHONEMES_IPA, trace);
    (void)synth.Synthesize(u, SpeechLanguage::kZh);
    espeak_SetPhonemeTrace(0, nullptr);
    std::fclose(trace);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
  };
  const std::string ours = trace_of(SpokenCall("R017", "Counter 3", "3", SpeechLanguage::kZh));
  EXPECT_EQ(ours.find("(en)"), std::string::npos) << ours;
  EXPECT_NE(ours.find("tɕhˈi"), std::string::npos) << ours;  // 七 of 十七
  // The characters as written would not be (this is why `espeak` differs).
  const Utterance written{"R 十七号，请到三号窗口", "R 十七号，请到三号窗口"};
  EXPECT_NE(trace_of(written).find("(en)"), std::string::npos);
}

TEST(EspeakTest, ChimeIsAudibleAndShort) {
  const Pcm chime = MakeChime(22050);
  EXPECT_GE(chime.duration(), 500ms);
  EXPECT_LE(chime.duration(), 1500ms);
  EXPECT_GT(chime.Rms(), 0.05);
}

TEST(AnnouncementTest, RussianThenTheCustomersLanguageIfAllowed) {
  Announcement a;
  a.display_number = "R017";
  a.counter_name = "Counter 3";
  a.counter_id = "3";
  a.customer_language = SpeechLanguage::kZh;
  VoiceSettings settings;
  auto said = AnnouncementUtterances(a, settings);
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[0].first, SpeechLanguage::kRu);
  EXPECT_EQ(said[1].first, SpeechLanguage::kZh);
  settings.extra_languages = {SpeechLanguage::kEn};
  EXPECT_EQ(AnnouncementUtterances(a, settings).size(), 1u);
  a.customer_language = SpeechLanguage::kRu;
  EXPECT_EQ(AnnouncementUtterances(a, VoiceSettings()).size(), 1u);
}

// espeak-ng reads [[...]] as phonemes: a counter name cannot smuggle any in.
TEST(SpeechTest, BracketsInNamesNeverReachEspeakAsPhonemes) {
  for (SpeechLanguage language : {SpeechLanguage::kRu, SpeechLanguage::kEn, SpeechLanguage::kZh}) {
    const Utterance u = SpokenCall("R017", "Desk [[h'@U]] [x]", "desk", language);
    EXPECT_EQ(u.text.find('['), std::string::npos) << u.text;
    EXPECT_EQ(u.text.find(']'), std::string::npos) << u.text;
    EXPECT_NE(u.text.find("Desk h'@U x"), std::string::npos) << u.text;
    // The name reaches espeak-ng as words (the Chinese form's own
    // [[phonemes]] are elsewhere in it).
    EXPECT_NE(u.espeak.find("Desk h'@U x"), std::string::npos) << u.espeak;
    if (language != SpeechLanguage::kZh) {
      EXPECT_EQ(u.espeak.find('['), std::string::npos) << u.espeak;
    }
  }
}

// 20 calls queued at once are all played, in order, one after another, each
// to its end (nothing overlaps, nothing is cut short).
TEST(AnnouncementTest, TwentyCallsPlayInOrderWithoutOverlap) {
  EspeakSynthesizer synth;
  ASSERT_TRUE(synth.ok());
  RecordingAudioOutput output(/*time_scale=*/0.02);
  AnnouncementQueue queue(synth, output, VoiceSettings());
  for (int i = 1; i <= 20; ++i) {
    Announcement a;
    a.ticket_id = i;
    a.display_number = "R" + std::to_string(100 + i).substr(1);
    a.counter_name = "Counter " + std::to_string(1 + i % 3);
    a.customer_language = i % 2 == 0 ? SpeechLanguage::kEn : SpeechLanguage::kRu;
    queue.Enqueue(a);
  }
  ASSERT_TRUE(queue.WaitIdle(60s));
  const auto played = queue.played();
  ASSERT_EQ(played.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(played[i].ticket_id, i + 1);
  const auto clips = output.played();
  ASSERT_EQ(clips.size(), 20u);
  for (std::size_t i = 0; i < clips.size(); ++i) {
    EXPECT_EQ(clips[i].samples_played, clips[i].samples_given) << "clip " << i << " cut off";
    EXPECT_GT(clips[i].clip.Rms(), 0.02);
    if (i > 0) {
      EXPECT_LE(clips[i - 1].end, clips[i].start) << "clips " << i - 1 << " and " << i;
    }
  }
  // The bilingual ones are longer than the Russian-only ones next to them.
  EXPECT_GT(clips[1].clip.duration(), clips[0].clip.duration());
}

// A board runs 24/7: the queue keeps only the last kPlayedKept announcements.
TEST(AnnouncementTest, PlayedAnnouncementsStayBounded) {
  EspeakSynthesizer synth;
  RecordingAudioOutput output;
  VoiceSettings off;
  off.enabled = false;  // nothing to synthesise: fast
  AnnouncementQueue queue(synth, output, off);
  const std::size_t n = AnnouncementQueue::kPlayedKept * 3 + 7;
  for (std::size_t i = 1; i <= n; ++i) {
    Announcement a;
    a.ticket_id = static_cast<int64_t>(i);
    queue.Enqueue(a);
  }
  ASSERT_TRUE(queue.WaitIdle(30s));
  EXPECT_EQ(queue.played_count(), n);
  const auto played = queue.played();
  ASSERT_EQ(played.size(), AnnouncementQueue::kPlayedKept);
  EXPECT_EQ(played.front().ticket_id, static_cast<int64_t>(n - AnnouncementQueue::kPlayedKept + 1));
  EXPECT_EQ(played.back().ticket_id, static_cast<int64_t>(n));
}

TEST(AnnouncementTest, VoiceOffPlaysNothingButKeepsOrder) {
  EspeakSynthesizer synth;
  RecordingAudioOutput output;
  VoiceSettings off;
  off.enabled = false;
  AnnouncementQueue queue(synth, output, off);
  Announcement a;
  a.display_number = "R001";
  queue.Enqueue(a);
  ASSERT_TRUE(queue.WaitIdle(5s));
  EXPECT_EQ(queue.played().size(), 1u);
  EXPECT_TRUE(output.played().empty());
}

}  // namespace
}  // namespace shop::queue::board
