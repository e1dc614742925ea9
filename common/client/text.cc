#include "common/client/text.h"

#include <array>
#include <cctype>
#include <cstdint>

#include "absl/time/time.h"

namespace shop::queue::client {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct StateWord {
  v1::TicketState state;
  std::string_view word;
};

constexpr std::array<StateWord, 8> kStateWords = {{
    {v1::TICKET_STATE_WAITING, "waiting"},
    {v1::TICKET_STATE_CALLED, "called"},
    {v1::TICKET_STATE_SERVING, "serving"},
    {v1::TICKET_STATE_DONE, "done"},
    {v1::TICKET_STATE_NO_SHOW, "no_show"},
    {v1::TICKET_STATE_CANCELLED, "cancelled"},
    {v1::TICKET_STATE_EXPIRED, "expired"},
    {v1::TICKET_STATE_PARKED, "parked"},
}};

struct PriorityWord {
  v1::PriorityClass priority;
  std::string_view word;
  Msg text;
};

constexpr std::array<PriorityWord, 5> kPriorityWords = {{
    {v1::PRIORITY_CLASS_UNSPECIFIED, "none", Msg::kPriorityNone},
    {v1::PRIORITY_CLASS_ELDERLY, "elderly", Msg::kPriorityElderly},
    {v1::PRIORITY_CLASS_DISABLED, "disabled", Msg::kPriorityDisabled},
    {v1::PRIORITY_CLASS_PREGNANT, "pregnant", Msg::kPriorityPregnant},
    {v1::PRIORITY_CLASS_WITH_CHILDREN, "children", Msg::kPriorityChildren},
}};

// One row of the translation table; indexed by Msg.
struct Translation {
  Msg msg;
  std::string_view ru;
  std::string_view en;
  std::string_view zh;
};

constexpr Translation kTable[] = {
    {Msg::kYourNumber, "Ваш номер", "Your number", "您的号码"},
    {Msg::kService, "Услуга", "Service", "服务"},
    {Msg::kIssued, "Выдан", "Issued", "取号时间"},
    {Msg::kPeopleAhead, "Перед вами", "People ahead", "前面等候人数"},
    {Msg::kEstimatedWait, "Ожидание", "Estimated wait", "预计等候"},
    {Msg::kBusinessDay, "Дата", "Business day", "营业日"},
    {Msg::kAppointmentAt, "Время записи", "Appointment at", "预约时间"},
    {Msg::kPriority, "Приоритет", "Priority", "优先"},
    {Msg::kWatchBoard, "Следите за вызовом на табло", "Please watch the board for your number",
     "请留意显示屏叫号"},
    {Msg::kMinutes, "мин", "min", "分钟"},
    {Msg::kChooseService, "Выберите услугу: нажмите её букву",
     "Choose a service: press its letter", "请选择服务：按对应字母"},
    {Msg::kBack, "назад", "back", "返回"},
    {Msg::kChoosePriority, "Нужно приоритетное обслуживание? Нажмите цифру",
     "Do you need priority service? Press a number", "是否需要优先服务？请按数字"},
    {Msg::kWaiting, "в очереди", "waiting", "等候"},
    {Msg::kTakeTicket, "Возьмите, пожалуйста, талон", "Please take your ticket",
     "请取走您的号票"},
    {Msg::kCannotIssue, "Извините, не удалось выдать талон", "Sorry, the ticket could not be issued",
     "抱歉，无法取号"},
    {Msg::kBranchClosed, "Отделение сейчас закрыто", "The branch is closed now",
     "本营业厅现在已关闭"},
    {Msg::kNoServices, "Нет доступных услуг", "No services are available", "暂无可用服务"},
    {Msg::kPressShownKey, "Нажмите одну из указанных клавиш", "Please press one of the keys shown",
     "请按所示按键"},
    {Msg::kPriorityNone, "Без приоритета", "No priority", "无需优先"},
    {Msg::kPriorityElderly, "Пожилой возраст", "Elderly", "老年人"},
    {Msg::kPriorityDisabled, "Инвалидность", "Disability", "残障人士"},
    {Msg::kPriorityPregnant, "Беременность", "Pregnancy", "孕妇"},
    {Msg::kPriorityChildren, "С маленькими детьми", "With small children", "携带幼儿"},
};

// Each row must sit at the index of its key, so Tr() can index directly.
constexpr bool TableInOrder() {
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<std::size_t>(kTable[i].msg) != i) return false;
  }
  return std::size(kTable) == static_cast<std::size_t>(Msg::kPriorityChildren) + 1;
}
static_assert(TableInOrder(), "kTable rows must follow the order of Msg");

// Decodes the code point at `i` of `s` and advances `i`; a malformed byte is
// taken as one narrow character.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                       : (lead >> 3) == 0x1E ? 4 : 1;
  if (i + length > s.size()) length = 1;
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += length;
  return cp;
}

bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

std::string_view TicketStateName(v1::TicketState state) {
  for (const StateWord& w : kStateWords) {
    if (w.state == state) return w.word;
  }
  return "unspecified";
}

std::optional<v1::TicketState> ParseTicketState(std::string_view text) {
  if (EqualsIgnoreCase(text, "no-show")) return v1::TICKET_STATE_NO_SHOW;
  for (const StateWord& w : kStateWords) {
    if (EqualsIgnoreCase(text, w.word)) return w.state;
  }
  return std::nullopt;
}

std::string_view PriorityName(v1::PriorityClass priority) {
  for (const PriorityWord& w : kPriorityWords) {
    if (w.priority == priority) return w.word;
  }
  return "none";
}

std::optional<v1::PriorityClass> ParsePriority(std::string_view text) {
  for (const PriorityWord& w : kPriorityWords) {
    if (EqualsIgnoreCase(text, w.word)) return w.priority;
  }
  return std::nullopt;
}

std::string_view LanguageCode(v1::Language language) {
  switch (language) {
    case v1::LANGUAGE_EN: return "en";
    case v1::LANGUAGE_ZH: return "zh";
    default: return "ru";
  }
}

std::optional<v1::Language> ParseLanguage(std::string_view text) {
  if (EqualsIgnoreCase(text, "ru")) return v1::LANGUAGE_RU;
  if (EqualsIgnoreCase(text, "en")) return v1::LANGUAGE_EN;
  if (EqualsIgnoreCase(text, "zh")) return v1::LANGUAGE_ZH;
  return std::nullopt;
}

std::string_view Tr(Msg msg, v1::Language language) {
  const Translation& row = kTable[static_cast<std::size_t>(msg)];
  switch (language) {
    case v1::LANGUAGE_EN: return row.en;
    case v1::LANGUAGE_ZH: return row.zh;
    default: return row.ru;
  }
}

std::string_view LabelSeparator(v1::Language language) {
  return language == v1::LANGUAGE_ZH ? "：" : ": ";
}

std::string_view PriorityText(v1::PriorityClass priority, v1::Language language) {
  for (const PriorityWord& w : kPriorityWords) {
    if (w.priority == priority) return Tr(w.text, language);
  }
  return Tr(Msg::kPriorityNone, language);
}

std::string ServiceName(const v1::Service& service, v1::Language language) {
  const std::string* preferred = &service.name_ru();
  if (language == v1::LANGUAGE_EN) preferred = &service.name_en();
  if (language == v1::LANGUAGE_ZH) preferred = &service.name_zh();
  for (const std::string* name : {preferred, &service.name_en(), &service.name_ru(),
                                  &service.name_zh()}) {
    if (!name->empty()) return *name;
  }
  return service.prefix();
}

std::string FormatLocalTime(const google::protobuf::Timestamp& t,
                            std::string_view time_zone) {
  if (t.seconds() == 0 && t.nanos() == 0) return "--:--";
  const absl::Time time = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  if (time_zone.empty()) return absl::FormatTime("%H:%M", time, absl::LocalTimeZone());
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(time_zone), &zone)) {
    return absl::FormatTime("%H:%M", time, absl::UTCTimeZone()) + " UTC";
  }
  return absl::FormatTime("%H:%M", time, zone);
}

std::string FormatWait(const google::protobuf::Duration& wait, v1::Language language) {
  int64_t seconds = wait.seconds() + (wait.nanos() > 0 ? 1 : 0);
  if (seconds < 0) seconds = 0;
  const int64_t minutes = (seconds + 59) / 60;
  std::string text = "~" + std::to_string(minutes);
  if (language != v1::LANGUAGE_ZH) text += ' ';
  text += Tr(Msg::kMinutes, language);
  return text;
}

std::size_t DisplayWidth(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = NextCodePoint(utf8, i);
    const bool combining = cp >= 0x0300 && cp <= 0x036F;
    if (!combining) width += IsWide(cp) ? 2 : 1;
  }
  return width;
}

std::string PadRight(std::string_view utf8, std::size_t width) {
  std::string text(utf8);
  const std::size_t have = DisplayWidth(utf8);
  if (have < width) text.append(width - have, ' ');
  return text;
}

}  // namespace shop::queue::client
