#include "kiosk/kiosk_console.h"

#include <array>
#include <cctype>

#include "common/client/customer_text.h"
#include "common/client/log.h"
#include "common/client/text.h"
#include "kiosk/slip.h"

namespace shop::queue::kiosk {
namespace {

using client::Msg;
using client::Tr;

constexpr char kEscape = '\x1b';

constexpr std::array<v1::PriorityClass, 5> kPriorityKeys = {
    v1::PRIORITY_CLASS_UNSPECIFIED, v1::PRIORITY_CLASS_ELDERLY, v1::PRIORITY_CLASS_DISABLED,
    v1::PRIORITY_CLASS_PREGNANT, v1::PRIORITY_CLASS_WITH_CHILDREN};

char Upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

}  // namespace

std::optional<char> KioskConsole::ReadKey() {
  std::optional<char> key = keys_.ReadKey();
  if (key && *key != '\n' && *key != kEscape) out_ << *key << '\n';
  return key;
}

int KioskConsole::Run() {
  while (!quit_) {
    std::optional<Start> start = ChooseStart();
    if (!start) break;
    if (start->check_in) {
      CheckInBooking();
    } else {
      ServeCustomer(start->language);
    }
    if (keys_.at_eof()) break;
  }
  return 0;
}

std::optional<KioskConsole::Start> KioskConsole::ChooseStart() {
  out_ << "\n========================================\n"
       << "Выберите язык / Choose a language / 选择语言\n\n"
       << "  1  Русский\n  2  English\n  3  中文\n\n"
       << "  b  Я записан(а) / I have a booking / 我有预约\n"
       << "  q  quit\n> ";
  for (;;) {
    std::optional<char> key = ReadKey();
    if (!key || *key == 'q' || *key == 'Q') return std::nullopt;
    if (*key == '1') return Start{v1::LANGUAGE_RU, false};
    if (*key == '2') return Start{v1::LANGUAGE_EN, false};
    if (*key == '3') return Start{v1::LANGUAGE_ZH, false};
    if (*key == 'b' || *key == 'B') return Start{v1::LANGUAGE_UNSPECIFIED, true};
    if (*key != '\n') out_ << "\n1 / 2 / 3 / b ?\n> ";
  }
}

void KioskConsole::CheckInBooking() {
  out_ << "\nВведите код записи / Enter your booking code / 请输入预约码\n"
       << "(Enter: назад / back / 返回)\n> ";
  std::optional<std::string> typed = keys_.ReadWord();
  if (typed && !keys_.interactive()) out_ << *typed << '\n';  // a terminal echoes itself
  std::string code;
  for (char c : typed.value_or("")) {
    if (c != ' ') code += c;
  }
  if (code.empty()) return;
  CheckIn check_in;
  grpc::Status status = client_.CheckInBooking(code, &check_in);
  if (!status.ok()) {
    // The customer has not chosen a language yet: say it in all three.
    client::LogFailure(client::CustomerActionName(client::CustomerAction::kCheckIn), status);
    out_ << "\nНе удалось зарегистрироваться по записи / The booking could not be checked in / "
            "无法签到\n";
    for (v1::Language language : {v1::LANGUAGE_RU, v1::LANGUAGE_EN, v1::LANGUAGE_ZH}) {
      out_ << client::CustomerText(status, client::CustomerAction::kCheckIn, language) << '\n';
    }
    return;
  }
  v1::Language language = check_in.issued.ticket().language();
  if (language == v1::LANGUAGE_UNSPECIFIED) language = v1::LANGUAGE_RU;
  out_ << "\n\n"
       << FormatCheckInSlip(check_in.issued, check_in.late, check_in.slot_start, language)
       << '\n' << Tr(Msg::kTakeTicket, language) << '\n';
}

void KioskConsole::ServeCustomer(v1::Language language) {
  std::vector<v1::Service> services;
  if (!LoadServices(language, &services)) return;
  std::optional<v1::Service> service = ChooseService(language, services);
  if (!service) return;
  std::optional<v1::PriorityClass> priority = ChoosePriority(language);
  if (!priority) return;
  IssueTicket(language, *service, *priority);
}

bool KioskConsole::LoadServices(v1::Language language, std::vector<v1::Service>* services) {
  v1::Branch branch;
  grpc::Status status = client_.GetBranch(&branch);
  if (status.ok()) status = client_.ListServices(services);
  if (!status.ok()) {
    ShowFailure(language, status, client::CustomerAction::kShowServices);
    return false;
  }
  if (!branch.open_now()) {
    out_ << '\n' << Tr(Msg::kBranchClosed, language) << '\n';
    return false;
  }
  if (services->empty()) {
    out_ << '\n' << Tr(Msg::kNoServices, language) << '\n';
    return false;
  }
  out_ << '\n' << branch.display_name() << '\n';
  return true;
}

std::optional<v1::Service> KioskConsole::ChooseService(
    v1::Language language, const std::vector<v1::Service>& services) {
  out_ << Tr(Msg::kChooseService, language) << "\n\n";
  for (const v1::Service& s : services) {
    out_ << "  " << s.prefix() << "  "
         << client::PadRight(client::ServiceName(s, language), 32) << ' '
         << Tr(Msg::kWaiting, language) << client::LabelSeparator(language) << s.waiting_count() << '\n';
  }
  out_ << "\n  0  " << Tr(Msg::kBack, language) << "\n> ";
  for (;;) {
    std::optional<char> key = ReadKey();
    if (!key || *key == '0' || *key == kEscape) return std::nullopt;
    for (const v1::Service& s : services) {
      if (s.prefix().size() == 1 && s.prefix()[0] == Upper(*key)) return s;
    }
    if (Upper(*key) == 'Q') {
      quit_ = true;
      return std::nullopt;
    }
    if (*key != '\n') out_ << '\n' << Tr(Msg::kPressShownKey, language) << "\n> ";
  }
}

std::optional<v1::PriorityClass> KioskConsole::ChoosePriority(v1::Language language) {
  out_ << '\n' << Tr(Msg::kChoosePriority, language) << "\n\n";
  for (std::size_t i = 0; i < kPriorityKeys.size(); ++i) {
    out_ << "  " << i << "  " << client::PriorityText(kPriorityKeys[i], language) << '\n';
  }
  out_ << "> ";
  for (;;) {
    std::optional<char> key = ReadKey();
    if (!key || *key == kEscape) return std::nullopt;
    if (*key == '\n') return v1::PRIORITY_CLASS_UNSPECIFIED;  // Enter: no priority
    if (*key >= '0' && *key < static_cast<char>('0' + kPriorityKeys.size())) {
      return kPriorityKeys[static_cast<std::size_t>(*key - '0')];
    }
    out_ << '\n' << Tr(Msg::kPressShownKey, language) << "\n> ";
  }
}

void KioskConsole::IssueTicket(v1::Language language, const v1::Service& service,
                               v1::PriorityClass priority) {
  v1::CreateTicketResponse issued;
  grpc::Status status = client_.TakeTicket(service.prefix(), language, priority, &issued);
  if (!status.ok()) {
    ShowFailure(language, status, client::CustomerAction::kTakeTicket);
    return;
  }
  out_ << "\n\n" << FormatSlip(issued, language) << '\n'
       << Tr(Msg::kTakeTicket, language) << '\n';
}

void KioskConsole::ShowFailure(v1::Language language, const grpc::Status& status,
                               client::CustomerAction action) {
  out_ << '\n' << Tr(Msg::kCannotIssue, language) << '\n'
       << client::TellCustomer(status, action, language) << '\n';
}

}  // namespace shop::queue::kiosk
