#include "server/domain/remote/remote_case.h"

#include <algorithm>
#include <utility>

#include "server/domain/booking/booking.h"
#include "server/domain/queue/queue_manager.h"  // ValidateRequestId

namespace shop::queue {

namespace {

std::string Trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
    --e;
  return std::string(s.substr(b, e - b));
}

// The value of `key=` in a record's detail ("reason=x tracking=y"), "" if none.
std::string DetailValue(const std::string& detail, std::string_view key) {
  const std::string k = std::string(key) + "=";
  size_t pos = 0;
  while ((pos = detail.find(k, pos)) != std::string::npos) {
    if (pos == 0 || detail[pos - 1] == ' ') {
      size_t end = detail.find(' ', pos);
      if (end == std::string::npos) end = detail.size();
      return detail.substr(pos + k.size(), end - pos - k.size());
    }
    pos += k.size();
  }
  return "";
}

}  // namespace

Result<Application> ValidateApplication(
    const ApplicationInput& in, const PiiHasher& hasher,
    const std::function<bool(const std::string&)>& known_operator,
    const std::function<bool(const std::string&)>& known_branch) {
  std::vector<FieldViolation> bad;
  Application app;

  CaseFormInput form_in;
  form_in.phone = in.phone;
  form_in.operator_id = in.operator_id;
  form_in.reason = in.reason;
  form_in.full_name = in.full_name;
  form_in.document_type = in.document_type;
  form_in.document_number = in.document_number;
  form_in.consent = in.consent;
  auto form = ValidateCaseForm(form_in, hasher, known_operator, /*contact_required=*/false);
  if (form.ok())
    app.form = std::move(form).value();
  else
    bad = form.status().violations();

  auto photo = [&](std::string_view bytes, const char* field, ImageInfo* out) {
    auto info = CheckPhoto(bytes, field);
    if (info.ok()) {
      *out = *info;
      return;
    }
    for (const FieldViolation& v : info.status().violations()) bad.push_back(v);
    if (info.status().violations().empty())
      bad.push_back({field, std::string(info.status().message())});
  };
  photo(in.document_photo, "document_photo", &app.document_info);
  photo(in.selfie_photo, "selfie_photo", &app.selfie_info);

  const std::string delivery = Trimmed(in.delivery);
  const std::string pickup = Trimmed(in.pickup_branch_id);
  if (delivery == "post") {
    app.delivery = Delivery::kPost;
    if (!pickup.empty())
      bad.push_back({"pickup_branch_id", "is only for delivery \"pickup\""});
  } else if (delivery == "pickup") {
    app.delivery = Delivery::kPickup;
    if (pickup.empty())
      bad.push_back({"pickup_branch_id", "is required: the shop where the card is collected"});
    else if (!known_branch || !known_branch(pickup))
      bad.push_back({"pickup_branch_id", "is not one of our shops"});
    else
      app.pickup_branch_id = pickup;
  } else {
    bad.push_back({"delivery", "must be post (to the address on record) or pickup (at a shop)"});
  }

  const std::string lang = Trimmed(in.language);
  if (lang.empty() || lang == "ru")
    app.language = Language::kRu;
  else if (lang == "en")
    app.language = Language::kEn;
  else if (lang == "zh")
    app.language = Language::kZh;
  else
    bad.push_back({"language", "must be ru, en or zh"});

  if (Status st = ValidateRequestId(in.request_id); !st.ok())
    bad.push_back({"request_id", st.message()});
  else if (in.request_id.size() < kMinApplicationRequestId)
    bad.push_back({"request_id", "request_id must be a random id of at least " +
                                     std::to_string(kMinApplicationRequestId) +
                                     " characters (a UUID, say)"});

  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  return app;
}

std::string NewApplicationReference(std::string_view random_bytes) {
  std::string first(random_bytes.substr(0, std::min<size_t>(8, random_bytes.size())));
  std::string second(random_bytes.size() > 8 ? random_bytes.substr(8) : std::string_view());
  return NewReferenceCode(first) + NewReferenceCode(second);
}

std::optional<std::string> NormalizeApplicationReference(std::string_view typed) {
  std::string compact;
  for (char c : typed) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    compact += c;
    if (compact.size() > 16) return std::nullopt;
  }
  if (compact.size() != 16) return std::nullopt;
  auto a = NormalizeReferenceCode(compact.substr(0, 8));
  auto b = NormalizeReferenceCode(compact.substr(8));
  if (!a || !b) return std::nullopt;
  return *a + *b;
}

std::string DisplayApplicationReference(std::string_view r) {
  if (r.size() != 16) return std::string(r);
  std::string out;
  for (size_t i = 0; i < 16; i += 4) {
    if (i) out += '-';
    out += r.substr(i, 4);
  }
  return out;
}

std::string NewActivationCode(std::string_view random_bytes) {
  return NewReferenceCode(random_bytes);
}

std::optional<std::string> NormalizeActivationCode(std::string_view typed) {
  return NormalizeReferenceCode(typed);
}

Risk AssessRisk(const Subscriber& s, bool document_matches, absl::Time now) {
  Risk r;
  auto add = [&](const char* factor) {
    ++r.score;
    if (!r.factors.empty()) r.factors += ',';
    r.factors += factor;
  };
  if (now - s.last_sim_change < kRecentChange) add("recent_sim_change");
  if (now - s.contact_changed < kRecentChange) add("contact_changed");
  if (!document_matches) add("document_mismatch");
  if (s.contact.empty()) add("no_contact_on_record");
  return r;
}

const std::vector<std::string>& RejectReasons() {
  static const std::vector<std::string> kReasons = {
      "photo_unreadable",   // the photos cannot be read
      "document_mismatch",  // the document is not the holder's on record
      "face_mismatch",      // the selfie does not show the document's person
      "document_invalid",   // expired, damaged or not accepted
      "suspected_fraud",    // other signs; the customer should come to a shop
      "incomplete",         // something required is missing
  };
  return kReasons;
}

bool KnownRejectReason(std::string_view code) {
  for (const std::string& r : RejectReasons())
    if (r == code) return true;
  return false;
}

const std::vector<std::string>& CancelReasons() {
  static const std::vector<std::string> kReasons = {"envelope_lost", "suspected_fraud",
                                                    "customer_request", "card_faulty"};
  return kReasons;
}

bool KnownCancelReason(std::string_view code) {
  return std::find(CancelReasons().begin(), CancelReasons().end(), code) !=
         CancelReasons().end();
}

Result<bool> ApproveApplication(SimCase& c, const std::string& reviewer) {
  QUEUE_RETURN_IF_ERROR(RequireStep(c, CaseState::kAwaitingReview));
  if (!c.remote) return Status::Internal("a remote step on a counter case");
  RemoteDetails& r = *c.remote;
  if (r.risk_score > 0 && r.first_approver.empty()) {
    r.first_approver = reviewer;
    return false;
  }
  if (r.risk_score > 0 && r.first_approver == reviewer)
    return Status::PermissionDenied(
        "a reviewer cannot approve his own second look: this application (risk: " +
        r.risk_factors + ") needs another reviewer's approval");
  r.reviewer = reviewer;
  r.decision_reason.clear();
  c.state = CaseState::kAwaitingDispatch;
  return true;
}

bool RemoteExpired(const SimCase& c, absl::Time now) {
  return c.route == CaseRoute::kRemote && c.remote && !CaseFinished(c.state) &&
         now >= c.remote->expires;
}

std::vector<PublicStep> PublicSteps(const std::vector<CaseRecord>& records,
                                    const std::string& tracking_number) {
  std::vector<PublicStep> out;
  for (const CaseRecord& r : records) {
    if (r.step == "review" && r.outcome == "first_approval") continue;
    if (r.step == "dispatch" && r.outcome == "code_reissued") continue;
    PublicStep p;
    p.step = r.step;
    p.outcome = r.outcome;
    p.time = r.time;
    if (r.step == "apply") {
      p.step = "applied";
    } else if (r.step == "review") {
      p.detail = DetailValue(r.detail, "reason");
    } else if (r.step == "dispatch") {
      if (r.outcome == "posted") p.detail = tracking_number;
    } else if (r.step == "activation") {
      p.detail = DetailValue(r.detail, "attempts_left");
    } else if (r.step == "cancel") {
      p.detail = DetailValue(r.detail, "reason");
    } else if (r.step != "pickup" && r.step != "close" && r.step != "lock") {
      continue;  // the card swap's own records, refunds, ...: not the applicant's
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace shop::queue
