#include "server/domain/common/personal_data.h"

#include <cctype>
#include <cstdint>
#include <vector>

namespace shop::queue {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The length of the UTF-8 sequence starting at s[i] when it is a valid one,
// else 1 (a stray byte counts as one character, so masking never emits half
// a sequence).
size_t SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) n = 2, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) n = 3, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) n = 4, min = 0x10000;
  else return 1;
  if (i + n > s.size()) return 1;
  uint32_t cp = b0 & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 1;
  return n;
}

// `s` split into characters (code points; a stray byte is one character).
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = SequenceLength(s, i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Valid UTF-8 sequences pass through; a stray byte is masked too.
std::string Shown(std::string_view ch) {
  return ch.size() == 1 && static_cast<unsigned char>(ch[0]) >= 0x80 ? "*" : std::string(ch);
}

// All but the last `keep` characters as '*'; never the whole string, so a
// string of `keep` characters or fewer is masked entirely.
std::string MaskAllButLast(std::string_view s, size_t keep) {
  const auto chars = Characters(s);
  const size_t shown = chars.size() > keep ? keep : 0;
  std::string out(chars.size() - shown, '*');
  for (size_t i = chars.size() - shown; i < chars.size(); ++i) out += Shown(chars[i]);
  return out;
}

// The digits of `in` when it holds only digits and the given separators.
std::optional<std::string> DigitsOnly(std::string_view in, std::string_view separators) {
  std::string digits;
  for (char c : in) {
    if (IsDigit(c)) digits += c;
    else if (separators.find(c) == std::string_view::npos) return std::nullopt;
  }
  return digits;
}

bool LooksLikeEmail(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && s.find('@', at + 1) == std::string_view::npos;
}

}  // namespace

// Strict UTF-8 to code points; nullopt for anything malformed (overlong
// forms, surrogates, stray bytes).
std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    char32_t min = 0;
    if (b0 < 0x80) n = 1, min = 0;
    else if ((b0 & 0xE0) == 0xC0) n = 2, min = 0x80;
    else if ((b0 & 0xF0) == 0xE0) n = 3, min = 0x800;
    else if ((b0 & 0xF8) == 0xF0) n = 4, min = 0x10000;
    else return std::nullopt;
    if (i + n > s.size()) return std::nullopt;
    char32_t cp = n == 1 ? b0 : (b0 & (0x7F >> n));
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out += cp;
    i += n;
  }
  return out;
}

bool ValidEmail(std::string_view s) {
  if (s.size() < 6 || s.size() > 254) return false;  // a@b.cd
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' ||
        c == '(' || c == ')' || c == '[' || c == ']' || c == '\\')
      return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  // Domain: labels of letters, digits and hyphens (or non-ASCII), at least
  // two of them, the last at least two characters.
  const size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos || domain.size() - last_dot - 1 < 2) return false;
  size_t label = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || domain[i - 1] == '-' || domain[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(domain[i]);
    if (!(std::isalnum(c) || c == '-' || c >= 0x80)) return false;
    ++label;
  }
  return true;
}

const char* DocumentTypeName(DocumentType t) {
  switch (t) {
    case DocumentType::kRuPassport: return "ru_passport";
    case DocumentType::kForeignPassport: return "foreign_passport";
    case DocumentType::kResidencePermit: return "residence_permit";
  }
  return "unknown";
}

std::optional<DocumentType> ParseDocumentType(std::string_view name) {
  for (DocumentType t : {DocumentType::kRuPassport, DocumentType::kForeignPassport,
                         DocumentType::kResidencePermit})
    if (name == DocumentTypeName(t)) return t;
  return std::nullopt;
}

std::optional<std::string> NormalizeRuMobile(std::string_view in) {
  // A '+' may only open the number (after leading spaces).
  const size_t first = in.find_first_not_of(' ');
  if (first == std::string_view::npos) return std::nullopt;
  const bool plus = in[first] == '+';
  if (plus) in.remove_prefix(first + 1);
  auto digits = DigitsOnly(in, " -.()");
  if (!digits) return std::nullopt;
  std::string national;
  if (plus) {
    if (digits->size() != 11 || (*digits)[0] != '7') return std::nullopt;
    national = digits->substr(1);
  } else if (digits->size() == 11 && ((*digits)[0] == '7' || (*digits)[0] == '8')) {
    national = digits->substr(1);
  } else if (digits->size() == 10) {
    national = *digits;
  } else {
    return std::nullopt;
  }
  if (national[0] != '9') return std::nullopt;  // 3XX, 4XX, 8XX: landlines, toll-free
  return "+7" + national;
}

std::optional<std::string> NormalizeDocumentNumber(DocumentType t, std::string_view in) {
  auto digits = DigitsOnly(in, " -");
  if (!digits) return std::nullopt;
  size_t want = 0;
  switch (t) {
    case DocumentType::kRuPassport: want = 10; break;
    case DocumentType::kForeignPassport: want = 9; break;
    case DocumentType::kResidencePermit: want = 9; break;
  }
  if (want == 0 || digits->size() != want) return std::nullopt;
  return digits;
}

const char* DocumentFormatHint(DocumentType t) {
  switch (t) {
    case DocumentType::kRuPassport:
      return "10 digits: a 4-digit series and a 6-digit number (NNNN NNNNNN)";
    case DocumentType::kForeignPassport:
      return "9 digits: a 2-digit series and a 7-digit number (NN NNNNNNN)";
    case DocumentType::kResidencePermit:
      return "9 digits: a 2-digit series and a 7-digit number (NN NNNNNNN)";
  }
  return "an unknown document type";
}

std::string NormalizeIccid(std::string_view typed) {
  std::string out;
  for (char c : typed)
    if (c != ' ' && c != '-' && c != '\t') out += c;
  return out;
}

Status ValidateIccid(std::string_view iccid, const std::string& field) {
  auto bad = [&](const std::string& rule) {
    return Status::InvalidArgument(field, field + ": " + rule);
  };
  if (iccid.empty()) return bad("is required (the 19 or 20 digits printed on the card)");
  for (char c : iccid)
    if (!IsDigit(c)) return bad("only digits are allowed (no letters or other signs)");
  if (iccid.size() != 19 && iccid.size() != 20)
    return bad("must be 19 or 20 digits, not " + std::to_string(iccid.size()));
  if (iccid.substr(0, 2) != "89") return bad("must start with 89 (a telecom card)");
  if (!LuhnValid(iccid)) return bad("the check digit is wrong (Luhn)");
  return Status::Ok();
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() == 12 && phone.substr(0, 2) == "+7") {
    bool digits = true;
    for (char c : phone.substr(2)) digits = digits && IsDigit(c);
    if (digits) return "+7******" + std::string(phone.substr(8));
  }
  return MaskAllButLast(phone, 4);
}

std::string MaskName(std::string_view full_name) {
  std::string out;
  bool word_start = true;
  for (std::string_view ch : Characters(full_name)) {
    if (ch == " ") {
      out += ' ';
      word_start = true;
    } else if (word_start) {
      out += Shown(ch);
      word_start = false;
    } else {
      out += '*';
    }
  }
  return out;
}

std::string LastFour(std::string_view s) {
  const auto chars = Characters(s);
  std::string out;
  for (size_t i = chars.size() > 4 ? chars.size() - 4 : 0; i < chars.size(); ++i)
    out += chars[i];
  return out;
}

std::string MaskDocument(std::string_view last4) { return "******" + std::string(last4); }

std::string MaskContact(std::string_view contact) {
  if (auto phone = NormalizeRuMobile(contact)) return MaskPhone(*phone);
  if (LooksLikeEmail(contact)) {
    const size_t at = contact.find('@');
    const auto local = Characters(contact.substr(0, at));
    // A one-character local part is masked whole, so the output never
    // shows the whole address.
    const std::string first = local.size() > 1 ? Shown(local[0]) : "*";
    return first + std::string(local.size() - 1, '*') + std::string(contact.substr(at));
  }
  return MaskPhone(contact);
}

}  // namespace shop::queue
