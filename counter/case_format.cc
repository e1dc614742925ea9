#include "counter/case_format.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/time/time.h"
#include "common/client/rpc.h"
#include "common/client/text.h"

namespace shop::queue::counter {
namespace {

// Lowercase, '-' and ' ' as '_'.
std::string Normalize(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == ' ') c = '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

absl::TimeZone ZoneOf(std::string_view time_zone) {
  absl::TimeZone zone = absl::LocalTimeZone();
  if (!time_zone.empty() && !absl::LoadTimeZone(std::string(time_zone), &zone)) {
    zone = absl::UTCTimeZone();
  }
  return zone;
}

std::string FormatDate(const google::protobuf::Timestamp& t, std::string_view time_zone) {
  const absl::Time time = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%d", time, ZoneOf(time_zone));
}

// Appends "  label value" to `line` when `value` is not empty.
void AddField(std::string* line, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  if (!line->empty()) *line += "  ";
  *line += std::string(label) + ' ' + std::string(value);
}

void AddLine(std::string* text, const std::string& line) {
  if (!line.empty()) *text += "  " + line + '\n';
}

std::string FeeText(const v1::Case& c) {
  if (c.payment_method() == v1::PAYMENT_METHOD_NO_FEE) return "no fee";
  if (c.fee_roubles() == 0 && c.payment_method() == v1::PAYMENT_METHOD_UNSPECIFIED) return "";
  std::string text = "fee " + std::to_string(c.fee_roubles()) + " roubles, ";
  switch (c.payment_method()) {
    case v1::PAYMENT_METHOD_CASH: text += "paid in cash"; break;
    case v1::PAYMENT_METHOD_CARD: text += "paid by card"; break;
    case v1::PAYMENT_METHOD_WAIVED: text += "waived"; break;
    default: text += "not paid yet";
  }
  if (!c.receipt_number().empty()) text += ", receipt " + c.receipt_number();
  if (c.refunded()) text += ", refunded";
  return text;
}

std::string AccountText(const v1::Account& a, std::string_view time_zone) {
  std::string text = "account: holder " + a.holder_name_masked();
  if (!a.operator_id().empty()) text += ", " + a.operator_id();
  if (!a.active_iccid_last4().empty()) text += ", active card ..." + a.active_iccid_last4();
  text += ", last SIM change ";
  text += IsSet(a.last_sim_change()) ? FormatDate(a.last_sim_change(), time_zone) : "never";
  return text;
}

std::string RecordLine(const v1::CaseRecord& r, std::string_view time_zone) {
  std::string seq = std::to_string(r.seq());
  if (seq.size() < 3) seq.insert(0, 3 - seq.size(), ' ');
  std::string line = seq + ' ' + client::FormatLocalTime(r.time(), time_zone) + ' ' +
                     client::PadRight(r.step(), 9) + ' ' + client::PadRight(r.outcome(), 9) +
                     ' ' + r.actor();
  if (!r.supervisor().empty()) line += "  supervisor " + r.supervisor();
  if (!r.detail().empty()) line += "  (" + r.detail() + ")";
  return line;
}

}  // namespace

std::string_view CaseStateName(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_AWAITING_FORM: return "awaiting form";
    case v1::CASE_STATE_AWAITING_IDENTITY: return "awaiting identity check";
    case v1::CASE_STATE_AWAITING_PAYMENT: return "awaiting payment";
    case v1::CASE_STATE_AWAITING_CARD: return "awaiting card";
    case v1::CASE_STATE_AWAITING_BLOCK: return "awaiting old-card block";
    case v1::CASE_STATE_AWAITING_CLOSE: return "awaiting close";
    case v1::CASE_STATE_CLOSED: return "closed";
    case v1::CASE_STATE_CANCELLED: return "cancelled";
    default: return "unspecified";
  }
}

std::string_view ReasonName(v1::ReplacementReason reason) {
  switch (reason) {
    case v1::REPLACEMENT_REASON_LOST: return "lost";
    case v1::REPLACEMENT_REASON_STOLEN: return "stolen";
    case v1::REPLACEMENT_REASON_DAMAGED: return "damaged";
    case v1::REPLACEMENT_REASON_FORMAT_CHANGE: return "format_change";
    default: return "";
  }
}

std::string_view DocumentTypeName(v1::DocumentType type) {
  switch (type) {
    case v1::DOCUMENT_TYPE_RU_PASSPORT: return "ru_passport";
    case v1::DOCUMENT_TYPE_FOREIGN_PASSPORT: return "foreign_passport";
    case v1::DOCUMENT_TYPE_RESIDENCE_PERMIT: return "residence_permit";
    default: return "";
  }
}

std::string_view PaymentMethodName(v1::PaymentMethod method) {
  switch (method) {
    case v1::PAYMENT_METHOD_CASH: return "cash";
    case v1::PAYMENT_METHOD_CARD: return "card";
    case v1::PAYMENT_METHOD_WAIVED: return "waived";
    default: return "";
  }
}

std::optional<v1::ReplacementReason> ParseReason(std::string_view text) {
  const std::string word = Normalize(text);
  if (word == "lost") return v1::REPLACEMENT_REASON_LOST;
  if (word == "stolen") return v1::REPLACEMENT_REASON_STOLEN;
  if (word == "damaged") return v1::REPLACEMENT_REASON_DAMAGED;
  if (word == "format_change" || word == "format") return v1::REPLACEMENT_REASON_FORMAT_CHANGE;
  return std::nullopt;
}

std::optional<v1::DocumentType> ParseDocumentType(std::string_view text) {
  const std::string word = Normalize(text);
  if (word == "ru_passport" || word == "passport") return v1::DOCUMENT_TYPE_RU_PASSPORT;
  if (word == "foreign_passport" || word == "foreign") return v1::DOCUMENT_TYPE_FOREIGN_PASSPORT;
  if (word == "residence_permit" || word == "permit") return v1::DOCUMENT_TYPE_RESIDENCE_PERMIT;
  return std::nullopt;
}

std::optional<v1::PaymentMethod> ParsePaymentMethod(std::string_view text) {
  const std::string word = Normalize(text);
  if (word == "cash") return v1::PAYMENT_METHOD_CASH;
  if (word == "card") return v1::PAYMENT_METHOD_CARD;
  return std::nullopt;
}

std::string FormatCaseLine(const v1::Case& c) {
  return "case " + std::to_string(c.case_id()) + ": " + std::string(CaseStateName(c.state()));
}

std::string FormatNextStep(const v1::Case& c) {
  if (c.state() == v1::CASE_STATE_CLOSED || c.state() == v1::CASE_STATE_CANCELLED) {
    std::string text = "Finished: " + std::string(CaseStateName(c.state()));
    if (c.refunded()) text += " (refunded)";
    return text;
  }
  std::string step = c.next_step();
  if (step.empty()) {  // an older server: name the step from the state
    step = std::string(CaseStateName(c.state()));
    if (step.rfind("awaiting ", 0) == 0) step.erase(0, 9);
  }
  std::string text = "Next: " + step;
  if (!c.hint().empty()) text += " \u2014 " + c.hint();
  return text;
}

std::string FormatCase(const v1::Case& c, std::string_view time_zone) {
  if (time_zone.empty()) time_zone = c.time_zone();  // the branch's zone, as the server says
  std::string text = "Case " + std::to_string(c.case_id()) + " (ticket id " +
                     std::to_string(c.ticket_id());
  if (!c.counter_id().empty()) text += ", counter " + c.counter_id();
  text += "): " + std::string(CaseStateName(c.state())) + '\n';

  std::string line;
  if (IsSet(c.open_time())) {
    line = "opened " + FormatDate(c.open_time(), time_zone) + ' ' +
           client::FormatLocalTime(c.open_time(), time_zone);
  }
  if (IsSet(c.finish_time())) {
    line += (line.empty() ? "" : ", ") + std::string("finished ") +
            FormatDate(c.finish_time(), time_zone) + ' ' +
            client::FormatLocalTime(c.finish_time(), time_zone);
  }
  AddLine(&text, line);

  line.clear();
  AddField(&line, "phone", c.phone_masked());
  AddField(&line, "operator", c.operator_id());
  AddField(&line, "reason", ReasonName(c.reason()));
  AddLine(&text, line);

  line.clear();
  AddField(&line, "name", c.full_name_masked());
  std::string document(DocumentTypeName(c.document_type()));
  if (!c.document_last4().empty()) {
    document += (document.empty() ? "" : " ") + std::string("...") + c.document_last4();
  }
  AddField(&line, "document", document);
  AddField(&line, "contact", c.contact_masked());
  AddLine(&text, line);

  line.clear();
  if (c.identity_passed()) {
    line = "identity passed";
  } else if (c.state() == v1::CASE_STATE_AWAITING_IDENTITY) {
    line = "identity not checked yet";
  }
  const std::string fee = FeeText(c);
  if (!fee.empty()) line += (line.empty() ? "" : "   ") + fee;
  AddLine(&text, line);

  if (!c.new_iccid().empty()) AddLine(&text, "new card " + c.new_iccid());
  if (c.has_account()) AddLine(&text, AccountText(c.account(), time_zone));
  if (c.erased()) AddLine(&text, "personal data erased after the retention period");

  if (c.records_size() > 0) {
    text += "records:\n";
    for (const v1::CaseRecord& r : c.records()) text += "  " + RecordLine(r, time_zone) + '\n';
  }
  text += FormatNextStep(c) + '\n';
  if (c.state() == v1::CASE_STATE_AWAITING_IDENTITY && !c.question().empty()) {
    text += "Ask the customer: " + c.question() + '\n';
  }
  return text;
}

std::string FormatIdentityOutcome(const v1::CheckIdentityResponse& response) {
  if (response.passed()) return "identity check passed";
  if (response.locked()) return "identity check failed: the number is now LOCKED for SIM change";
  const int left = response.attempts_left();
  std::string text = "identity check failed: " + std::to_string(left) +
                     (left == 1 ? " attempt left" : " attempts left");
  if (!response.sim_case().question().empty()) {
    text += "; the next question is: " + response.sim_case().question();
  }
  return text;
}

std::string ManualCaseWarning(std::string_view ticket) {
  const std::string t(ticket);
  return "! " + t + " has no SIM-replacement case. Serving a ticket of the SIM-replacement\n"
         "! service opens its case by itself; open one by hand only to replace this\n"
         "! customer's SIM card. While the case is open, " + t +
         " cannot be finished (done),\n"
         "! marked a no-show or transferred until the case is closed or cancelled.\n";
}

}  // namespace shop::queue::counter
