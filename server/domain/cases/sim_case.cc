#include "server/domain/cases/sim_case.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <vector>

namespace shop::queue {
namespace {

// Letters of the scripts names are written in, without a Unicode database:
// Latin (with its accented and extended forms), Greek, Cyrillic, Armenian,
// Hebrew, Arabic, Georgian, the Caucasian and Central Asian additions in
// those blocks, kana, CJK ideographs and Hangul; combining accents too, so a
// decomposed "й" passes.
bool IsNameLetter(char32_t c) {
  if ((c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;  // Latin-1 and Latin Extended
  struct Range {
    char32_t lo, hi;
  };
  static constexpr Range kLetters[] = {
      {0x0250, 0x02AF},  // IPA extensions (used in some Latin orthographies)
      {0x0300, 0x036F},  // combining diacritics
      {0x0370, 0x03FF},  // Greek
      {0x0400, 0x052F},  // Cyrillic and Cyrillic Supplement
      {0x0531, 0x0587},  // Armenian
      {0x05D0, 0x05EA},  // Hebrew
      {0x0620, 0x064A},  // Arabic
      {0x10A0, 0x10FF},  // Georgian
      {0x1E00, 0x1FFF},  // Latin Extended Additional, Greek Extended
      {0x3041, 0x30FF},  // Hiragana, Katakana
      {0x4E00, 0x9FFF},  // CJK ideographs
      {0xAC00, 0xD7A3},  // Hangul syllables
  };
  for (const Range& r : kLetters)
    if (c >= r.lo && c <= r.hi) return true;
  return false;
}

bool IsApostrophe(char32_t c) { return c == U'\'' || c == 0x2019 || c == 0x02BC; }
bool IsHyphen(char32_t c) { return c == U'-' || c == 0x2010; }

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// "" and the name with runs of spaces collapsed into `*normal`, or what is
// wrong with it.
std::string CheckFullName(std::string_view raw, std::string* normal) {
  const std::string name = Trim(raw);
  if (name.empty()) return "is required";
  auto cps = DecodeUtf8(name);
  if (!cps) return "is not valid UTF-8 text";
  std::string collapsed;
  int words = 0;
  size_t length = 0;
  bool in_word = false, word_has_letter = false, all_words_have_letters = true;
  size_t byte = 0;
  for (char32_t c : *cps) {
    const size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    const std::string_view ch(name.data() + byte, n);
    byte += n;
    if (c == U' ') {
      if (in_word) {
        all_words_have_letters = all_words_have_letters && word_has_letter;
        in_word = false;
      }
      continue;
    }
    if (!IsNameLetter(c) && !IsApostrophe(c) && !IsHyphen(c))
      return "may contain only letters, spaces, hyphens and apostrophes";
    if (!in_word) {
      if (words > 0) {
        collapsed += ' ';
        ++length;
      }
      ++words;
      in_word = true;
      word_has_letter = false;
    }
    word_has_letter = word_has_letter || IsNameLetter(c);
    collapsed += ch;
    ++length;
  }
  all_words_have_letters = all_words_have_letters && word_has_letter;
  if (length < 2 || length > 200) return "must be 2 to 200 characters";
  if (words < 2 || !all_words_have_letters)
    return "needs at least two words (surname and given name)";
  *normal = std::move(collapsed);
  return {};
}


std::optional<int64_t> ParseRoubles(std::string_view answer) {
  std::string s = Trim(answer);
  // A trailing currency word: "р", "р.", "руб", "руб.", "rub", "₽", ...
  static constexpr std::string_view kSuffixes[] = {
      "рублей", "рубля", "рубль", "руб.", "руб", "р.", "р", "РУБ.", "РУБ", "Руб.", "Руб",
      "Р.",     "Р",     "rub.",  "rub",  "RUB", "Rub", "rur", "RUR", "₽"};
  for (std::string_view suffix : kSuffixes) {
    if (s.size() > suffix.size() && std::string_view(s).ends_with(suffix)) {
      s = Trim(std::string_view(s).substr(0, s.size() - suffix.size()));
      break;
    }
  }
  for (std::string_view kopecks : {".00", ",00", ".0", ",0"}) {
    if (std::string_view(s).ends_with(kopecks)) {
      s.resize(s.size() - kopecks.size());
      break;
    }
  }
  int64_t value = 0;
  int digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 12) return std::nullopt;
      value = value * 10 + (c - '0');
    } else if (c == ' ') {
      continue;  // thousands: "1 500"
    } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
      ++i;  // a no-break space as thousands separator
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  return value;
}

bool AnswerableRecentCall(const Subscriber& s) {
  return std::any_of(s.recent_calls.begin(), s.recent_calls.end(),
                     [](const std::string& n) { return NormalizeRuMobile(n).has_value(); });
}

}  // namespace

const char* CaseStateName(CaseState s) {
  switch (s) {
    case CaseState::kAwaitingForm: return "awaiting_form";
    case CaseState::kAwaitingIdentity: return "awaiting_identity";
    case CaseState::kAwaitingPayment: return "awaiting_payment";
    case CaseState::kAwaitingCard: return "awaiting_card";
    case CaseState::kAwaitingBlock: return "awaiting_block";
    case CaseState::kAwaitingClose: return "awaiting_close";
    case CaseState::kClosed: return "closed";
    case CaseState::kCancelled: return "cancelled";
    case CaseState::kAwaitingReview: return "awaiting_review";
    case CaseState::kAwaitingDispatch: return "awaiting_dispatch";
    case CaseState::kAwaitingActivation: return "awaiting_activation";
    case CaseState::kAwaitingPickup: return "awaiting_pickup";
  }
  return "unknown";
}

const char* CaseRouteName(CaseRoute r) {
  return r == CaseRoute::kRemote ? "remote" : "counter";
}

const char* DeliveryName(Delivery d) { return d == Delivery::kPickup ? "pickup" : "post"; }

bool CaseFinished(CaseState s) { return s == CaseState::kClosed || s == CaseState::kCancelled; }

const char* ReasonName(ReplacementReason r) {
  switch (r) {
    case ReplacementReason::kLost: return "lost";
    case ReplacementReason::kStolen: return "stolen";
    case ReplacementReason::kDamaged: return "damaged";
    case ReplacementReason::kFormatChange: return "format_change";
  }
  return "unknown";
}

std::optional<ReplacementReason> ParseReason(std::string_view name) {
  for (ReplacementReason r : {ReplacementReason::kLost, ReplacementReason::kStolen,
                              ReplacementReason::kDamaged, ReplacementReason::kFormatChange})
    if (name == ReasonName(r)) return r;
  return std::nullopt;
}

const char* PaymentMethodName(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::kCash: return "cash";
    case PaymentMethod::kCard: return "card";
    case PaymentMethod::kWaived: return "waived";
    case PaymentMethod::kNoFee: return "no_fee";
  }
  return "unknown";
}

bool FeeSettled(const SimCase& c) {
  if (!c.payment) return false;
  switch (*c.payment) {
    case PaymentMethod::kCash:
    case PaymentMethod::kCard:
    case PaymentMethod::kWaived: return true;
    case PaymentMethod::kNoFee: return c.fee_roubles == 0;
  }
  return false;
}

bool FeeTaken(const SimCase& c) {
  return c.payment && (*c.payment == PaymentMethod::kCash || *c.payment == PaymentMethod::kCard) &&
         c.fee_roubles > 0;
}

const char* QuestionText(QuestionKind q) {
  switch (q) {
    case QuestionKind::kLastTopUp: return "How much was the last top-up of this number, in roubles?";
    case QuestionKind::kRecentCall: return "Name a number this phone called recently.";
  }
  return "unknown question";
}

const char* StepName(CaseState s) {
  switch (s) {
    case CaseState::kAwaitingForm: return "form";
    case CaseState::kAwaitingIdentity: return "identity check";
    case CaseState::kAwaitingPayment: return "payment";
    case CaseState::kAwaitingCard: return "card issue";
    case CaseState::kAwaitingBlock: return "old-card block";
    case CaseState::kAwaitingClose: return "close";
    case CaseState::kClosed: return "nothing (the case is closed)";
    case CaseState::kCancelled: return "nothing (the case is cancelled)";
    case CaseState::kAwaitingReview: return "review";
    case CaseState::kAwaitingDispatch: return "card dispatch";
    case CaseState::kAwaitingActivation: return "activation";
    case CaseState::kAwaitingPickup: return "pickup at the shop";
  }
  return "unknown";
}

Status RequireStep(const SimCase& c, CaseState step) {
  if (c.state == step) return Status::Ok();
  const std::string which = "case " + std::to_string(c.case_id);
  if (CaseFinished(c.state))
    return Status::FailedPrecondition(which + " is " + CaseStateName(c.state) +
                                      ": it takes no " + StepName(step) + " any more");
  return Status::FailedPrecondition(which + " waits for the " + StepName(c.state) + ", not " +
                                    StepName(step));
}

bool IdentityAttempts::RecordFailure(absl::Time now) {
  std::erase_if(failures, [&](absl::Time t) { return now - t > kWindow; });
  failures.push_back(now);
  if (static_cast<int>(failures.size()) < kMaxFailures) return false;
  locked_until = now + kLockout;
  failures.clear();
  return true;
}

bool IdentityAttempts::Spent(absl::Time now) const {
  if (Locked(now)) return false;
  for (absl::Time t : failures)
    if (now - t <= kWindow) return false;
  return true;
}

void IdentityAttempts::Unlock() {
  failures.clear();
  locked_until = absl::InfinitePast();
}

std::string SimChangeNoticeText(const MessageTemplates& templates, Language language,
                                const SimChangeFacts& f) {
  return templates.Render("sim_change", language,
                          {{"phone", f.phone_masked},
                           {"branch", f.branch},
                           {"time", f.time},
                           {"case", std::to_string(f.case_id)}});
}

std::string SimChangeNoticeText(Language language, const SimChangeFacts& f) {
  return SimChangeNoticeText(MessageTemplates::Defaults(), language, f);
}

std::string SimChangeNotice(const MessageTemplates& templates, Language customer,
                            const SimChangeFacts& f) {
  const Language second = customer == Language::kRu ? Language::kEn : customer;
  return SimChangeNoticeText(templates, Language::kRu, f) + "\n\n" +
         SimChangeNoticeText(templates, second, f);
}

std::string SimChangeNotice(Language customer, const SimChangeFacts& f) {
  return SimChangeNotice(MessageTemplates::Defaults(), customer, f);
}

bool AnswerMatches(QuestionKind q, const Subscriber& s, std::string_view answer) {
  switch (q) {
    case QuestionKind::kLastTopUp: {
      if (s.recent_topups_roubles.empty()) return false;
      auto roubles = ParseRoubles(answer);
      return roubles && *roubles == s.recent_topups_roubles.front();
    }
    case QuestionKind::kRecentCall: {
      auto number = NormalizeRuMobile(answer);
      if (!number) return false;
      return std::any_of(s.recent_calls.begin(), s.recent_calls.end(),
                         [&](const std::string& called) {
                           auto n = NormalizeRuMobile(called);
                           return n ? *n == *number : called == *number;
                         });
    }
  }
  return false;
}

std::optional<QuestionKind> PickQuestion(const Subscriber& s, uint32_t random) {
  std::vector<QuestionKind> kinds;
  if (!s.recent_topups_roubles.empty()) kinds.push_back(QuestionKind::kLastTopUp);
  if (AnswerableRecentCall(s)) kinds.push_back(QuestionKind::kRecentCall);
  if (kinds.empty()) return std::nullopt;
  return kinds[random % kinds.size()];
}

Result<CaseForm> ValidateCaseForm(const CaseFormInput& in, const PiiHasher& hasher,
                                  const std::function<bool(const std::string&)>& known_operator,
                                  bool contact_required) {
  std::vector<FieldViolation> bad;
  auto add = [&](const char* field, std::string what) { bad.push_back({field, std::move(what)}); };
  CaseForm form;

  if (Trim(in.phone).empty()) {
    add("phone", "is required");
  } else if (auto phone = NormalizeRuMobile(in.phone)) {
    form.phone = *phone;
  } else {
    add("phone", "is not a Russian mobile number (+7 9XX XXX-XX-XX)");
  }

  form.operator_id = Trim(in.operator_id);
  if (form.operator_id.empty())
    add("operator_id", "is required");
  else if (!known_operator || !known_operator(form.operator_id))
    add("operator_id", "is not an operator this shop serves");

  if (auto reason = ParseReason(in.reason))
    form.reason = *reason;
  else
    add("reason", "must be lost, stolen, damaged or format_change");

  if (std::string why = CheckFullName(in.full_name, &form.full_name); !why.empty())
    add("full_name", std::move(why));

  std::string number;
  auto type = ParseDocumentType(in.document_type);
  if (type)
    form.document_type = *type;
  else
    add("document_type", "must be ru_passport, foreign_passport or residence_permit");

  if (Trim(in.document_number).empty()) {
    add("document_number", "is required");
  } else if (type) {
    if (auto n = NormalizeDocumentNumber(*type, in.document_number))
      number = std::move(*n);
    else
      add("document_number", std::string("does not fit ") + DocumentTypeName(*type) + ": " +
                                 DocumentFormatHint(*type));
  }

  const std::string contact = Trim(in.contact);
  if (contact.empty() && !contact_required) {
    // the remote route: notices go to the contact on record
  } else if (contact.empty()) {
    add("contact", "is required (a mobile number or an e-mail for the notice)");
  } else if (auto phone = NormalizeRuMobile(contact)) {
    form.contact = *phone;
  } else if (ValidEmail(contact)) {
    form.contact = contact;
  } else {
    add("contact", "must be a Russian mobile number or an e-mail address");
  }

  if (!in.consent) add("consent", "the customer must consent to personal-data processing");

  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  form.document_hash = hasher.Hash("document", number);
  form.document_last4 = LastFour(number);
  return form;
}

}  // namespace shop::queue
