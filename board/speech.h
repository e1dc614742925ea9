// What the hall board says when it calls a ticket, as a person says it:
// "эр семнадцать, окно три", "R seventeen, counter three",
// "R 十七号，请到三号窗口". Plain C++ (no Qt, no audio): the words only.
//
// Each utterance comes in two forms: `text`, the words as written (for logs,
// tests and captions), and `espeak`, what to feed espeak-ng's voice for that
// language. They differ for Chinese: Debian 12's espeak-ng 1.51 `cmn`
// dictionary reads most characters (号, 请, 到, 口) as English spellings of
// their pinyin, so those syllables go to it as phonemes ([[...]], synthesised
// with espeakPHONEMES), and numbers as Arabic digits, which it reads as
// Chinese numerals (17 -> shi2 qi1).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shop::queue::board {

enum class SpeechLanguage { kRu, kEn, kZh };

// "ru", "en", "zh".
std::string_view LanguageCode(SpeechLanguage language);
// "ru", "en", "zh" (any case; "cmn" too) -> the language; nullopt otherwise.
std::optional<SpeechLanguage> ParseLanguage(std::string_view code);
// The espeak-ng voice: "ru", "en", "cmn".
const char* EspeakVoice(SpeechLanguage language);

// A number in words, 0..999999 ("семнадцать", "seventeen", "十七").
std::string NumberWords(int number, SpeechLanguage language);
// The name of a Latin letter as said in the language (Russian: R "эр",
// N "эн", P "пэ", C "цэ"); English and Chinese keep the capital letter,
// which their voices name themselves. Another character: itself.
std::string LetterName(char letter, SpeechLanguage language);

// A ticket number as said: the letters named, the digits as one number
// without leading zeros ("R017" -> "эр семнадцать" / "R seventeen" / "R 十七号").
std::string SpokenNumber(std::string_view display_number, SpeechLanguage language);

// The number of a counter from its name or id ("Counter 3", "3" -> 3), if
// either ends in digits.
std::optional<int> CounterNumber(std::string_view counter_name, std::string_view counter_id);

struct Utterance {
  std::string text;    // as written
  std::string espeak;  // input for espeak-ng (may hold [[phonemes]])
};

// The whole call: "эр семнадцать, окно три". A counter without a number is
// said by its name (or id). Brackets are dropped from the number and the
// name, so nothing given can reach espeak-ng as [[phonemes]].
Utterance SpokenCall(std::string_view display_number, std::string_view counter_name,
                     std::string_view counter_id, SpeechLanguage language);

}  // namespace shop::queue::board
