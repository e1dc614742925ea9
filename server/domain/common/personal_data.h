// Personal data: the formats the SIM-replacement form accepts (Russian mobile
// numbers, identity documents, ICCIDs), their normal forms, and how they may
// appear outside the form: masked in logs and on screens, and document numbers
// only as a keyed hash plus their last four characters.
//
// Plain C++; the keyed hash itself is injected (PiiHasher; HMAC-SHA256 with a
// key file in server/crypto). Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/luhn.h"
#include "server/domain/common/status.h"

namespace shop::queue {

enum class DocumentType : uint8_t {
  kRuPassport = 1,       // Russian internal passport: 4-digit series + 6-digit number
  kForeignPassport = 2,  // Russian international passport: 9 digits
  kResidencePermit = 3,  // residence permit (vid na zhitelstvo): 9 digits
};
const char* DocumentTypeName(DocumentType t);  // "ru_passport", ...
std::optional<DocumentType> ParseDocumentType(std::string_view name);

// "+7XXXXXXXXXX" from the ways people write a Russian mobile number:
// "+7 912 345-67-89", "8 (912) 345 67 89", "79123456789", "9123456789".
// Mobile means the national number starts with 9. nullopt when it is not one.
std::optional<std::string> NormalizeRuMobile(std::string_view in);

// The document number without spaces or separators, checked against its
// type's format; nullopt when it does not fit.
std::optional<std::string> NormalizeDocumentNumber(DocumentType t, std::string_view in);
// What a format error says, for a person: "10 digits: a 4-digit series and
// a 6-digit number (NNNN NNNNNN)". No example numbers: an example that looked
// real could be someone's document (the demo register's were).
const char* DocumentFormatHint(DocumentType t);

// LuhnValid (a string of digits, the check digit last): common/luhn.h.
// An ICCID as printed on a SIM card: 19 or 20 digits, starting with "89"
// (telecom), with a valid Luhn check digit. kInvalidArgument naming `field`
// and saying which rule failed.
Status ValidateIccid(std::string_view iccid, const std::string& field = "iccid");
// An ICCID as typed or read off the card, in groups ("8970 1020 0050 0000
// 016", "8970-1020-..."): the spaces and dashes dropped; anything else is
// kept for ValidateIccid to refuse.
std::string NormalizeIccid(std::string_view typed);

// Strict UTF-8 to code points; nullopt for anything malformed (overlong
// forms, surrogates, stray bytes). Names are counted and checked with it.
std::optional<std::u32string> DecodeUtf8(std::string_view s);

// An e-mail address of sane shape (local@domain.tld, no spaces or control
// characters, at most 254 bytes). A shape check only: whether mail arrives is
// for the mail to find out. Used by the case form's contact and bookings.
bool ValidEmail(std::string_view s);

// For logs and screens. Never log a phone, name or document number but
// through these.
std::string MaskPhone(std::string_view phone);     // "+79123456789" -> "+7******6789"
std::string MaskName(std::string_view full_name);  // "Ivanov Ivan" -> "I***** I***"
std::string LastFour(std::string_view s);          // the last 4 characters (all if shorter)
std::string MaskDocument(std::string_view last4);  // "1234" -> "******1234"
// A contact is a phone number or an e-mail address; masks either.
std::string MaskContact(std::string_view contact);

// Keyed one-way hash of a personal identifier (document numbers), so equal
// numbers can be matched without storing them. `purpose` separates uses
// ("document"). Thread-safe implementations.
class PiiHasher {
 public:
  virtual ~PiiHasher() = default;
  virtual std::string Hash(std::string_view purpose, std::string_view value) const = 0;
};

}  // namespace shop::queue
