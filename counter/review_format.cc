#include "counter/review_format.h"

#include <array>
#include <cctype>
#include <cstdio>

#include "absl/time/time.h"
#include "common/client/text.h"
#include "counter/case_format.h"

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

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// The zone to show times in, and whether to name it after each time (this
// machine's zone, or a zone that does not load: UTC).
absl::TimeZone ZoneOf(std::string_view time_zone, bool* name_it) {
  absl::TimeZone zone;
  *name_it = time_zone.empty() || !absl::LoadTimeZone(std::string(time_zone), &zone);
  if (time_zone.empty()) zone = absl::LocalTimeZone();
  return zone;
}

std::string FormatDate(const google::protobuf::Timestamp& t, std::string_view time_zone) {
  if (!IsSet(t)) return "";
  bool name_it = false;
  const absl::TimeZone zone = ZoneOf(time_zone, &name_it);
  return absl::FormatTime(name_it ? "%Y-%m-%d %Z" : "%Y-%m-%d", ToTime(t), zone);
}

std::string HourMinute(const google::protobuf::Timestamp& t, std::string_view time_zone) {
  if (!IsSet(t)) return "--:--";
  bool name_it = false;
  const absl::TimeZone zone = ZoneOf(time_zone, &name_it);
  return absl::FormatTime(name_it ? "%H:%M %Z" : "%H:%M", ToTime(t), zone);
}

std::string Sized(size_t bytes) {
  char text[32];
  if (bytes >= 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  } else if (bytes >= 1024) {
    std::snprintf(text, sizeof text, "%zu KiB", (bytes + 512) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%zu bytes", bytes);
  }
  return text;
}

std::string_view PhotoKindName(v1::PhotoKind kind) {
  switch (kind) {
    case v1::PHOTO_KIND_DOCUMENT: return "document";
    case v1::PHOTO_KIND_SELFIE: return "selfie";
    default: return "photo";
  }
}

// Appends "  label value" to `line` when `value` is not empty.
void AddField(std::string* line, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  if (!line->empty()) *line += "  ";
  *line += std::string(label) + ' ' + std::string(value);
}

std::string Document(v1::DocumentType type, std::string_view last4) {
  std::string text(DocumentTypeName(type));
  if (!last4.empty()) text += (text.empty() ? "..." : " ...") + std::string(last4);
  return text;
}

// "  label             application value          register value".
std::string Row(std::string_view label, std::string_view application, std::string_view holder) {
  std::string line = "  " + client::PadRight(label, 18) + client::PadRight(application, 30);
  line += std::string(holder);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + '\n';
}

std::string RecordLine(const v1::CaseRecord& r, std::string_view time_zone) {
  std::string seq = std::to_string(r.seq());
  if (seq.size() < 3) seq.insert(0, 3 - seq.size(), ' ');
  std::string line = seq + ' ' + HourMinute(r.time(), time_zone) + ' ' +
                     client::PadRight(r.step(), 9) + ' ' + client::PadRight(r.outcome(), 14) +
                     ' ' + r.actor();
  if (!r.detail().empty()) line += "  (" + r.detail() + ")";
  return line;
}

std::vector<std::string> Factors(const google::protobuf::RepeatedPtrField<std::string>& f) {
  return std::vector<std::string>(f.begin(), f.end());
}

// 5x5 letters for BigLetters: rows top to bottom.
struct Glyph {
  char c;
  std::array<const char*, 5> rows;
};

constexpr Glyph kGlyphs[] = {
    {'0', {" ### ", "#  ##", "# # #", "##  #", " ### "}},
    {'1', {"  #  ", " ##  ", "  #  ", "  #  ", " ### "}},
    {'2', {" ### ", "#   #", "  ## ", " #   ", "#####"}},
    {'3', {"#### ", "    #", " ### ", "    #", "#### "}},
    {'4', {"#   #", "#   #", "#####", "    #", "    #"}},
    {'5', {"#####", "#    ", "#### ", "    #", "#### "}},
    {'6', {" ### ", "#    ", "#### ", "#   #", " ### "}},
    {'7', {"#####", "    #", "   # ", "  #  ", "  #  "}},
    {'8', {" ### ", "#   #", " ### ", "#   #", " ### "}},
    {'9', {" ### ", "#   #", " ####", "    #", " ### "}},
    {'A', {" ### ", "#   #", "#####", "#   #", "#   #"}},
    {'B', {"#### ", "#   #", "#### ", "#   #", "#### "}},
    {'C', {" ####", "#    ", "#    ", "#    ", " ####"}},
    {'D', {"#### ", "#   #", "#   #", "#   #", "#### "}},
    {'E', {"#####", "#    ", "#### ", "#    ", "#####"}},
    {'F', {"#####", "#    ", "#### ", "#    ", "#    "}},
    {'G', {" ####", "#    ", "#  ##", "#   #", " ####"}},
    {'H', {"#   #", "#   #", "#####", "#   #", "#   #"}},
    {'I', {"#####", "  #  ", "  #  ", "  #  ", "#####"}},
    {'J', {"  ###", "   # ", "   # ", "#  # ", " ##  "}},
    {'K', {"#   #", "#  # ", "###  ", "#  # ", "#   #"}},
    {'L', {"#    ", "#    ", "#    ", "#    ", "#####"}},
    {'M', {"#   #", "## ##", "# # #", "#   #", "#   #"}},
    {'N', {"#   #", "##  #", "# # #", "#  ##", "#   #"}},
    {'O', {" ### ", "#   #", "#   #", "#   #", " ### "}},
    {'P', {"#### ", "#   #", "#### ", "#    ", "#    "}},
    {'Q', {" ### ", "#   #", "# # #", "#  # ", " ## #"}},
    {'R', {"#### ", "#   #", "#### ", "#  # ", "#   #"}},
    {'S', {" ####", "#    ", " ### ", "    #", "#### "}},
    {'T', {"#####", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'U', {"#   #", "#   #", "#   #", "#   #", " ### "}},
    {'V', {"#   #", "#   #", "#   #", " # # ", "  #  "}},
    {'W', {"#   #", "#   #", "# # #", "## ##", "#   #"}},
    {'X', {"#   #", " # # ", "  #  ", " # # ", "#   #"}},
    {'Y', {"#   #", " # # ", "  #  ", "  #  ", "  #  "}},
    {'Z', {"#####", "   # ", "  #  ", " #   ", "#####"}},
    {'-', {"     ", "     ", " ### ", "     ", "     "}},
};

const Glyph* GlyphOf(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Glyph& g : kGlyphs)
    if (g.c == c) return &g;
  return nullptr;
}

}  // namespace

// --- enum words -------------------------------------------------------------

std::string_view ApplicationStateName(v1::ApplicationState state) {
  switch (state) {
    case v1::APPLICATION_STATE_AWAITING_REVIEW: return "awaiting review";
    case v1::APPLICATION_STATE_AWAITING_DISPATCH: return "awaiting dispatch";
    case v1::APPLICATION_STATE_AWAITING_ACTIVATION: return "awaiting activation";
    case v1::APPLICATION_STATE_AWAITING_PICKUP: return "awaiting pickup";
    case v1::APPLICATION_STATE_CLOSED: return "closed";
    case v1::APPLICATION_STATE_CANCELLED: return "cancelled";
    default: return "unspecified";
  }
}

std::string_view DeliveryName(v1::Delivery delivery) {
  switch (delivery) {
    case v1::DELIVERY_POST: return "post";
    case v1::DELIVERY_PICKUP: return "pickup";
    default: return "";
  }
}

const std::vector<v1::RejectReason>& RejectReasons() {
  static const std::vector<v1::RejectReason> kAll = {
      v1::REJECT_REASON_PHOTO_UNREADABLE, v1::REJECT_REASON_DOCUMENT_MISMATCH,
      v1::REJECT_REASON_FACE_MISMATCH,    v1::REJECT_REASON_DOCUMENT_INVALID,
      v1::REJECT_REASON_SUSPECTED_FRAUD,  v1::REJECT_REASON_INCOMPLETE};
  return kAll;
}

std::string_view RejectReasonCode(v1::RejectReason reason) {
  switch (reason) {
    case v1::REJECT_REASON_PHOTO_UNREADABLE: return "photo_unreadable";
    case v1::REJECT_REASON_DOCUMENT_MISMATCH: return "document_mismatch";
    case v1::REJECT_REASON_FACE_MISMATCH: return "face_mismatch";
    case v1::REJECT_REASON_DOCUMENT_INVALID: return "document_invalid";
    case v1::REJECT_REASON_SUSPECTED_FRAUD: return "suspected_fraud";
    case v1::REJECT_REASON_INCOMPLETE: return "incomplete";
    default: return "";
  }
}

std::optional<v1::RejectReason> ParseRejectReason(std::string_view text) {
  const std::string word = Normalize(text);
  for (v1::RejectReason r : RejectReasons())
    if (word == RejectReasonCode(r)) return r;
  return std::nullopt;
}

std::string_view RejectReasonWords(v1::RejectReason reason) {
  switch (reason) {
    case v1::REJECT_REASON_PHOTO_UNREADABLE: return "the photos cannot be read";
    case v1::REJECT_REASON_DOCUMENT_MISMATCH: return "the document is not the holder's on record";
    case v1::REJECT_REASON_FACE_MISMATCH: return "the selfie does not show the document's person";
    case v1::REJECT_REASON_DOCUMENT_INVALID:
      return "the document is expired, damaged or not accepted";
    case v1::REJECT_REASON_SUSPECTED_FRAUD:
      return "other signs of fraud: the customer should come to a shop";
    case v1::REJECT_REASON_INCOMPLETE: return "something required is missing";
    default: return "";
  }
}

std::string RejectReasonWords(std::string_view code) {
  if (std::optional<v1::RejectReason> r = ParseRejectReason(code))
    return std::string(RejectReasonWords(*r));
  return std::string(code);
}

std::string RejectReasonHelp() {
  std::string text;
  for (v1::RejectReason r : RejectReasons()) {
    text += "  " + client::PadRight(RejectReasonCode(r), 19) +
            std::string(RejectReasonWords(r)) + '\n';
  }
  return text;
}

namespace {
const std::vector<v1::CancelReason>& CancelReasons() {
  static const std::vector<v1::CancelReason> kAll = {
      v1::CANCEL_REASON_ENVELOPE_LOST, v1::CANCEL_REASON_SUSPECTED_FRAUD,
      v1::CANCEL_REASON_CUSTOMER_REQUEST, v1::CANCEL_REASON_CARD_FAULTY};
  return kAll;
}

std::string_view CancelReasonWords(v1::CancelReason reason) {
  switch (reason) {
    case v1::CANCEL_REASON_ENVELOPE_LOST: return "the envelope was lost in the post";
    case v1::CANCEL_REASON_SUSPECTED_FRAUD: return "a fraud report or other signs of fraud";
    case v1::CANCEL_REASON_CUSTOMER_REQUEST: return "the customer asked";
    case v1::CANCEL_REASON_CARD_FAULTY: return "the card bound to it is faulty";
    default: return "";
  }
}
}  // namespace

std::string_view CancelReasonCode(v1::CancelReason reason) {
  switch (reason) {
    case v1::CANCEL_REASON_ENVELOPE_LOST: return "envelope_lost";
    case v1::CANCEL_REASON_SUSPECTED_FRAUD: return "suspected_fraud";
    case v1::CANCEL_REASON_CUSTOMER_REQUEST: return "customer_request";
    case v1::CANCEL_REASON_CARD_FAULTY: return "card_faulty";
    default: return "";
  }
}

std::optional<v1::CancelReason> ParseCancelReason(std::string_view text) {
  const std::string word = Normalize(text);
  for (v1::CancelReason r : CancelReasons())
    if (word == CancelReasonCode(r)) return r;
  return std::nullopt;
}

std::string CancelReasonHelp() {
  std::string text;
  for (v1::CancelReason r : CancelReasons())
    text += "  " + client::PadRight(CancelReasonCode(r), 19) +
            std::string(CancelReasonWords(r)) + '\n';
  return text;
}

std::string RiskFactorWords(std::string_view code) {
  if (code == "recent_sim_change") return "a recent SIM change";
  if (code == "contact_changed") return "the contact on record changed lately";
  if (code == "document_mismatch") return "the document is not the holder's on record";
  if (code == "no_contact_on_record") return "no contact on record";
  return std::string(code);
}

std::string RiskText(int risk_score, const std::vector<std::string>& factors) {
  if (risk_score <= 0 && factors.empty()) return "no risk found: one reviewer approves";
  std::string text = "risk " + std::to_string(risk_score);
  for (size_t i = 0; i < factors.size(); ++i)
    text += (i == 0 ? ": " : "; ") + RiskFactorWords(factors[i]);
  return text + (risk_score > 0 ? ": two reviewers must approve" : "");
}

std::string SecondLookText(std::string_view first_approver) {
  if (first_approver.empty()) return "";
  return "waits for a second reviewer (first approval: " + std::string(first_approver) + ")";
}

std::string FormatDateTime(const google::protobuf::Timestamp& t, std::string_view time_zone) {
  if (!IsSet(t)) return "";
  bool name_it = false;
  const absl::TimeZone zone = ZoneOf(time_zone, &name_it);
  return absl::FormatTime(name_it ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M", ToTime(t), zone);
}

// --- the queue --------------------------------------------------------------

std::string FormatApplicationLine(const v1::ApplicationSummary& a, std::string_view time_zone,
                                  bool dispatch) {
  std::string id = std::to_string(a.case_id());
  if (id.size() < 5) id.insert(0, 5 - id.size(), ' ');
  std::string line = id + "  " + client::PadRight(FormatDateTime(a.apply_time(), time_zone), 16) +
                     "  " + client::PadRight(a.phone_masked(), 12) + "  " +
                     client::PadRight(a.operator_id(), 8) + "  " +
                     client::PadRight(ReasonName(a.reason()), 13) + "  " +
                     RiskText(a.risk_score(), Factors(a.risk_factors()));
  const std::string second = dispatch ? "" : SecondLookText(a.first_approver());
  if (!second.empty()) line += "; " + second;
  return line;
}

std::string FormatQueue(const std::vector<v1::ApplicationSummary>& applications,
                        std::string_view time_zone, bool dispatch) {
  if (applications.empty())
    return dispatch ? "no applications wait for dispatch\n" : "no applications wait for review\n";
  std::string text = " CASE  " + client::PadRight("APPLIED", 16) + "  " +
                     client::PadRight("PHONE", 12) + "  " + client::PadRight("OPERATOR", 8) +
                     "  " + client::PadRight("REASON", 13) + "  RISK\n";
  for (const v1::ApplicationSummary& a : applications)
    text += FormatApplicationLine(a, time_zone, dispatch) + '\n';
  return text;
}

// --- one application --------------------------------------------------------

std::string PhotoLine(const v1::ApplicationPhoto& photo) {
  std::string type = photo.mime_type();
  if (type == "image/png") type = "PNG";
  else if (type == "image/jpeg") type = "JPEG";
  return std::string(PhotoKindName(photo.kind())) + " (" + type + ", " +
         Sized(photo.content().size()) + ")";
}

std::string PhotoFileName(int64_t case_id, const v1::ApplicationPhoto& photo) {
  std::string extension = ".img";
  if (photo.mime_type() == "image/png") extension = ".png";
  else if (photo.mime_type() == "image/jpeg") extension = ".jpg";
  return std::to_string(case_id) + "-" + std::string(PhotoKindName(photo.kind())) + extension;
}

std::string FormatNextReviewStep(const v1::Application& a) {
  const std::string id = std::to_string(a.case_id());
  switch (a.state()) {
    case v1::APPLICATION_STATE_AWAITING_REVIEW:
      if (!a.first_approver().empty())
        return "Next: a reviewer other than " + a.first_approver() +
               " approves (counter review approve " + id + "), or anyone rejects (counter "
               "review reject " + id + " --reason CODE)";
      return "Next: approve (counter review approve " + id + ") or reject (counter review "
             "reject " + id + " --reason CODE)";
    case v1::APPLICATION_STATE_AWAITING_DISPATCH:
      return a.delivery() == v1::DELIVERY_PICKUP
                 ? "Next: send a card to shop " + a.pickup_branch_id() +
                       " (counter review dispatch " + id + " --iccid N)"
                 : "Next: post a card (counter review dispatch " + id +
                       " --iccid N --tracking T)";
    case v1::APPLICATION_STATE_AWAITING_ACTIVATION:
      return "Posted: waits for the customer to activate the card with the envelope's code "
             "(if the envelope is lost: counter review cancel " + id + " --reason envelope_lost)";
    case v1::APPLICATION_STATE_AWAITING_PICKUP:
      return "At shop " + a.pickup_branch_id() +
             ": waits for the customer (counter review hand-over " + id + " there)";
    case v1::APPLICATION_STATE_CLOSED: return "Finished: closed (the new card is active)";
    case v1::APPLICATION_STATE_CANCELLED: {
      std::string text = "Finished: cancelled";
      if (!a.reject_reason().empty())
        text += " (rejected: " + a.reject_reason() + ", " + RejectReasonWords(a.reject_reason()) +
                ")";
      return text;
    }
    default: return "Next: unknown";
  }
}

std::string FormatApplication(const v1::GetApplicationResponse& response) {
  const v1::Application& a = response.application();
  const std::string& zone = a.time_zone();
  std::string text = "Application " + std::to_string(a.case_id());
  if (!a.branch_id().empty()) text += " (branch " + a.branch_id() + ")";
  text += ": " + std::string(ApplicationStateName(a.state())) + '\n';

  std::string line = "applied " + FormatDateTime(a.apply_time(), zone);
  if (IsSet(a.finish_time())) {
    line += ", finished " + FormatDateTime(a.finish_time(), zone);
  } else if (IsSet(a.expire_time())) {
    line += ", expires " + FormatDateTime(a.expire_time(), zone);
  }
  if (!zone.empty()) line += " (" + zone + ")";
  text += "  " + line + '\n';

  line.clear();
  AddField(&line, "phone", a.phone_masked());
  AddField(&line, "operator", a.operator_id());
  AddField(&line, "reason", ReasonName(a.reason()));
  std::string delivery(DeliveryName(a.delivery()));
  if (a.delivery() == v1::DELIVERY_PICKUP && !a.pickup_branch_id().empty())
    delivery += " at shop " + a.pickup_branch_id();
  else if (a.delivery() == v1::DELIVERY_POST)
    delivery += " to the address on record";
  AddField(&line, "delivery", delivery);
  if (!line.empty()) text += "  " + line + '\n';

  text += "  " + RiskText(a.risk_score(), Factors(a.risk_factors())) + '\n';
  if (a.state() == v1::APPLICATION_STATE_AWAITING_REVIEW && !a.first_approver().empty())
    text += "  " + SecondLookText(a.first_approver()) + '\n';
  if (!a.reviewer().empty()) text += "  decided by " + a.reviewer() + '\n';
  line.clear();
  AddField(&line, "tracking", a.tracking_number());
  if (!a.new_iccid_last4().empty()) AddField(&line, "new card", "..." + a.new_iccid_last4());
  if (!line.empty()) text += "  " + line + '\n';
  if (a.erased()) text += "  personal data erased after the retention period\n";

  // The application beside the register's holder.
  text += Row("", "APPLICATION (as typed)", "REGISTER (holder on record)");
  if (!response.has_holder()) {
    text += Row("name", a.full_name(), "the register does not know this number");
    text += Row("document", Document(a.document_type(), a.document_last4()), "");
  } else {
    const v1::RegisterHolder& h = response.holder();
    text += Row("name", a.full_name(), h.full_name());
    text += Row("document", Document(a.document_type(), a.document_last4()),
                Document(h.document_type(), h.document_last4()));
    text += Row("document matches", "", h.document_matches() ? "yes" : "NO");
    text += Row("address", "", h.address().empty() ? "none on record (pickup only)" : h.address());
    std::string contact = h.contact_masked().empty() ? "none on record" : h.contact_masked();
    if (h.has_contact_change_time())
      contact += ", changed " + FormatDate(h.contact_change_time(), zone);
    text += Row("contact", "", contact);
    text += Row("last SIM change", "",
                h.has_last_sim_change_time() ? FormatDate(h.last_sim_change_time(), zone)
                                             : "never");
  }

  if (response.photos_size() > 0) {
    text += "  photos: ";
    for (int i = 0; i < response.photos_size(); ++i)
      text += (i > 0 ? ", " : "") + PhotoLine(response.photos(i));
    text += '\n';
  } else {
    text += "  photos: none" + std::string(a.erased() ? " (erased)" : "") + '\n';
  }

  if (a.records_size() > 0) {
    text += "records:\n";
    for (const v1::CaseRecord& r : a.records()) text += "  " + RecordLine(r, zone) + '\n';
  }
  return text + FormatNextReviewStep(a) + '\n';
}

// --- outcomes ---------------------------------------------------------------

std::string FormatApproval(const v1::Application& a) {
  const std::string id = "case " + std::to_string(a.case_id());
  if (a.state() == v1::APPLICATION_STATE_AWAITING_REVIEW) {
    return id + ": first approval recorded (" + a.first_approver() +
           "); a second reviewer must approve (" +
           RiskText(a.risk_score(), Factors(a.risk_factors())) + ")\n";
  }
  return id + ": approved; " + std::string(ApplicationStateName(a.state())) + "\n" +
         FormatNextReviewStep(a) + '\n';
}

std::string FormatRejection(const v1::Application& a) {
  std::string text = "case " + std::to_string(a.case_id()) + ": rejected";
  if (!a.reject_reason().empty())
    text += " (" + a.reject_reason() + ": " + RejectReasonWords(a.reject_reason()) + ")";
  return text + "; the applicant's status page shows it\n";
}

std::string FormatCancellation(const v1::Application& a, v1::CancelReason reason) {
  std::string text = "case " + std::to_string(a.case_id()) + ": cancelled (" +
                     std::string(CancelReasonCode(reason)) + ")";
  if (!a.new_iccid_last4().empty())
    text += "; card ..." + a.new_iccid_last4() + " is not to be used";
  return text + "; the applicant's status page shows it\n";
}

std::string FormatPickups(const v1::ListPickupsResponse& response) {
  if (response.pickups_size() == 0) return "no cards wait for pickup here\n";
  const std::string& zone = response.time_zone();
  std::string text = "  case  phone         operator  card      document          until\n";
  for (const v1::Pickup& p : response.pickups()) {
    std::string id = std::to_string(p.case_id());
    if (id.size() < 6) id.insert(0, 6 - id.size(), ' ');
    std::string line = id + "  " + client::PadRight(p.phone_masked(), 12) + "  " +
                       client::PadRight(p.operator_id(), 8) + "  ..." +
                       client::PadRight(p.new_iccid_last4(), 5) + "  " +
                       client::PadRight(DocumentTypeName(p.document_type()), 16) + "  " +
                       FormatDateTime(p.expire_time(), zone);
    text += line + '\n';
    text += "        ask: " + p.question() + '\n';
  }
  if (!zone.empty()) text += "(times in " + zone + ", the branch's zone)\n";
  return text;
}

std::string BigLetters(std::string_view text) {
  std::string out;
  for (int row = 0; row < 5; ++row) {
    std::string line = "    ";
    for (size_t i = 0; i < text.size(); ++i) {
      const Glyph* g = GlyphOf(text[i]);
      line += g ? g->rows[row] : "     ";
      if (i + 1 < text.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string FormatDispatch(int64_t case_id, const v1::DispatchCardResponse& response) {
  const std::string id = "case " + std::to_string(case_id);
  if (response.activation_code().empty()) {
    std::string text = id + ": the card is on its way to the pickup shop.\n";
    if (!response.question().empty())
      text += "At the shop's counter the customer will be asked: " + response.question() + '\n';
    text += "The counter hands it over with: counter review hand-over " +
            std::to_string(case_id) + '\n';
    return text;
  }
  const std::string rule(60, '=');
  std::string text = id + ": the card is posted";
  if (!response.tracking_number().empty()) text += ", tracking " + response.tracking_number();
  text += ".\n\n" + rule + "\n  ACTIVATION CODE for the envelope's label:\n\n";
  text += BigLetters(response.activation_code());
  text += "\n        " + response.activation_code() + "\n\n";
  text += "  Write it on the envelope's label now: it is not shown again.\n" + rule + '\n';
  if (!response.question().empty())
    text += "At activation the customer will be asked: " + response.question() + '\n';
  return text;
}

std::string FormatHandOver(const v1::HandOverCardResponse& response) {
  if (response.activated()) return "card handed over: the new card is active and the old one blocked";
  if (response.locked()) return "check failed: the number is now LOCKED for SIM change";
  const int left = response.attempts_left();
  return "check failed: " + std::to_string(left) + (left == 1 ? " attempt left" : " attempts left");
}

}  // namespace shop::queue::counter
