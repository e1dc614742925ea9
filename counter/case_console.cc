#include "counter/case_console.h"

#include <cctype>
#include <utility>

#include "common/client/rpc.h"
#include "counter/case_format.h"
#include "counter/format.h"

namespace shop::queue::counter {
namespace {

constexpr std::string_view kClearScreen = "\x1b[2J\x1b[H";
constexpr std::string_view kKeys =
    "keys: n next step  w waive fee  x cancel case  u unlock a number  r reload  ? help  "
    "q back";

std::string Lower(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> ParseYesNo(std::string_view text) {
  const std::string word = Lower(text);
  if (word == "y" || word == "yes") return true;
  if (word == "n" || word == "no") return false;
  return std::nullopt;
}

}  // namespace

std::string_view CaseKeyHelp() {
  return "n  the next step: asks for what it needs, then sends it\n"
         "w  waive the fee (a supervisor confirms with login and password)\n"
         "x  cancel the case (before card issue; a paid case needs a supervisor)\n"
         "u  unlock a number locked after failed identity checks (a supervisor)\n"
         "r  reload the case   ?  this help   q  back to the counter screen\n"
         "While typing an answer: Enter accepts it, Escape cancels the step.";
}

std::string CaseScreen::Run(int64_t ticket_id, std::string_view ticket) {
  grpc::Status status = cases_.GetByTicket(ticket_id, &case_);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    const std::string label =
        ticket.empty() ? "ticket id " + std::to_string(ticket_id) : std::string(ticket);
    out_ << '\n' << ManualCaseWarning(label) << "open a SIM-replacement case for " << label
         << " by hand? (y/N): ";
    std::optional<char> key = keys_.ReadKey();
    if (key && *key != '\n' && *key != '\x1b') out_ << *key;
    out_ << '\n';
    if (!key || std::tolower(static_cast<unsigned char>(*key)) != 'y') {
      return "no case opened for " + label;
    }
    status = cases_.Open(ticket_id, &case_);
    if (status.ok()) message_ = "opened " + FormatCaseLine(case_);
  }
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return std::string(kSessionEnded);
  }
  if (!status.ok()) return "no case: " + DescribeRefusal(status);
  for (;;) {
    Render();
    std::optional<char> key = keys_.ReadKey();
    if (!key) break;
    if (*key != '\n') out_ << *key << '\n';
    if (!HandleKey(*key)) break;
  }
  return "left " + FormatCaseLine(case_);
}

void CaseScreen::Render() {
  if (keys_.interactive()) out_ << kClearScreen;
  out_ << "---- SIM replacement, branch " << cases_.branch_id() << ", counter "
       << cases_.counter_id() << " ----\n";
  out_ << FormatCase(case_);
  out_ << kKeys << '\n';
  if (!message_.empty()) out_ << '\n' << message_ << '\n';
  out_ << "> ";
  message_.clear();
}

bool CaseScreen::HandleKey(char key) {
  switch (std::tolower(static_cast<unsigned char>(key))) {
    case 'q': return false;
    case 'n': NextStep(); break;
    case 'w': Waive(); break;
    case 'x': Cancel(); break;
    case 'u': Unlock(); break;
    case 'r': Reload(); break;
    case '?': message_ = std::string(CaseKeyHelp()); break;
    case '\n': break;
    default: message_ = "unknown key '" + std::string(1, key) + "' (? for help)";
  }
  return true;
}

void CaseScreen::NextStep() {
  switch (case_.state()) {
    case v1::CASE_STATE_AWAITING_FORM: return Form();
    case v1::CASE_STATE_AWAITING_IDENTITY: return Identity();
    case v1::CASE_STATE_AWAITING_PAYMENT: return Payment();
    case v1::CASE_STATE_AWAITING_CARD: return Card();
    case v1::CASE_STATE_AWAITING_BLOCK: return Block();
    case v1::CASE_STATE_AWAITING_CLOSE: return Close();
    default: message_ = "nothing to do: the case is " + std::string(CaseStateName(case_.state()));
  }
}

void CaseScreen::Form() {
  out_ << "\nform (one answer per line; Escape cancels)\n";
  // After a refusal the clerk corrects only the bad fields: Enter keeps the
  // rest. The draft lives only while the screen does.
  const v1::CaseForm before = draft_.value_or(v1::CaseForm());
  v1::CaseForm form;
  std::optional<std::string> text =
      AskField("phone number, e.g. +7 916 123-45-67", before.phone(), Echo::kHidden);
  if (!text) return;
  form.set_phone(*text);
  if (!(text = AskField("operator (megafon, beeline, tele2)", before.operator_id(),
                        Echo::kPlain))) {
    return;
  }
  form.set_operator_id(Lower(*text));
  std::optional<v1::ReplacementReason> reason = AskWord<v1::ReplacementReason>(
      FieldPrompt("reason (lost, stolen, damaged, format_change)",
                  before.reason() != v1::REPLACEMENT_REASON_UNSPECIFIED),
      ParseReason, before.reason());
  if (!reason) return;
  form.set_reason(*reason);
  if (!(text = AskField("full name as in the document", before.full_name(), Echo::kHidden))) {
    return;
  }
  form.set_full_name(*text);
  std::optional<v1::DocumentType> type = AskWord<v1::DocumentType>(
      FieldPrompt("document (ru_passport, foreign_passport, residence_permit)",
                  before.document_type() != v1::DOCUMENT_TYPE_UNSPECIFIED),
      ParseDocumentType, before.document_type());
  if (!type) return;
  form.set_document_type(*type);
  if (!(text = AskField("document number (passport: NNNN NNNNNN)", before.document_number(),
                        Echo::kHidden))) {
    return;
  }
  form.set_document_number(*text);
  if (!(text = AskField("contact for the notice (a mobile number or e-mail)", before.contact(),
                        Echo::kHidden))) {
    return;
  }
  form.set_contact(*text);
  std::optional<bool> consent = AskYesNo("  consent to processing of personal data? (y/n): ");
  if (!consent) return;
  form.set_consent(*consent);
  v1::Case updated;
  grpc::Status status = cases_.SubmitForm(case_.case_id(), form, &updated);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    draft_ = std::move(form);
    message_ = "refused: " + DescribeRefusal(status) +
               "\nn: correct the form (Enter keeps an answer)";
    return;
  }
  draft_.reset();
  Apply(status, updated);
}

void CaseScreen::Identity() {
  out_ << "\nidentity check (Escape cancels)\n";
  if (!case_.question().empty()) out_ << "  ask the customer: " << case_.question() << '\n';
  IdentityCheck check;
  std::optional<v1::DocumentType> type = AskWord<v1::DocumentType>(
      "  document presented (ru_passport, foreign_passport, residence_permit): ",
      ParseDocumentType, v1::DOCUMENT_TYPE_UNSPECIFIED);
  if (!type) return;
  check.document_type = *type;
  std::optional<std::string> text = Ask("  document number: ", Echo::kHidden);
  if (!text) return;
  check.document_number = *text;
  std::optional<bool> face = AskYesNo("  does the face match the document's photo? (y/n): ");
  if (!face) return;
  check.face_matches = *face;
  if (!(text = Ask("  the customer's answer: ", Echo::kHidden))) return;
  check.answer = *text;
  v1::CheckIdentityResponse response;
  grpc::Status status = cases_.CheckIdentity(case_.case_id(), check, &response);
  if (!status.ok()) return Refused(status);
  case_ = response.sim_case();
  message_ = FormatIdentityOutcome(response);
  if (response.passed()) {
    message_ += ": " + FormatCaseLine(case_);
  } else if (response.locked()) {
    message_ += "; a supervisor can unlock it (u)";
  }
}

void CaseScreen::Payment() {
  out_ << "\npayment of " << case_.fee_roubles() << " roubles (Escape cancels)\n";
  std::optional<std::string> text = Ask("  cash or card (w: a supervisor waives it): ");
  if (!text) return;
  if (Lower(*text) == "w" || Lower(*text) == "waive") return Waive();
  std::optional<v1::PaymentMethod> method = ParsePaymentMethod(*text);
  if (!method) {
    message_ = "payment not recorded: say cash or card";
    return;
  }
  v1::Case updated;
  Apply(cases_.Pay(case_.case_id(), *method, &updated), updated);
  if (!case_.receipt_number().empty()) message_ += "\nreceipt " + case_.receipt_number();
}

void CaseScreen::Card() {
  out_ << "\ncard issue (Escape cancels)\n";
  std::optional<std::string> iccid =
      Ask("  ICCID of a blank " + case_.operator_id() + " card (scan or type): ");
  if (!iccid) return;
  v1::Case updated;
  Apply(cases_.IssueCard(case_.case_id(), *iccid, &updated), updated);
}

void CaseScreen::Block() {
  std::optional<bool> yes =
      AskYesNo("\nactivate the new card and block the old one now? (y/n): ");
  if (!yes) return;
  if (!*yes) {
    message_ = "not blocked";
    return;
  }
  v1::Case updated;
  Apply(cases_.BlockOldCard(case_.case_id(), &updated), updated);
}

void CaseScreen::Close() {
  std::optional<bool> yes = AskYesNo("\nclose the case and print the summary? (y/n): ");
  if (!yes) return;
  if (!*yes) {
    message_ = "not closed";
    return;
  }
  v1::CloseCaseResponse response;
  grpc::Status status = cases_.Close(case_.case_id(), &response);
  if (!status.ok()) return Refused(status);
  case_ = response.sim_case();
  message_ = "ok: " + FormatCaseLine(case_) + "\n---- summary for the customer ----\n" +
             response.summary();
}

void CaseScreen::Waive() {
  out_ << "\nfee waiver (Escape cancels)\n";
  std::optional<std::string> reason = Ask("  why is the fee waived: ");
  if (!reason) return;
  std::optional<SupervisorCredentials> supervisor;
  if (!AskSupervisor(/*optional=*/false, &supervisor)) return;
  v1::Case updated;
  Apply(cases_.WaiveFee(case_.case_id(), *reason, *supervisor, &updated), updated);
}

void CaseScreen::Cancel() {
  out_ << "\ncancel the case (Escape keeps it)\n";
  std::optional<std::string> reason = Ask("  why is it cancelled: ");
  if (!reason) return;
  const bool paid = case_.payment_method() == v1::PAYMENT_METHOD_CASH ||
                    case_.payment_method() == v1::PAYMENT_METHOD_CARD;
  if (paid) out_ << "  the fee was paid: a supervisor confirms the refund\n";
  std::optional<SupervisorCredentials> supervisor;
  if (!AskSupervisor(/*optional=*/!paid, &supervisor)) return;
  v1::Case updated;
  Apply(cases_.Cancel(case_.case_id(), *reason, supervisor, &updated), updated);
}

void CaseScreen::Unlock() {
  out_ << "\nunlock a number for SIM change (Escape cancels)\n";
  std::optional<std::string> phone = Ask("  the locked number: ", Echo::kHidden);
  if (!phone) return;
  std::optional<std::string> reason = Ask("  why is it unlocked: ");
  if (!reason) return;
  std::optional<SupervisorCredentials> supervisor;
  if (!AskSupervisor(/*optional=*/false, &supervisor)) return;
  grpc::Status status = cases_.UnlockNumber(*phone, *reason, *supervisor);
  if (!status.ok()) return Refused(status);
  message_ = "ok: the number is unlocked for SIM change";
}

void CaseScreen::Reload() {
  v1::Case fresh;
  grpc::Status status = cases_.Get(case_.case_id(), &fresh);
  if (!status.ok()) return Refused(status);
  case_ = std::move(fresh);
}

void CaseScreen::Apply(const grpc::Status& status, const v1::Case& sim_case) {
  if (!status.ok()) return Refused(status);
  case_ = sim_case;
  message_ = "ok: " + FormatCaseLine(case_);
}

void CaseScreen::Refused(const grpc::Status& status) { message_ = RefusalLine(status); }

std::optional<std::string> CaseScreen::Ask(std::string_view prompt, Echo echo) {
  out_ << prompt;
  std::optional<std::string> answer = keys_.ReadLine();
  if (!answer) {
    if (message_.empty()) message_ = "cancelled";
    return std::nullopt;
  }
  if (!keys_.interactive()) {  // a terminal echoes itself
    out_ << (echo == Echo::kPlain || answer->empty() ? *answer : "(hidden)") << '\n';
  }
  return answer;
}

std::string CaseScreen::FieldPrompt(std::string_view label, bool has_previous) {
  return "  " + std::string(label) + (has_previous ? " [Enter: as before]" : "") + ": ";
}

std::optional<std::string> CaseScreen::AskField(std::string_view label,
                                                const std::string& previous, Echo echo) {
  std::optional<std::string> answer = Ask(FieldPrompt(label, !previous.empty()), echo);
  if (answer && answer->empty()) return previous;
  return answer;
}

std::optional<bool> CaseScreen::AskYesNo(std::string_view prompt) {
  for (;;) {
    std::optional<std::string> answer = Ask(prompt);
    if (!answer) return std::nullopt;
    if (std::optional<bool> yes = ParseYesNo(*answer)) return yes;
    out_ << "  please answer y or n\n";
  }
}

template <typename T>
std::optional<T> CaseScreen::AskWord(
    std::string_view prompt, const std::function<std::optional<T>(std::string_view)>& parse,
    T empty) {
  for (;;) {
    std::optional<std::string> answer = Ask(prompt);
    if (!answer) return std::nullopt;
    if (answer->empty()) return empty;  // the server names the missing field
    if (std::optional<T> value = parse(*answer)) return value;
    out_ << "  not one of the words shown; try again\n";
  }
}

bool CaseScreen::AskSupervisor(bool optional, std::optional<SupervisorCredentials>* out) {
  out->reset();
  std::optional<std::string> login =
      Ask(optional ? "  supervisor's login (Enter for none): " : "  supervisor's login: ");
  if (!login) return false;
  if (optional && login->empty()) return true;
  out_ << "  supervisor's password: ";
  std::optional<std::string> password = keys_.ReadSecret();
  if (!password) {
    out_ << '\n';
    message_ = "cancelled";
    return false;
  }
  out_ << (keys_.interactive() ? "" : "(hidden)") << '\n';
  *out = SupervisorCredentials{*login, std::move(*password)};
  return true;
}

}  // namespace shop::queue::counter
