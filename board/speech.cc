#include "board/speech.h"

#include <array>
#include <cctype>

namespace shop::queue::board {
namespace {

constexpr std::array<const char*, 20> kRuSmall = {
    "ноль",       "один",        "два",        "три",          "четыре",
    "пять",       "шесть",       "семь",       "восемь",       "девять",
    "десять",     "одиннадцать", "двенадцать", "тринадцать",   "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
constexpr std::array<const char*, 10> kRuTens = {"",         "",          "двадцать",
                                                 "тридцать", "сорок",     "пятьдесят",
                                                 "шестьдесят", "семьдесят", "восемьдесят",
                                                 "девяносто"};
constexpr std::array<const char*, 10> kRuHundreds = {
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
    "девятьсот"};

constexpr std::array<const char*, 20> kEnSmall = {
    "zero",    "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kEnTens = {"",      "",      "twenty",  "thirty", "forty",
                                                 "fifty", "sixty", "seventy", "eighty", "ninety"};

constexpr std::array<const char*, 10> kZhDigits = {"零", "一", "二", "三", "四",
                                                   "五", "六", "七", "八", "九"};

void Append(std::string* text, std::string_view word) {
  if (word.empty()) return;
  if (!text->empty()) *text += ' ';
  *text += word;
}

// 1..999 in Russian; `feminine` for thousands (одна, две).
std::string RuBelowThousand(int n, bool feminine) {
  std::string text;
  Append(&text, kRuHundreds[n / 100]);
  n %= 100;
  if (n >= 20) {
    Append(&text, kRuTens[n / 10]);
    n %= 10;
  }
  if (n > 0) {
    if (feminine && n == 1) {
      Append(&text, "одна");
    } else if (feminine && n == 2) {
      Append(&text, "две");
    } else {
      Append(&text, kRuSmall[n]);
    }
  }
  return text;
}

std::string RuWords(int n) {
  if (n == 0) return kRuSmall[0];
  std::string text;
  if (const int thousands = n / 1000; thousands > 0) {
    Append(&text, RuBelowThousand(thousands, /*feminine=*/true));
    const int last_two = thousands % 100;
    const int last = thousands % 10;
    if (last_two >= 11 && last_two <= 14) {
      Append(&text, "тысяч");
    } else if (last == 1) {
      Append(&text, "тысяча");
    } else if (last >= 2 && last <= 4) {
      Append(&text, "тысячи");
    } else {
      Append(&text, "тысяч");
    }
  }
  Append(&text, RuBelowThousand(n % 1000, /*feminine=*/false));
  return text;
}

std::string EnBelowThousand(int n) {
  std::string text;
  if (n >= 100) {
    Append(&text, kEnSmall[n / 100]);
    Append(&text, "hundred");
    n %= 100;
  }
  if (n >= 20) {
    std::string tens = kEnTens[n / 10];
    if (n % 10 != 0) tens += std::string("-") + kEnSmall[n % 10];
    Append(&text, tens);
  } else if (n > 0) {
    Append(&text, kEnSmall[n]);
  }
  return text;
}

std::string EnWords(int n) {
  if (n == 0) return kEnSmall[0];
  std::string text;
  if (n >= 1000) {
    Append(&text, EnBelowThousand(n / 1000));
    Append(&text, "thousand");
  }
  Append(&text, EnBelowThousand(n % 1000));
  return text;
}

// 1..9999 in Chinese, with 零 for inner gaps; `leading` false when a higher
// section came before (so 10 is 一十 there, 十 at the start).
std::string ZhBelowTenThousand(int n, bool leading) {
  static constexpr std::array<const char*, 4> kUnits = {"千", "百", "十", ""};
  static constexpr std::array<int, 4> kPowers = {1000, 100, 10, 1};
  std::string text;
  bool gap = false;
  bool started = !leading;
  for (std::size_t i = 0; i < kPowers.size(); ++i) {
    const int digit = (n / kPowers[i]) % 10;
    if (digit == 0) {
      gap = started;
      continue;
    }
    if (gap) text += kZhDigits[0];
    gap = false;
    const bool bare_ten = i == 2 && digit == 1 && text.empty() && leading;
    if (!bare_ten) text += kZhDigits[digit];
    text += kUnits[i];
    started = true;
  }
  return text;
}

std::string ZhWords(int n) {
  if (n == 0) return kZhDigits[0];
  std::string text;
  if (n >= 10000) {
    text += ZhBelowTenThousand(n / 10000, /*leading=*/true) + "万";
    const int rest = n % 10000;
    if (rest > 0) {
      if (rest < 1000) text += kZhDigits[0];
      text += ZhBelowTenThousand(rest, /*leading=*/false);
    }
    return text;
  }
  return ZhBelowTenThousand(n, /*leading=*/true);
}

constexpr std::array<const char*, 26> kRuLetters = {
    "а",  "бэ", "цэ",  "дэ", "е",  "эф", "гэ", "аш", "и",  "йот", "ка",       "эль", "эм",
    "эн", "о",  "пэ",  "ку", "эр", "эс", "тэ", "у",  "вэ", "дубль-вэ", "икс", "игрек", "зэт"};

// Splits "R017" into letters "R" and number 17 (nullopt without digits).
void SplitNumber(std::string_view display, std::string* letters, std::optional<int>* number) {
  std::size_t i = 0;
  while (i < display.size() && !std::isdigit(static_cast<unsigned char>(display[i]))) ++i;
  *letters = std::string(display.substr(0, i));
  std::string_view digits = display.substr(i);
  if (digits.empty() || digits.size() > 6) return;
  int value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return;
    value = value * 10 + (c - '0');
  }
  *number = value;
}

std::string LettersSaid(std::string_view letters, SpeechLanguage language) {
  std::string text;
  for (char c : letters) {
    if (c == ' ' || c == '-') continue;
    Append(&text, LetterName(c, language));
  }
  return text;
}

// Pinyin syllables espeak-ng 1.51's cmn dictionary misreads, as phonemes.
constexpr const char* kZhHao = "[[x'au51]]";           // 号
constexpr const char* kZhQingDao = "[[tS;h'iN214 t'au51]]";  // 请到
constexpr const char* kZhChuangKou = "窗[[kh'ou214]]";     // 窗口

}  // namespace

std::string_view LanguageCode(SpeechLanguage language) {
  switch (language) {
    case SpeechLanguage::kRu: return "ru";
    case SpeechLanguage::kEn: return "en";
    case SpeechLanguage::kZh: return "zh";
  }
  return "ru";
}

std::optional<SpeechLanguage> ParseLanguage(std::string_view code) {
  std::string lower;
  for (char c : code) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "ru") return SpeechLanguage::kRu;
  if (lower == "en") return SpeechLanguage::kEn;
  if (lower == "zh" || lower == "cmn") return SpeechLanguage::kZh;
  return std::nullopt;
}

const char* EspeakVoice(SpeechLanguage language) {
  switch (language) {
    case SpeechLanguage::kRu: return "ru";
    case SpeechLanguage::kEn: return "en";
    case SpeechLanguage::kZh: return "cmn";
  }
  return "ru";
}

std::string NumberWords(int number, SpeechLanguage language) {
  if (number < 0) number = -number;
  if (number > 999999) number %= 1000000;
  switch (language) {
    case SpeechLanguage::kRu: return RuWords(number);
    case SpeechLanguage::kEn: return EnWords(number);
    case SpeechLanguage::kZh: return ZhWords(number);
  }
  return {};
}

std::string LetterName(char letter, SpeechLanguage language) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  if (upper < 'A' || upper > 'Z') return std::string(1, letter);
  if (language == SpeechLanguage::kRu) return kRuLetters[upper - 'A'];
  return std::string(1, upper);
}

std::string SpokenNumber(std::string_view display_number, SpeechLanguage language) {
  std::string letters;
  std::optional<int> number;
  SplitNumber(display_number, &letters, &number);
  std::string text = LettersSaid(letters, language);
  if (!number) return text.empty() ? std::string(display_number) : text;
  if (language == SpeechLanguage::kZh) return text + " " + NumberWords(*number, language) + "号";
  Append(&text, NumberWords(*number, language));
  return text;
}

std::optional<int> CounterNumber(std::string_view counter_name, std::string_view counter_id) {
  for (std::string_view s : {counter_name, counter_id}) {
    std::size_t end = s.size();
    while (end > 0 && s[end - 1] == ' ') --end;
    std::size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(s[begin - 1]))) --begin;
    if (begin == end || end - begin > 6) continue;
    return std::stoi(std::string(s.substr(begin, end - begin)));
  }
  return std::nullopt;
}

namespace {

// espeak-ng is given espeakPHONEMES: "[[" in a name would start phonemes.
// Names (and numbers) are words only: brackets are dropped.
std::string WithoutBrackets(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '[' && c != ']') out.push_back(c);
  }
  return out;
}

}  // namespace

Utterance SpokenCall(std::string_view display_number_given, std::string_view counter_name,
                     std::string_view counter_id, SpeechLanguage language) {
  const std::string number_text = WithoutBrackets(display_number_given);
  const std::string_view display_number = number_text;
  const std::optional<int> counter = CounterNumber(counter_name, counter_id);
  const std::string named = WithoutBrackets(counter_name.empty() ? counter_id : counter_name);
  Utterance u;
  switch (language) {
    case SpeechLanguage::kRu:
    case SpeechLanguage::kEn: {
      const char* window = language == SpeechLanguage::kRu ? "окно" : "counter";
      u.text = SpokenNumber(display_number, language) + ", " +
               (counter ? std::string(window) + " " + NumberWords(*counter, language) : named);
      u.espeak = u.text;
      break;
    }
    case SpeechLanguage::kZh: {
      u.text = SpokenNumber(display_number, language) + "，请到" +
               (counter ? NumberWords(*counter, language) + "号窗口" : named);
      std::string letters;
      std::optional<int> number;
      SplitNumber(display_number, &letters, &number);
      u.espeak = LettersSaid(letters, language);
      if (number) Append(&u.espeak, std::to_string(*number) + " " + kZhHao);
      if (u.espeak.empty()) u.espeak = std::string(display_number);
      u.espeak += std::string(", ") + kZhQingDao + " ";
      u.espeak += counter ? std::to_string(*counter) + " " + kZhHao + " " + kZhChuangKou : named;
      break;
    }
  }
  return u;
}

}  // namespace shop::queue::board
