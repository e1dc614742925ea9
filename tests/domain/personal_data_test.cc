// Personal-data formats: Russian mobile numbers, identity documents, ICCIDs,
// and masking for logs and screens.
#include "server/domain/common/personal_data.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

TEST(DocumentTypes, NamesRoundTrip) {
  for (DocumentType t : {DocumentType::kRuPassport, DocumentType::kForeignPassport,
                         DocumentType::kResidencePermit})
    EXPECT_EQ(ParseDocumentType(DocumentTypeName(t)), t);
  EXPECT_EQ(std::string(DocumentTypeName(DocumentType::kRuPassport)), "ru_passport");
  EXPECT_EQ(std::string(DocumentTypeName(DocumentType::kForeignPassport)), "foreign_passport");
  EXPECT_EQ(std::string(DocumentTypeName(DocumentType::kResidencePermit)), "residence_permit");
  EXPECT_FALSE(ParseDocumentType("passport"));
  EXPECT_FALSE(ParseDocumentType(""));
  EXPECT_FALSE(ParseDocumentType("RU_PASSPORT"));
}

TEST(RuMobile, AcceptsTheWaysPeopleWriteIt) {
  for (const char* in :
       {"+79123456789", "+7 912 345-67-89", "+7 (912) 345-67-89", "8 (912) 345 67 89",
        "89123456789", "79123456789", "9123456789", "912 345 67 89", "8-912-345-67-89",
        "+7.912.345.67.89", "  +7 912 3456789  ", "(912)3456789"}) {
    auto n = NormalizeRuMobile(in);
    ASSERT_TRUE(n) << in;
    EXPECT_EQ(*n, "+79123456789") << in;
  }
}

TEST(RuMobile, RefusesWhatIsNotARussianMobile) {
  for (const char* in : {
           "",                  // nothing
           "   ",               // nothing but spaces
           "+7 912 345 67 8",   // 9 national digits
           "+7 912 345 67 890", // 11 national digits
           "912345678",         // 9 digits
           "891234567890",      // 12 digits
           "+89123456789",      // +8 is not a country code for Russia
           "+7 495 123-45-67",  // Moscow landline
           "8 495 123 45 67",   // landline with trunk prefix
           "4951234567",        // bare landline
           "+7 800 555-35-35",  // toll-free
           "69123456789",       // neither 7 nor 8 in front
           "+7 912 ABC-67-89",  // letters
           "+7 912 345 67 89 ext", "8912345678a",
           "+7 912 345+67-89",  // '+' inside
           "++79123456789",     // two pluses
           "+7_912_345_67_89",  // underscores are no separator
           "+380 91 234 5678",  // another country
           "8912345678",        // 10 digits starting with 8: not mobile
       }) {
    EXPECT_FALSE(NormalizeRuMobile(in)) << in;
  }
}

TEST(DocumentNumber, RuPassportIsTenDigits) {
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kRuPassport, "45 09 123456"), "4509123456");
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509 123456"), "4509123456");
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509123456"), "4509123456");
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509-123456"), "4509123456");
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509 12345"));    // short
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509 1234567"));  // long
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "45 09 12345A"));  // letter
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509/123456"));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "4509.123456"));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, ""));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kRuPassport, "75 1234567"));  // 9 digits
}

TEST(DocumentNumber, ForeignPassportIsNineDigits) {
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kForeignPassport, "75 1234567"), "751234567");
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kForeignPassport, "751234567"), "751234567");
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kForeignPassport, "75 123456"));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kForeignPassport, "4509 123456"));  // 10
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kForeignPassport, "75 I234567"));
}

TEST(DocumentNumber, ResidencePermitIsNineDigits) {
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kResidencePermit, "82 1234567"), "821234567");
  EXPECT_EQ(NormalizeDocumentNumber(DocumentType::kResidencePermit, "82-1234567"), "821234567");
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kResidencePermit, "82 123456"));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kResidencePermit, "8212345678"));
  EXPECT_FALSE(NormalizeDocumentNumber(DocumentType::kResidencePermit, "82 12345б7"));
}

TEST(DocumentNumber, HintsSayTheFormat) {
  EXPECT_NE(std::string(DocumentFormatHint(DocumentType::kRuPassport)).find("10 digits"),
            std::string::npos);
  EXPECT_NE(std::string(DocumentFormatHint(DocumentType::kForeignPassport)).find("9 digits"),
            std::string::npos);
  EXPECT_NE(std::string(DocumentFormatHint(DocumentType::kResidencePermit)).find("9 digits"),
            std::string::npos);
}

TEST(Luhn, KnownValues) {
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_TRUE(LuhnValid("0"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("7992739871x"));
}

TEST(Iccid, NineteenAndTwentyDigitCardsPass) {
  EXPECT_TRUE(ValidateIccid("8970102101234567898").ok());
  EXPECT_TRUE(ValidateIccid("89701021012345678905").ok());
}

Status::Code CodeOf(const Status& st) { return st.code(); }

TEST(Iccid, EachRuleHasItsOwnMessageNamingTheField) {
  auto luhn = ValidateIccid("8970102101234567890");
  EXPECT_EQ(CodeOf(luhn), Status::Code::kInvalidArgument);
  EXPECT_EQ(luhn.field(), "iccid");
  EXPECT_EQ(luhn.message(), "iccid: the check digit is wrong (Luhn)");

  auto not89 = ValidateIccid("1234567890123456785");  // Luhn-valid, 19 digits
  EXPECT_EQ(CodeOf(not89), Status::Code::kInvalidArgument);
  EXPECT_NE(not89.message().find("89"), std::string::npos) << not89.message();

  auto length = ValidateIccid("89701021012345675");  // Luhn-valid, 17 digits
  EXPECT_EQ(CodeOf(length), Status::Code::kInvalidArgument);
  EXPECT_NE(length.message().find("19 or 20 digits"), std::string::npos) << length.message();

  auto letters = ValidateIccid("897010210123456789F");
  EXPECT_EQ(CodeOf(letters), Status::Code::kInvalidArgument);
  EXPECT_NE(letters.message().find("only digits"), std::string::npos) << letters.message();

  auto empty = ValidateIccid("", "new_iccid");
  EXPECT_EQ(CodeOf(empty), Status::Code::kInvalidArgument);
  EXPECT_EQ(empty.field(), "new_iccid");
  EXPECT_EQ(empty.message().rfind("new_iccid: ", 0), 0u) << empty.message();

  // The messages differ from one another.
  EXPECT_NE(luhn.message(), not89.message());
  EXPECT_NE(luhn.message(), length.message());
  EXPECT_NE(length.message(), letters.message());
}

TEST(Iccid, SpacesAreNotDigits) {
  EXPECT_FALSE(ValidateIccid("8970 1021 0123 4567 898").ok());
}

TEST(Iccid, NormalizingDropsTheSpacesAndDashesOfPrintedGroups) {
  EXPECT_EQ(NormalizeIccid("8970 1021 0123 4567 898"), "8970102101234567898");
  EXPECT_EQ(NormalizeIccid("8970-1021-0123-4567-898"), "8970102101234567898");
  EXPECT_EQ(NormalizeIccid(" 8970\t1021 0123-4567 898 "), "8970102101234567898");
  EXPECT_TRUE(ValidateIccid(NormalizeIccid("8970 1021 0123 4567 898")).ok());
  // Anything else stays, so the rule that refuses it is named.
  EXPECT_EQ(NormalizeIccid("8970 1021 O123 4567 898"), "89701021O1234567898");
  EXPECT_NE(ValidateIccid(NormalizeIccid("8970 1021 O123 4567 898")).message().find("only digits"),
            std::string::npos);
}

TEST(Mask, PhoneShowsCountryAndLastFour) {
  EXPECT_EQ(MaskPhone("+79123456789"), "+7******6789");
  EXPECT_EQ(MaskPhone("12345678"), "****5678");
  EXPECT_EQ(MaskPhone("+7 912 345-67-89"), "************7-89");
  EXPECT_EQ(MaskPhone("1234"), "****");  // never the whole input
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(Mask, NamesKeepFirstLettersByCodePoint) {
  EXPECT_EQ(MaskName("Ivanov Ivan"), "I***** I***");
  EXPECT_EQ(MaskName("Иванов Иван Иванович"), "И***** И*** И*******");
  EXPECT_EQ(MaskName("Ёлкина Мария"), "Ё***** М****");
  EXPECT_EQ(MaskName("O'Neil Ann-Marie"), "O***** A********");
  EXPECT_EQ(MaskName(""), "");
  // A stray byte never comes out half a character.
  EXPECT_EQ(MaskName("\xD0 Ivan"), "* I***");
}

TEST(Mask, LastFourAndDocument) {
  EXPECT_EQ(LastFour("4509123456"), "3456");
  EXPECT_EQ(LastFour("123"), "123");
  EXPECT_EQ(LastFour("абвгдеж"), "гдеж");  // characters, not bytes
  EXPECT_EQ(MaskDocument("3456"), "******3456");
}

TEST(Mask, ContactsArePhonesOrEmails) {
  EXPECT_EQ(MaskContact("8 (912) 345-67-89"), "+7******6789");
  EXPECT_EQ(MaskContact("ivan.petrov@mail.ru"), "i**********@mail.ru");
  EXPECT_EQ(MaskContact("иван@почта.рф"), "и***@почта.рф");
  EXPECT_EQ(MaskContact("a@b.ru"), "*@b.ru");
  EXPECT_EQ(MaskContact("telegram-ivan"), "*********ivan");
}

TEST(Mask, OutputNeverHoldsTheWholeInput) {
  for (const char* in :
       {"+79123456789", "8 912 345 67 89", "ivan.petrov@mail.ru", "Иванов Иван", "Ivanov Ivan",
        "x@y.ru", "1234", "abc", "Ян Ли"}) {
    const std::string s = in;
    for (const std::string& out : {MaskPhone(s), MaskName(s), MaskContact(s)})
      EXPECT_EQ(out.find(s), std::string::npos) << in << " -> " << out;
  }
}

}  // namespace
}  // namespace shop::queue
