// The remote route's plain rules: the application check (every bad field
// at once, photos by content), references and activation codes, risk, four
// eyes on risky approvals, and what the applicant's status page may show.
#include "server/domain/remote/remote_case.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/support/test_images.h"

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class FakeHasher final : public PiiHasher {
 public:
  std::string Hash(std::string_view purpose, std::string_view value) const override {
    return "h(" + std::string(purpose) + "," + std::string(value) + ")";
  }
};

bool KnownOperator(const std::string& id) { return id == "megafon" || id == "beeline"; }
bool KnownBranch(const std::string& id) { return id == "demo" || id == "north"; }

ApplicationInput GoodApplication() {
  ApplicationInput in;
  in.phone = "+7 912 345-67-89";
  in.operator_id = "megafon";
  in.reason = "lost";
  in.full_name = "Иванов Иван Иванович";
  in.document_type = "ru_passport";
  in.document_number = "45 09 123456";
  in.document_photo = testing::MakeJpeg(1200, 900);
  in.selfie_photo = testing::MakePng(720, 1280);
  in.delivery = "post";
  in.consent = true;
  in.request_id = "5f0c7e2a-9b1d-4c3e-8f6a-1d2b3c4d5e6f";
  return in;
}

std::vector<std::string> Fields(const Status& st) {
  std::vector<std::string> out;
  for (const auto& v : st.violations()) out.push_back(v.field);
  return out;
}

Result<Application> Validate(const ApplicationInput& in) {
  static const FakeHasher hasher;
  return ValidateApplication(in, hasher, KnownOperator, KnownBranch);
}

TEST(RemoteApplication, AGoodApplicationIsNormalisedWithoutAContact) {
  auto app = Validate(GoodApplication());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->form.phone, "+79123456789");
  EXPECT_EQ(app->form.contact, "") << "notices go to the contact on record";
  EXPECT_EQ(app->form.document_hash, "h(document,4509123456)");
  EXPECT_EQ(app->form.document_last4, "3456");
  EXPECT_EQ(app->document_info.type, ImageType::kJpeg);
  EXPECT_EQ(app->document_info.width, 1200);
  EXPECT_EQ(app->selfie_info.type, ImageType::kPng);
  EXPECT_EQ(app->delivery, Delivery::kPost);
  EXPECT_EQ(app->language, Language::kRu);
}

TEST(RemoteApplication, EveryBadFieldIsNamedAtOnce) {
  ApplicationInput in;
  in.phone = "12345";
  in.operator_id = "acme";
  in.reason = "bored";
  in.full_name = "";
  in.document_type = "library_card";
  in.document_number = "1";
  in.document_photo = "just some text, named passport.jpg by its sender";
  in.selfie_photo = "";
  in.delivery = "drone";
  in.language = "fr";
  in.consent = false;
  auto app = Validate(in);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), Status::Code::kInvalidArgument);
  auto fields = Fields(app.status());
  for (const char* f : {"phone", "operator_id", "reason", "full_name", "document_type",
                        "document_photo", "selfie_photo", "delivery", "language", "consent",
                        "request_id"})
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  EXPECT_EQ(std::find(fields.begin(), fields.end(), "contact"), fields.end())
      << "the remote route asks for no contact";
}

TEST(RemoteApplication, TheRequestIdIsALongRandomOne) {
  ApplicationInput in = GoodApplication();
  in.request_id = "1";
  EXPECT_EQ(Fields(Validate(in).status()), std::vector<std::string>{"request_id"});
  in.request_id = std::string(kMinApplicationRequestId, 'a');
  EXPECT_TRUE(Validate(in).ok());
}

TEST(RemoteApplication, PhotosAreCheckedByContentNotByName) {
  ApplicationInput in = GoodApplication();
  in.document_photo = std::string("\xFF\xD8\xFF", 3) + std::string(5000, 'x');  // looks like JPEG
  in.selfie_photo = std::string(5 * 1024 * 1024 + 1, '\0');
  auto app = Validate(in);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(Fields(app.status()), (std::vector<std::string>{"document_photo", "selfie_photo"}));
  EXPECT_LT(app.status().message().size(), 600u) << "bounded: " << app.status().message();
}

TEST(RemoteApplication, PickupNeedsAKnownShopAndPostNone) {
  ApplicationInput in = GoodApplication();
  in.delivery = "pickup";
  EXPECT_EQ(Fields(Validate(in).status()), std::vector<std::string>{"pickup_branch_id"});
  in.pickup_branch_id = "elsewhere";
  EXPECT_EQ(Fields(Validate(in).status()), std::vector<std::string>{"pickup_branch_id"});
  in.pickup_branch_id = "north";
  auto app = Validate(in);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->delivery, Delivery::kPickup);
  EXPECT_EQ(app->pickup_branch_id, "north");
  in.delivery = "post";
  EXPECT_EQ(Fields(Validate(in).status()), std::vector<std::string>{"pickup_branch_id"});
}

TEST(RemoteReference, RoundTripsAsTypedAndRefusesLookAlikes) {
  const std::string random(16, '\x5A');
  std::string other_random = random;
  other_random[12] = '\x01';
  const std::string ref = NewApplicationReference(random);
  ASSERT_EQ(ref.size(), 16u);
  EXPECT_NE(ref, NewApplicationReference(other_random)) << "the second half uses bytes 8..15";
  const std::string shown = DisplayApplicationReference(ref);
  EXPECT_EQ(shown.size(), 19u);
  EXPECT_EQ(shown[4], '-');
  std::string typed = shown;
  std::transform(typed.begin(), typed.end(), typed.begin(), ::tolower);
  EXPECT_EQ(NormalizeApplicationReference(typed), ref);
  EXPECT_EQ(NormalizeApplicationReference(ref.substr(0, 15)), std::nullopt);
  EXPECT_EQ(NormalizeApplicationReference(ref + "A"), std::nullopt);
  EXPECT_EQ(NormalizeApplicationReference("0000-0000-0000-0000"), std::nullopt);
  EXPECT_EQ(NormalizeApplicationReference(std::string(100000, 'A')), std::nullopt);

  const std::string code = NewActivationCode(random);
  EXPECT_EQ(code.size(), 8u);
  EXPECT_EQ(NormalizeActivationCode(code.substr(0, 4) + "-" + code.substr(4)), code);
  EXPECT_EQ(NormalizeActivationCode("short"), std::nullopt);
}

TEST(RemoteRisk, EachFactorCounts) {
  Subscriber s;
  s.contact = "+79160001122";
  EXPECT_EQ(AssessRisk(s, true, kT0).score, 0);
  s.last_sim_change = kT0 - absl::Hours(24 * 10);
  s.contact_changed = kT0 - absl::Hours(24 * 29);
  Risk r = AssessRisk(s, false, kT0);
  EXPECT_EQ(r.score, 3);
  EXPECT_EQ(r.factors, "recent_sim_change,contact_changed,document_mismatch");
  s.last_sim_change = kT0 - absl::Hours(24 * 31);
  s.contact_changed = absl::InfinitePast();
  s.contact.clear();
  r = AssessRisk(s, true, kT0);
  EXPECT_EQ(r.factors, "no_contact_on_record");
}

SimCase WaitingForReview(int risk) {
  SimCase c;
  c.case_id = 7;
  c.route = CaseRoute::kRemote;
  c.state = CaseState::kAwaitingReview;
  c.remote = RemoteDetails{};
  c.remote->risk_score = risk;
  c.remote->risk_factors = risk ? "recent_sim_change" : "";
  return c;
}

TEST(RemoteReview, OneApprovalSufficesWithoutRisk) {
  SimCase c = WaitingForReview(0);
  auto done = ApproveApplication(c, "rita");
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  EXPECT_EQ(c.state, CaseState::kAwaitingDispatch);
  EXPECT_EQ(c.remote->reviewer, "rita");
}

TEST(RemoteReview, ARiskyApprovalNeedsASecondReviewer) {
  SimCase c = WaitingForReview(1);
  auto first = ApproveApplication(c, "rita");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(*first);
  EXPECT_EQ(c.state, CaseState::kAwaitingReview);
  EXPECT_EQ(c.remote->first_approver, "rita");

  SimCase again = c;
  auto own = ApproveApplication(again, "rita");
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(own.status().message().find("own second look"), std::string::npos);

  auto second = ApproveApplication(c, "boris");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*second);
  EXPECT_EQ(c.state, CaseState::kAwaitingDispatch);
  EXPECT_EQ(c.remote->reviewer, "boris");
}

TEST(RemoteReview, OnlyAnApplicationWaitingForReviewIsApproved) {
  SimCase c = WaitingForReview(0);
  c.state = CaseState::kCancelled;
  EXPECT_EQ(ApproveApplication(c, "rita").status().code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(KnownRejectReason("face_mismatch"));
  EXPECT_FALSE(KnownRejectReason("because"));
}

TEST(RemoteStatusPage, ShowsPublicFactsOnly) {
  auto rec = [](std::string step, std::string outcome, std::string detail) {
    CaseRecord r;
    r.step = std::move(step);
    r.outcome = std::move(outcome);
    r.detail = std::move(detail);
    r.actor = "reviewer:rita";
    return r;
  };
  std::vector<CaseRecord> records = {
      rec("apply", "received", "delivery=post document=match risk=1 factors=recent_sim_change"),
      rec("review", "first_approval", "risk=1"),
      rec("review", "approved", "risk=1"),
      rec("dispatch", "posted", "card=*1234"),
      rec("activation", "failed", "code=wrong attempts_left=2"),
      rec("activation", "passed", ""),
      rec("block", "done", "old_card=*9999 new_card=*1234 notices_queued"),
      rec("close", "closed", ""),
  };
  auto steps = PublicSteps(records, "RA123456789RU");
  std::vector<std::string> shown;
  for (const PublicStep& s : steps) shown.push_back(s.step + ":" + s.outcome);
  EXPECT_EQ(shown, (std::vector<std::string>{"applied:received", "review:approved",
                                             "dispatch:posted", "activation:failed",
                                             "activation:passed", "close:closed"}))
      << "no first approval (it would say the application looked risky), no card swap";
  EXPECT_EQ(steps[0].detail, "") << "no risk factors for the public";
  EXPECT_EQ(steps[2].detail, "RA123456789RU");
  EXPECT_EQ(steps[3].detail, "2");
  EXPECT_EQ(PublicSteps(records, "")[2].detail, "") << "erased with the case";
  for (const PublicStep& s : steps) EXPECT_EQ(s.detail.find("card"), std::string::npos);
}

TEST(RemoteExpiry, UnfinishedCasesExpireAtTheirTime) {
  SimCase c = WaitingForReview(0);
  c.remote->expires = kT0;
  EXPECT_FALSE(RemoteExpired(c, kT0 - absl::Seconds(1)));
  EXPECT_TRUE(RemoteExpired(c, kT0));
  c.state = CaseState::kClosed;
  EXPECT_FALSE(RemoteExpired(c, kT0 + absl::Hours(1)));
}

}  // namespace
}  // namespace shop::queue
