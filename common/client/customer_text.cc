#include "common/client/customer_text.h"

#include <cctype>
#include <cstddef>
#include <optional>

#include "common/client/errors.h"
#include "common/client/log.h"

namespace shop::queue::client {
namespace {

// The sentences, one row each; indexed by Sentence.
enum class Sentence {
  kUnavailable,
  kBusy,
  kKioskOutOfService,
  kCodeNotFound,
  kBadCode,
  kBookingNotFound,
  kTicketNotFound,
  kServiceNotOffered,
  kTooEarlyToCheckIn,  // the time is not known
  kSlotFull,
  kAlreadyBookedThatDay,
  kBranchClosed,
  kBookingNoLongerValid,   // at the kiosk
  kBookingCannotChange,    // on the web site
  kTooLateToBook,
  kTooFarAhead,
  kCheckWhatYouEntered,
  kNotPossibleNow,
  kSomethingWentWrong,
};

struct Row {
  Sentence sentence;
  std::string_view ru;
  std::string_view en;
  std::string_view zh;
};

constexpr Row kRows[] = {
    {Sentence::kUnavailable,
     "Сервер недоступен. Попробуйте через минуту или обратитесь к сотруднику.",
     "The system is not available right now. Please try again in a minute or ask a member of "
     "staff.",
     "系统暂时无法使用。请一分钟后再试，或咨询工作人员。"},
    {Sentence::kBusy,
     "Система перегружена. Попробуйте через минуту или обратитесь к сотруднику.",
     "The system is busy. Please try again in a minute or ask a member of staff.",
     "系统繁忙。请一分钟后再试，或咨询工作人员。"},
    {Sentence::kKioskOutOfService,
     "Терминал временно не работает. Пожалуйста, обратитесь к сотруднику.",
     "This kiosk is out of service. Please ask a member of staff.",
     "本机暂停服务。请咨询工作人员。"},
    {Sentence::kCodeNotFound,
     "Запись с таким кодом не найдена. Проверьте код или обратитесь к сотруднику.",
     "No booking was found with this code. Please check the code or ask a member of staff.",
     "未找到该预约码对应的预约。请核对预约码，或咨询工作人员。"},
    {Sentence::kBadCode,
     "Код записи состоит из 8 букв и цифр, например K7M2-QX9D. Проверьте код.",
     "A booking code has 8 letters and digits, for example K7M2-QX9D. Please check the code.",
     "预约码由8位字母和数字组成，例如 K7M2-QX9D。请核对预约码。"},
    {Sentence::kBookingNotFound,
     "Запись с таким кодом и номером телефона не найдена. Проверьте их и попробуйте снова.",
     "No booking was found with this code and phone number. Please check both and try again.",
     "未找到与该预约码和手机号对应的预约。请核对后重试。"},
    {Sentence::kTicketNotFound,
     "Талон не найден. Проверьте номер.",
     "This ticket was not found. Please check the number.",
     "未找到该号票。请核对号码。"},
    {Sentence::kServiceNotOffered,
     "Эта услуга здесь не предоставляется. Выберите другую услугу.",
     "This service is not offered here. Please choose another service.",
     "本营业厅不提供此项服务。请选择其他服务。"},
    {Sentence::kTooEarlyToCheckIn,
     "Слишком рано для регистрации. Подойдите ближе ко времени записи.",
     "It is too early to check in. Please come back closer to your appointment time.",
     "签到时间未到。请在接近预约时间时再来签到。"},
    {Sentence::kSlotFull,
     "На это время мест нет. Выберите другое время.",
     "This time is fully booked. Please choose another time.",
     "该时段已约满。请选择其他时间。"},
    {Sentence::kAlreadyBookedThatDay,
     "На этот номер телефона уже есть запись на эту услугу в этот день. Перенесите или "
     "отмените ту запись.",
     "This phone number already has a booking for this service on that day. Please move or "
     "cancel that booking instead.",
     "该手机号当天已预约此项服务。请改期或取消原预约。"},
    {Sentence::kBranchClosed,
     "Отделение сейчас закрыто. Талоны выдаются в часы работы.",
     "The branch is closed now. Tickets are issued during opening hours.",
     "营业厅现已关闭。请在营业时间内取号。"},
    {Sentence::kBookingNoLongerValid,
     "Эта запись недействительна (отменена или просрочена). Возьмите обычный талон или "
     "обратитесь к сотруднику.",
     "This booking is no longer valid (cancelled or expired). Please take an ordinary ticket "
     "or ask a member of staff.",
     "该预约已失效（已取消或已过期）。请取普通号票，或咨询工作人员。"},
    {Sentence::kBookingCannotChange,
     "Эту запись уже нельзя изменить: она отменена, использована или просрочена.",
     "This booking can no longer be changed: it was cancelled, used or has expired.",
     "该预约已无法更改：已取消、已使用或已过期。"},
    {Sentence::kTooLateToBook,
     "На это время записаться уже нельзя. Выберите более позднее время.",
     "It is too late to book this time. Please choose a later time.",
     "该时段已无法预约。请选择更晚的时间。"},
    {Sentence::kTooFarAhead,
     "Запись на эту дату ещё не открыта. Выберите более близкую дату.",
     "Bookings for that date are not open yet. Please choose an earlier date.",
     "该日期尚未开放预约。请选择更近的日期。"},
    {Sentence::kCheckWhatYouEntered,
     "Проверьте введённые данные:",
     "Please check what you entered:",
     "请检查您输入的信息："},
    {Sentence::kNotPossibleNow,
     "Сейчас это сделать нельзя. Обратитесь к сотруднику.",
     "This cannot be done right now. Please ask a member of staff.",
     "目前无法办理。请咨询工作人员。"},
    {Sentence::kSomethingWentWrong,
     "Произошла ошибка. Обратитесь к сотруднику.",
     "Something went wrong. Please ask a member of staff.",
     "系统出现错误。请咨询工作人员。"},
};

constexpr bool RowsInOrder() {
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    if (static_cast<std::size_t>(kRows[i].sentence) != i) return false;
  }
  return std::size(kRows) == static_cast<std::size_t>(Sentence::kSomethingWentWrong) + 1;
}
static_assert(RowsInOrder(), "kRows must follow the order of Sentence");

std::string Say(Sentence sentence, v1::Language language) {
  const Row& row = kRows[static_cast<std::size_t>(sentence)];
  switch (language) {
    case v1::LANGUAGE_EN: return std::string(row.en);
    case v1::LANGUAGE_ZH: return std::string(row.zh);
    default: return std::string(row.ru);
  }
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool IsKiosk(CustomerAction action) {
  switch (action) {
    case CustomerAction::kShowServices:
    case CustomerAction::kTakeTicket:
    case CustomerAction::kCheckIn:
    case CustomerAction::kShowTicket:
      return true;
    default:
      return false;
  }
}

// "too early: check in from 14:00" or "... from 14:00 on 2026-12-01" (see
// BookingManager::CheckIn): the sentence with the time, if it parses.
std::optional<std::string> TooEarly(std::string_view message, v1::Language language) {
  constexpr std::string_view kPrefix = "too early: check in from ";
  if (!StartsWith(message, kPrefix)) return std::nullopt;
  std::string_view rest = message.substr(kPrefix.size());
  if (rest.size() < 5 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || rest[2] != ':' ||
      !IsDigit(rest[3]) || !IsDigit(rest[4])) {
    return Say(Sentence::kTooEarlyToCheckIn, language);
  }
  const std::string time(rest.substr(0, 5));
  rest.remove_prefix(5);
  std::string date;
  constexpr std::string_view kOn = " on ";
  if (StartsWith(rest, kOn) && rest.size() >= kOn.size() + 10) {
    date = std::string(rest.substr(kOn.size(), 10));
  }
  switch (language) {
    case v1::LANGUAGE_EN:
      return "It is too early to check in. Check-in for your booking opens at " + time +
             (date.empty() ? "" : " on " + date) + ".";
    case v1::LANGUAGE_ZH:
      return "签到时间未到。请从" + (date.empty() ? "" : date + " ") + time + "起签到。";
    default:
      return "Слишком рано для регистрации. Регистрация по вашей записи начнётся " +
             (date.empty() ? "" : date + " ") + "в " + time + ".";
  }
}

// "too many requests from this address; retry in 3 s" (the public booking
// API's limit): the sentence with the wait, if it parses.
std::optional<std::string> RetryIn(std::string_view message, v1::Language language) {
  constexpr std::string_view kRetryIn = "retry in ";
  const std::size_t at = message.find(kRetryIn);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + kRetryIn.size());
  std::string seconds;
  while (!rest.empty() && IsDigit(rest.front()) && seconds.size() < 6) {
    seconds += rest.front();
    rest.remove_prefix(1);
  }
  if (seconds.empty() || rest != " s") return std::nullopt;
  switch (language) {
    case v1::LANGUAGE_EN:
      return "Too many requests. Please try again in " + seconds + " s.";
    case v1::LANGUAGE_ZH:
      return "请求过多。请在" + seconds + "秒后重试。";
    default:
      return "Слишком много запросов. Попробуйте снова через " + seconds + " с.";
  }
}

// A FAILED_PRECONDITION the customer can act on, told by its message.
std::optional<Sentence> KnownRefusal(std::string_view message, CustomerAction action) {
  if (Contains(message, " is full; choose another time")) return Sentence::kSlotFull;
  if (Contains(message, "already has an active booking")) return Sentence::kAlreadyBookedThatDay;
  if (Contains(message, " is closed now")) return Sentence::kBranchClosed;
  if (StartsWith(message, "too late to book")) return Sentence::kTooLateToBook;
  if (StartsWith(message, "too far ahead")) return Sentence::kTooFarAhead;
  if (StartsWith(message, "too early")) return Sentence::kTooEarlyToCheckIn;
  if (Contains(message, " was cancelled") || Contains(message, " has expired") ||
      Contains(message, " was for another day") || StartsWith(message, "the booking is ")) {
    return IsKiosk(action) ? Sentence::kBookingNoLongerValid : Sentence::kBookingCannotChange;
  }
  return std::nullopt;
}

}  // namespace

std::string_view CustomerActionName(CustomerAction action) {
  switch (action) {
    case CustomerAction::kShowServices: return "show services";
    case CustomerAction::kTakeTicket: return "take ticket";
    case CustomerAction::kCheckIn: return "check in";
    case CustomerAction::kShowTicket: return "show ticket";
    case CustomerAction::kFindSlots: return "find slots";
    case CustomerAction::kBook: return "book";
    case CustomerAction::kShowBooking: return "show booking";
    case CustomerAction::kChangeBooking: return "change booking";
  }
  return "call";
}

std::string CustomerText(const grpc::Status& status, CustomerAction action,
                         v1::Language language) {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return Say(Sentence::kUnavailable, language);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      if (std::optional<std::string> later = RetryIn(message, language)) return *later;
      return Say(Sentence::kBusy, language);
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      // A kiosk's device token is missing, wrong or revoked; the public
      // booking API needs none, so there it is the server's fault.
      return Say(IsKiosk(action) ? Sentence::kKioskOutOfService : Sentence::kSomethingWentWrong,
                 language);
    case grpc::StatusCode::NOT_FOUND:
      switch (action) {
        case CustomerAction::kCheckIn: return Say(Sentence::kCodeNotFound, language);
        case CustomerAction::kShowBooking:
        case CustomerAction::kChangeBooking: return Say(Sentence::kBookingNotFound, language);
        case CustomerAction::kShowTicket: return Say(Sentence::kTicketNotFound, language);
        case CustomerAction::kTakeTicket:
        case CustomerAction::kFindSlots:
        case CustomerAction::kBook: return Say(Sentence::kServiceNotOffered, language);
        default: return Say(Sentence::kSomethingWentWrong, language);
      }
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE: {
      if (std::optional<std::string> early = TooEarly(message, language)) return *early;
      if (std::optional<Sentence> known = KnownRefusal(message, action)) {
        return Say(*known, language);
      }
      return Say(Sentence::kNotPossibleNow, language);
    }
    case grpc::StatusCode::INVALID_ARGUMENT: {
      const auto violations = FieldViolations(status);
      const bool about_code =
          action == CustomerAction::kCheckIn &&
          (violations.empty() ? StartsWith(message, "code")
                              : violations.size() == 1 && violations[0].first == "code");
      if (about_code) return Say(Sentence::kBadCode, language);
      std::string text = Say(Sentence::kCheckWhatYouEntered, language);
      if (violations.empty()) {
        text += "\n  " + message;  // starts with the field's name
      } else {
        for (const auto& [field, description] : violations) {
          text += "\n  " + field + ": " + description;
        }
      }
      return text;
    }
    default:
      return Say(Sentence::kSomethingWentWrong, language);
  }
}

std::string TellCustomer(const grpc::Status& status, CustomerAction action,
                         v1::Language language) {
  LogFailure(CustomerActionName(action), status);
  return CustomerText(status, action, language);
}

}  // namespace shop::queue::client
