// The remote route of a SIM replacement through a real server on loopback
// (RemoteService), on both engines, with real staff sessions and a manual
// clock: the whole post route from the application to the activation (four
// eyes on a risky one, a wrong code counted, the old card blocked in the
// register, the notice to the contact on record), the pickup route's
// hand-over at the counter, the refusals (a text file as a photo, a photo
// above 5 MiB, a number under its holder's lock, a second open application
// or an open counter case, three wrong codes locking the number across a
// restart, the activation of an expired or rejected application), who may
// call what, the per-address limit of the public calls, and photos that
// never reach the database in the clear.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "common/client/rpc.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/domain/common/personal_data.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/case_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "server/storage/sqlite/backup.h"
#include "shop/queue/v1/remote_service.grpc.pb.h"
#include "tests/service/test_server.h"
#include "tests/support/test_images.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::TestIccid;

// The register: a number whose contact changed lately (risky: two reviewers),
// a calm one (one reviewer), and one under its holder's own lock.
constexpr const char* kRisky = "+79161112233";
constexpr const char* kRiskyDoc = "4509 000111";
constexpr const char* kCalm = "+79162223344";
constexpr const char* kCalmDoc = "4509 000222";
constexpr const char* kLocked = "+79163334455";
constexpr const char* kLockedDoc = "4509 000333";
constexpr int64_t kTopUp = 700;
constexpr const char* kCalled = "+79031112233";
// Where the register sends notices, and what an application could never set.
constexpr const char* kContactOnRecord = "holder.on.record@example.com";
constexpr const char* kAddressOnRecord = "ul. Testovaya 1, kv. 2, Moscow, 101000";

std::string Digits(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::vector<std::string> BadFields(const grpc::Status& st) {
  google::rpc::Status details;
  std::vector<std::string> out;
  if (!details.ParseFromString(st.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.push_back(v.field());
  }
  return out;
}

bool Names(const grpc::Status& st, const std::string& field) {
  auto f = BadFields(st);
  return std::find(f.begin(), f.end(), field) != f.end();
}

// The answer the register holds for a question.
std::string AnswerTo(const std::string& question) {
  return question.find("top-up") != std::string::npos ? std::to_string(kTopUp) : kCalled;
}

// A code of the right shape that is not `code`.
std::string OtherCode(const std::string& code) {
  std::string wrong = code;
  wrong[0] = wrong[0] == '2' ? '3' : '2';
  return wrong;
}

// A document photo with a marker after its end (PNG readers ignore it), so
// that its bytes are unmistakable in a file.
std::string DocumentPng(const std::string& marker = "PLAINTEXT-DOCUMENT-PHOTO") {
  testing::PngSpec spec;
  spec.width = 1600;
  spec.height = 1200;
  spec.after_iend = marker;
  return testing::MakePng(spec);
}
std::string SelfieJpeg() { return testing::MakeJpeg(1280, 960); }

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 10) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

ServerConfig RemoteConfig(int per_minute = 100000, int burst = 100000) {
  ServerConfig c = testing::CaseTestConfig();
  c.booking_api.per_address_per_minute = per_minute;
  c.booking_api.burst = burst;
  return c;
}

class RemoteServiceTest : public ::testing::Test {
 protected:
  explicit RemoteServiceTest(ServerConfig config = RemoteConfig())
      : clock_(std::make_shared<ManualClock>(testing::At("Europe/Moscow", 2026, 3, 10, 12, 0))),
        server_(std::move(config), clock_) {
    Seed();
    reviewer1_token_ = server_.StaffToken(Role::kReviewer, "rev-olga");
    reviewer2_token_ = server_.StaffToken(Role::kReviewer, "rev-ivan");
    clerk_token_ = server_.StaffToken(Role::kClerk, "clerk-anna");
    Connect();
  }

  void Seed() {
    const absl::Time now = clock_->Now();
    Status seeded = server_.store().Write([&](WriteTx& tx) -> Status {
      Subscriber risky =
          testing::TestSubscriber(server_.hasher(), kRisky, Digits(kRiskyDoc), kTopUp, kCalled);
      risky.active_iccid = TestIccid(1);
      risky.contact = kContactOnRecord;
      risky.address = kAddressOnRecord;
      risky.contact_changed = now - absl::Hours(24 * 10);  // lately: a risk
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(risky));
      Subscriber calm =
          testing::TestSubscriber(server_.hasher(), kCalm, Digits(kCalmDoc), kTopUp, kCalled);
      calm.active_iccid = TestIccid(2);
      calm.contact = "+79037654321";
      calm.address = "ul. Spokoynaya 5, Moscow";
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(calm));
      Subscriber locked =
          testing::TestSubscriber(server_.hasher(), kLocked, Digits(kLockedDoc), kTopUp, kCalled);
      locked.active_iccid = TestIccid(3);
      locked.contact = "locked@example.com";
      locked.address = "ul. Zakrytaya 3, Moscow";
      locked.no_sim_change = true;
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(locked));
      for (int i = 100; i < 110; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), "test", "megafon"}));
      return Status::Ok();
    });
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  }

  // Stubs for every caller (again after a restart: the port changes).
  void Connect() {
    public_ = pb::RemoteService::NewStub(server_.AnonymousChannel());
    reviewer1_ = pb::RemoteService::NewStub(server_.ChannelWith(reviewer1_token_));
    reviewer2_ = pb::RemoteService::NewStub(server_.ChannelWith(reviewer2_token_));
    clerk_ = pb::RemoteService::NewStub(server_.ChannelWith(clerk_token_));
  }

  static pb::ApplyForReplacementRequest Application(const std::string& phone,
                                                    const std::string& document) {
    pb::ApplyForReplacementRequest req;
    req.set_phone(phone);
    req.set_operator_id("megafon");
    req.set_reason(pb::REPLACEMENT_REASON_LOST);
    req.set_full_name("Ivanova Maria");
    req.set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    req.set_document_number(document);
    req.set_document_photo(DocumentPng());
    req.set_selfie_photo(SelfieJpeg());
    req.set_delivery(pb::DELIVERY_POST);
    req.set_language(pb::LANGUAGE_EN);
    req.set_consent(true);
    req.set_request_id("apply-" + Digits(phone) + "-" + std::to_string(++seq_));
    return req;
  }

  grpc::Status Apply(const pb::ApplyForReplacementRequest& req,
                     pb::ApplyForReplacementResponse* out = nullptr) {
    pb::ApplyForReplacementResponse resp;
    return public_->ApplyForReplacement(Ctx(30).get(), req, out ? out : &resp);
  }

  // Applies for `phone` and returns the reference.
  std::string ApplyFor(const std::string& phone, const std::string& document) {
    pb::ApplyForReplacementResponse resp;
    grpc::Status st = Apply(Application(phone, document), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.reference();
  }

  pb::ApplicationStatus StatusOf(const std::string& reference) {
    pb::GetApplicationStatusRequest req;
    req.set_reference(reference);
    pb::GetApplicationStatusResponse resp;
    grpc::Status st = public_->GetApplicationStatus(Ctx().get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.status();
  }

  grpc::Status List(pb::RemoteService::Stub& stub, pb::ApplicationState state,
                    pb::ListApplicationsResponse* out) {
    pb::ListApplicationsRequest req;
    req.set_state(state);
    return stub.ListApplications(Ctx().get(), req, out);
  }

  // The case id of `phone`'s application in the review queue (0 if none).
  int64_t CaseIdOf(const std::string& phone,
                   pb::ApplicationState state = pb::APPLICATION_STATE_AWAITING_REVIEW) {
    pb::ListApplicationsResponse list;
    grpc::Status st = List(*reviewer1_, state, &list);
    EXPECT_TRUE(st.ok()) << st.error_message();
    for (const auto& a : list.applications())
      if (a.phone_masked() == MaskPhone(phone)) return a.case_id();
    return 0;
  }

  grpc::Status Approve(pb::RemoteService::Stub& stub, int64_t case_id,
                       pb::Application* out = nullptr) {
    pb::ApproveApplicationRequest req;
    req.set_case_id(case_id);
    pb::ApproveApplicationResponse resp;
    grpc::Status st = stub.ApproveApplication(Ctx().get(), req, &resp);
    if (out) *out = resp.application();
    return st;
  }

  grpc::Status Reject(pb::RemoteService::Stub& stub, int64_t case_id, pb::RejectReason reason,
                      pb::Application* out = nullptr) {
    pb::RejectApplicationRequest req;
    req.set_case_id(case_id);
    req.set_reason(reason);
    pb::RejectApplicationResponse resp;
    grpc::Status st = stub.RejectApplication(Ctx().get(), req, &resp);
    if (out) *out = resp.application();
    return st;
  }

  grpc::Status Dispatch(int64_t case_id, const std::string& iccid, const std::string& tracking,
                        pb::DispatchCardResponse* out) {
    pb::DispatchCardRequest req;
    req.set_case_id(case_id);
    req.set_iccid(iccid);
    req.set_tracking_number(tracking);
    return reviewer1_->DispatchCard(Ctx().get(), req, out);
  }

  grpc::Status Activate(const std::string& reference, const std::string& code,
                        const std::string& answer, pb::ActivateCardResponse* out) {
    pb::ActivateCardRequest req;
    req.set_reference(reference);
    req.set_activation_code(code);
    req.set_answer(answer);
    return public_->ActivateCard(Ctx().get(), req, out);
  }

  // Applies for the calm number, approves and posts it: the reference and
  // the envelope's code.
  std::pair<std::string, std::string> PostedCalmCard(const std::string& iccid) {
    const std::string reference = ApplyFor(kCalm, kCalmDoc);
    const int64_t id = CaseIdOf(kCalm);
    EXPECT_TRUE(Approve(*reviewer1_, id).ok());
    pb::DispatchCardResponse posted;
    grpc::Status st = Dispatch(id, iccid, "RA123456789RU", &posted);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {reference, posted.activation_code()};
  }

  std::string CardState(const std::string& iccid) {
    std::string state;
    Status st = server_.store().Read([&](ReadTx& tx) -> Status {
      auto s = tx.cases().CardState(iccid);
      if (!s.ok()) return s.status();
      state = *s;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return state;
  }

  std::vector<OutboxMessage> Outbox(int64_t case_id) {
    std::vector<OutboxMessage> out;
    Status st = server_.store().Read([&](ReadTx& tx) -> Status {
      auto m = tx.outbox().OutboxFor("case:" + std::to_string(case_id));
      if (!m.ok()) return m.status();
      out = *m;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  static inline int seq_ = 0;
  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
  std::string reviewer1_token_, reviewer2_token_, clerk_token_;
  std::unique_ptr<pb::RemoteService::Stub> public_, reviewer1_, reviewer2_, clerk_;
};

TEST_F(RemoteServiceTest, PostRouteFromApplicationToActivation) {
  // Apply: a reference of 16 characters in fours, the status page at once.
  pb::ApplyForReplacementResponse applied;
  ASSERT_TRUE(Apply(Application(kRisky, kRiskyDoc), &applied).ok());
  const std::string reference = applied.reference();
  EXPECT_TRUE(std::regex_match(reference, std::regex("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}")))
      << reference;
  EXPECT_EQ(applied.status().state(), pb::APPLICATION_STATE_AWAITING_REVIEW);
  pb::ApplicationStatus status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_AWAITING_REVIEW);
  EXPECT_EQ(status.delivery(), pb::DELIVERY_POST);
  EXPECT_EQ(status.phone_masked(), MaskPhone(kRisky));
  EXPECT_EQ(status.apply_time().seconds(), absl::ToUnixSeconds(clock_->Now()));
  EXPECT_GT(status.expire_time().seconds(), status.apply_time().seconds());
  ASSERT_EQ(status.steps_size(), 1);
  EXPECT_EQ(status.steps(0).step(), "applied");
  EXPECT_EQ(status.steps(0).outcome(), "received");
  EXPECT_EQ(status.question(), "") << "no question before the card is posted";
  // The same reference without dashes, in lower case, finds it too.
  std::string typed;
  for (char c : reference)
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(StatusOf(typed).state(), pb::APPLICATION_STATE_AWAITING_REVIEW);

  // The review queue shows it with its risk; the reviewer sees the photos
  // beside the holder on record.
  const int64_t id = CaseIdOf(kRisky);
  ASSERT_GT(id, 0);
  pb::GetApplicationRequest get;
  get.set_case_id(id);
  pb::GetApplicationResponse view;
  ASSERT_TRUE(reviewer1_->GetApplication(Ctx().get(), get, &view).ok());
  EXPECT_EQ(view.application().full_name(), "Ivanova Maria");
  EXPECT_EQ(view.application().document_last4(), "0111");
  EXPECT_EQ(view.application().risk_score(), 1);
  ASSERT_EQ(view.application().risk_factors_size(), 1);
  EXPECT_EQ(view.application().risk_factors(0), "contact_changed");
  EXPECT_EQ(view.application().time_zone(), "Europe/Moscow");
  EXPECT_TRUE(view.holder().document_matches());
  EXPECT_EQ(view.holder().full_name(), "Ivanova Maria");
  EXPECT_EQ(view.holder().address(), kAddressOnRecord);
  EXPECT_EQ(view.holder().contact_masked(), MaskContact(kContactOnRecord));
  EXPECT_TRUE(view.holder().has_contact_change_time());
  ASSERT_EQ(view.photos_size(), 2);

  // Four eyes: the first approval waits for a second reviewer; the same one
  // cannot give it.
  pb::Application after;
  ASSERT_TRUE(Approve(*reviewer1_, id, &after).ok());
  EXPECT_EQ(after.state(), pb::APPLICATION_STATE_AWAITING_REVIEW);
  EXPECT_EQ(after.first_approver(), "rev-olga");
  grpc::Status twice = Approve(*reviewer1_, id);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::PERMISSION_DENIED) << twice.error_message();
  ASSERT_TRUE(Approve(*reviewer2_, id, &after).ok());
  EXPECT_EQ(after.state(), pb::APPLICATION_STATE_AWAITING_DISPATCH);
  EXPECT_EQ(after.reviewer(), "rev-ivan");
  EXPECT_EQ(after.first_approver(), "") << "no second approval is awaited any more";
  EXPECT_EQ(CaseIdOf(kRisky, pb::APPLICATION_STATE_AWAITING_DISPATCH), id);
  pb::ListApplicationsResponse dispatch_queue;
  ASSERT_TRUE(List(*reviewer1_, pb::APPLICATION_STATE_AWAITING_DISPATCH, &dispatch_queue).ok());
  ASSERT_EQ(dispatch_queue.applications_size(), 1);
  EXPECT_EQ(dispatch_queue.applications(0).first_approver(), "");
  EXPECT_EQ(dispatch_queue.applications(0).time_zone(), "Europe/Moscow");

  // Dispatch: a card from stock, the envelope's code shown once.
  pb::DispatchCardResponse posted;
  grpc::Status st = Dispatch(id, TestIccid(100), "RA123456789RU", &posted);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(std::regex_match(posted.activation_code(), std::regex("[2-9A-Z]{4}-[2-9A-Z]{4}")))
      << posted.activation_code();
  EXPECT_EQ(posted.tracking_number(), "RA123456789RU");
  EXPECT_FALSE(posted.question().empty());
  status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_AWAITING_ACTIVATION);
  EXPECT_EQ(status.question(), posted.question());
  EXPECT_EQ(status.steps(status.steps_size() - 1).detail(), "RA123456789RU");
  ASSERT_TRUE(reviewer1_->GetApplication(Ctx().get(), get, &view).ok());
  EXPECT_EQ(view.application().new_iccid_last4(), LastFour(TestIccid(100)));
  for (const auto& r : view.application().records())
    EXPECT_EQ(r.detail().find(posted.activation_code()), std::string::npos) << "code not kept";

  // A wrong code: counted, two attempts left; the right one and the answer
  // close the case.
  pb::ActivateCardResponse result;
  ASSERT_TRUE(Activate(reference, OtherCode(posted.activation_code()),
                       AnswerTo(status.question()), &result)
                  .ok());
  EXPECT_FALSE(result.activated());
  EXPECT_EQ(result.attempts_left(), 2);
  EXPECT_FALSE(result.locked());
  EXPECT_EQ(result.state(), pb::APPLICATION_STATE_AWAITING_ACTIVATION);
  EXPECT_EQ(CardState(TestIccid(1)), "active") << "nothing changed yet";
  status = StatusOf(reference);  // the question may have changed
  ASSERT_TRUE(Activate(reference, posted.activation_code(), AnswerTo(status.question()), &result)
                  .ok());
  EXPECT_TRUE(result.activated());
  EXPECT_EQ(result.state(), pb::APPLICATION_STATE_CLOSED);

  // The register: the old card blocked, the new one the number's.
  EXPECT_EQ(CardState(TestIccid(1)), "blocked");
  EXPECT_EQ(CardState(TestIccid(100)), "active");
  // The status page shows each step, in order.
  status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_CLOSED);
  std::vector<std::string> steps;
  for (const auto& s : status.steps()) steps.push_back(s.step() + ":" + s.outcome());
  // (The first of two approvals is not shown: it would say the
  // application looked risky.)
  EXPECT_EQ(steps, (std::vector<std::string>{"applied:received",
                                             "review:approved", "dispatch:posted",
                                             "activation:failed", "activation:passed",
                                             "close:closed"}));
  for (const auto& s : status.steps())
    EXPECT_EQ(s.detail().find("rev-"), std::string::npos) << "no reviewer's name in public";

  // The notice: to the number and to the contact on record, nothing else.
  std::vector<std::string> recipients;
  for (const OutboxMessage& m : Outbox(id)) recipients.push_back(m.channel + ":" + m.recipient);
  std::sort(recipients.begin(), recipients.end());
  EXPECT_EQ(recipients, (std::vector<std::string>{std::string("email:") + kContactOnRecord,
                                                  std::string("sms:") + kRisky}));

  // Done is done: no second activation.
  st = Activate(reference, posted.activation_code(), AnswerTo(status.question()), &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
}

TEST_F(RemoteServiceTest, PickupRouteEndsWithTheHandOverAtTheCounter) {
  pb::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_delivery(pb::DELIVERY_PICKUP);
  req.set_pickup_branch_id("test");
  pb::ApplyForReplacementResponse applied;
  ASSERT_TRUE(Apply(req, &applied).ok());
  EXPECT_EQ(applied.status().delivery(), pb::DELIVERY_PICKUP);
  const int64_t id = CaseIdOf(kCalm);
  // No risk: one reviewer's approval completes the review.
  pb::Application after;
  ASSERT_TRUE(Approve(*reviewer1_, id, &after).ok());
  EXPECT_EQ(after.state(), pb::APPLICATION_STATE_AWAITING_DISPATCH);
  EXPECT_EQ(after.risk_factors_size(), 0);
  // A pickup has no tracking number and no envelope code.
  pb::DispatchCardResponse sent;
  grpc::Status st = Dispatch(id, TestIccid(101), "RA1234", &sent);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "tracking_number")) << st.error_message();
  st = Dispatch(id, TestIccid(101), "", &sent);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(sent.activation_code(), "");
  EXPECT_EQ(StatusOf(applied.reference()).state(), pb::APPLICATION_STATE_AWAITING_PICKUP);

  // The customer at the pickup counter: the clerk finds the card by the
  // number and learns the question to ask.
  pb::ListPickupsRequest find;
  find.set_branch_id("test");
  find.set_phone(kCalm);
  pb::ListPickupsResponse found;
  st = reviewer1_->ListPickups(Ctx().get(), find, &found);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << "a reviewer works no counter";
  st = clerk_->ListPickups(Ctx().get(), find, &found);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(found.pickups_size(), 1);
  EXPECT_EQ(found.pickups(0).case_id(), id);
  EXPECT_EQ(found.pickups(0).question(), sent.question());
  EXPECT_EQ(found.pickups(0).new_iccid_last4(), LastFour(TestIccid(101)));
  EXPECT_EQ(found.pickups(0).phone_masked(), MaskPhone(kCalm));
  EXPECT_EQ(found.pickups(0).document_type(), pb::DOCUMENT_TYPE_RU_PASSPORT);
  EXPECT_TRUE(found.pickups(0).has_expire_time());
  EXPECT_EQ(found.time_zone(), "Europe/Moscow");
  find.set_branch_id("nowhere");
  st = clerk_->ListPickups(Ctx().get(), find, &found);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "branch_id")) << st.error_message();

  pb::HandOverCardRequest hand;
  hand.set_case_id(found.pickups(0).case_id());
  hand.set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
  hand.set_document_number(kCalmDoc);
  hand.set_face_matches(true);
  hand.set_answer(AnswerTo(found.pickups(0).question()));
  pb::HandOverCardResponse handed;
  st = reviewer1_->HandOverCard(Ctx().get(), hand, &handed);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << "a reviewer works no counter";
  st = clerk_->HandOverCard(Ctx().get(), hand, &handed);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(handed.activated());
  EXPECT_EQ(handed.state(), pb::APPLICATION_STATE_CLOSED);
  EXPECT_EQ(CardState(TestIccid(2)), "blocked");
  EXPECT_EQ(CardState(TestIccid(101)), "active");
}

TEST_F(RemoteServiceTest, StaffCancelAPostedCardWhoseEnvelopeWasLost) {
  auto [reference, code] = PostedCalmCard(TestIccid(101));
  // The reviewer has the case id from the queue; the posted card has left
  // it, so the test reads it from the store.
  pb::CancelApplicationRequest cancel;
  int64_t case_id = 0;
  Status read = server_.store().Read([&](ReadTx& tx) -> Status {
    auto c = tx.cases().OpenCaseOfPhone(*NormalizeRuMobile(kCalm), 0);
    if (!c.ok()) return c.status();
    if (c->has_value()) case_id = (*c)->case_id;
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok() && case_id > 0);
  cancel.set_case_id(case_id);
  pb::CancelApplicationResponse cancelled;
  grpc::Status st = reviewer1_->CancelApplication(Ctx().get(), cancel, &cancelled);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "reason")) << st.error_message();
  cancel.set_reason(pb::CANCEL_REASON_ENVELOPE_LOST);
  EXPECT_EQ(clerk_->CancelApplication(Ctx().get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(public_->CancelApplication(Ctx().get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  st = reviewer1_->CancelApplication(Ctx().get(), cancel, &cancelled);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(cancelled.application().state(), pb::APPLICATION_STATE_CANCELLED);
  EXPECT_NE(cancelled.application().records().rbegin()->detail().find("card_not_to_be_used"),
            std::string::npos);
  // The applicant's page says so, with the reason; the envelope's code is dead.
  const pb::ApplicationStatus status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_CANCELLED);
  ASSERT_GT(status.steps_size(), 0);
  EXPECT_EQ(status.steps(status.steps_size() - 1).step(), "cancel");
  EXPECT_EQ(status.steps(status.steps_size() - 1).detail(), "envelope_lost");
  pb::ActivateCardResponse act;
  EXPECT_EQ(Activate(reference, code, "500", &act).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(CardState(TestIccid(2)), "active") << "the old card still works";
  // Twice is refused, and changes nothing.
  EXPECT_EQ(reviewer1_->CancelApplication(Ctx().get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RemoteServiceTest, ATextFileAsAPhotoIsRefusedWithEveryBadField) {
  pb::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  std::string text;
  while (text.size() < 4096) text += "This is passport.jpg, honestly. ";
  req.set_document_photo(text);
  req.set_full_name("");
  req.set_consent(false);
  req.set_delivery(pb::DELIVERY_UNSPECIFIED);
  grpc::Status st = Apply(req);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("document_photo"), std::string::npos) << st.error_message();
  for (const char* field : {"document_photo", "full_name", "consent", "delivery"})
    EXPECT_TRUE(Names(st, field)) << field << " not named in: " << st.error_message();
  EXPECT_FALSE(Names(st, "selfie_photo")) << "the JPEG selfie is fine";
  EXPECT_EQ(st.error_message().find("honestly"), std::string::npos) << "bytes never quoted";
  EXPECT_EQ(CaseIdOf(kCalm), 0) << "nothing was stored";

  // Unknown enum values are named too, as is a missing request id.
  req = Application(kCalm, kCalmDoc);
  req.set_reason(static_cast<pb::ReplacementReason>(42));
  req.set_language(static_cast<pb::Language>(9));
  st = Apply(req);
  EXPECT_TRUE(Names(st, "reason")) << st.error_message();
  EXPECT_TRUE(Names(st, "language")) << st.error_message();
  req = Application(kCalm, kCalmDoc);
  req.clear_request_id();
  st = Apply(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "request_id")) << st.error_message();
}

TEST_F(RemoteServiceTest, PhotosUpToFiveMebibytesPassAndLargerAreRefused) {
  // Two photos of 5 MiB each reach the server (its receive limit is raised
  // for them) and come back intact to a reviewer whose client allows it.
  testing::PngSpec big;
  big.width = 4000;
  big.height = 3000;
  big.idat_bytes = kMaxPhotoBytes - 200;
  std::string document = testing::MakePng(big);
  ASSERT_LE(document.size(), kMaxPhotoBytes);
  pb::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_document_photo(document);
  req.set_selfie_photo(document);  // the same picture twice is no error
  grpc::Status st = Apply(req);
  ASSERT_TRUE(st.ok()) << st.error_message();

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  auto reviewer = pb::RemoteService::NewStub(client::CreateChannelWithToken(
      server_.address(), grpc::InsecureChannelCredentials(), reviewer1_token_, args));
  pb::GetApplicationRequest get;
  get.set_case_id(CaseIdOf(kCalm));
  pb::GetApplicationResponse view;
  st = reviewer->GetApplication(Ctx(30).get(), get, &view);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(view.photos_size(), 2);
  for (const auto& p : view.photos()) {
    EXPECT_EQ(p.mime_type(), "image/png");
    EXPECT_TRUE(p.content() == document) << "photo " << p.kind() << " changed";
  }

  // 6 MiB: the photo's own check refuses it, by name.
  big.idat_bytes = 6 * 1024 * 1024;
  req = Application(kRisky, kRiskyDoc);
  req.set_selfie_photo(testing::MakePng(big));
  st = Apply(req);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_TRUE(Names(st, "selfie_photo")) << st.error_message();
  EXPECT_FALSE(Names(st, "document_photo")) << st.error_message();
  EXPECT_LT(st.error_message().size(), 300u);
  EXPECT_EQ(CaseIdOf(kRisky), 0);
}

TEST_F(RemoteServiceTest, ANumberUnderItsHoldersLockIsRefused) {
  grpc::Status st = Apply(Application(kLocked, kLockedDoc));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_NE(st.error_message().find("cannot be replaced online"), std::string::npos)
      << st.error_message();
  EXPECT_EQ(st.error_message().find("lock"), std::string::npos)
      << "the applicant does not learn why: " << st.error_message();
  EXPECT_EQ(CaseIdOf(kLocked), 0);
  // The attempt is kept as a fraud signal.
  EXPECT_EQ(server_.db().QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = "
                                  "'case.apply.refused' AND detail LIKE '%no_sim_change%'"),
            1);
}

TEST_F(RemoteServiceTest, OneOpenApplicationPerNumber) {
  pb::ApplyForReplacementResponse first;
  const pb::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  ASSERT_TRUE(Apply(req, &first).ok());
  // A retry after a lost answer (the same request) gets the same reference.
  pb::ApplyForReplacementResponse retried;
  ASSERT_TRUE(Apply(req, &retried).ok());
  EXPECT_EQ(retried.reference(), first.reference());
  // Another attempt for the number is a second application.
  grpc::Status st = Apply(Application(kCalm, kCalmDoc));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  // Withdrawn, it no longer stands in the way.
  pb::WithdrawApplicationRequest withdraw;
  withdraw.set_reference(first.reference());
  pb::WithdrawApplicationResponse withdrawn;
  st = public_->WithdrawApplication(Ctx().get(), withdraw, &withdrawn);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(withdrawn.status().state(), pb::APPLICATION_STATE_CANCELLED);
  EXPECT_EQ(withdrawn.status().steps(withdrawn.status().steps_size() - 1).outcome(), "withdrawn");
  EXPECT_TRUE(Apply(Application(kCalm, kCalmDoc)).ok());
  // An unknown reference and a malformed one get the same answer.
  pb::GetApplicationStatusRequest get;
  pb::GetApplicationStatusResponse resp;
  get.set_reference("2222-3333-4444-5555");
  EXPECT_EQ(public_->GetApplicationStatus(Ctx().get(), get, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_reference("not a reference");
  EXPECT_EQ(public_->GetApplicationStatus(Ctx().get(), get, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// The counter's case and the online application are one case model: an open
// one on either route stands in the way of the other.
TEST_F(RemoteServiceTest, OneOpenCaseAcrossTheCounterAndTheRemoteRoute) {
  auto ch = server_.ChannelWith(clerk_token_);
  auto counter = pb::CounterService::NewStub(ch);
  auto cases = pb::CaseService::NewStub(ch);
  auto kiosk = pb::KioskService::NewStub(server_.Channel());
  for (const char* id : {"1", "2"}) {
    pb::OpenCounterRequest open;
    open.set_branch_id("test");
    open.set_counter_id(id);
    pb::OpenCounterResponse opened;
    ASSERT_TRUE(counter->OpenCounter(Ctx().get(), open, &opened).ok());
  }
  // A counter case (serving an R ticket opens it) at `desk` with its form
  // for a number.
  auto counter_form = [&](const std::string& desk, const std::string& phone,
                          const std::string& document) {
    pb::CreateTicketRequest take;
    take.set_branch_id("test");
    take.set_service_prefix("R");
    take.set_request_id("take-" + Digits(phone));
    pb::CreateTicketResponse ticket;
    EXPECT_TRUE(kiosk->CreateTicket(Ctx().get(), take, &ticket).ok());
    pb::CallTicketRequest call;
    call.set_branch_id("test");
    call.set_counter_id(desk);
    call.set_ticket_id(ticket.ticket().ticket_id());
    pb::CallTicketResponse called;
    EXPECT_TRUE(counter->CallTicket(Ctx().get(), call, &called).ok());
    pb::StartTicketRequest start;
    start.set_branch_id("test");
    start.set_counter_id(desk);
    start.set_ticket_id(ticket.ticket().ticket_id());
    pb::StartTicketResponse started;
    EXPECT_TRUE(counter->StartTicket(Ctx().get(), start, &started).ok());
    pb::SubmitCaseFormRequest form;
    form.set_branch_id("test");
    form.set_case_id(started.case_id());
    pb::CaseForm* f = form.mutable_form();
    f->set_phone(phone);
    f->set_operator_id("megafon");
    f->set_reason(pb::REPLACEMENT_REASON_LOST);
    f->set_full_name("Ivanova Maria");
    f->set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    f->set_document_number(document);
    f->set_contact("maria@example.org");
    f->set_consent(true);
    pb::SubmitCaseFormResponse submitted;
    return cases->SubmitCaseForm(Ctx().get(), form, &submitted);
  };
  // An online application first: the counter's form for the number waits.
  ApplyFor(kCalm, kCalmDoc);
  grpc::Status st = counter_form("1", kCalm, kCalmDoc);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_NE(st.error_message().find("already has an open"), std::string::npos)
      << st.error_message();
  // A counter case first: the application is refused.
  st = counter_form("2", kRisky, kRiskyDoc);
  ASSERT_TRUE(st.ok()) << st.error_message();
  st = Apply(Application(kRisky, kRiskyDoc));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_NE(st.error_message().find("cannot be replaced online"), std::string::npos)
      << st.error_message();
  // Why is in the audit log, not in the public answer.
  EXPECT_GE(server_.db().QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = "
                                  "'case.apply.refused' AND detail LIKE '%open_case%'"),
            1);
}

TEST_F(RemoteServiceTest, ThreeWrongCodesLockTheNumberAcrossARestart) {
  auto [reference, code] = PostedCalmCard(TestIccid(102));
  ASSERT_FALSE(code.empty());
  pb::ActivateCardResponse result;
  for (int i = 1; i <= 3; ++i) {
    SCOPED_TRACE(i);
    const std::string question = StatusOf(reference).question();
    ASSERT_TRUE(Activate(reference, OtherCode(code), AnswerTo(question), &result).ok());
    EXPECT_FALSE(result.activated());
    EXPECT_EQ(result.attempts_left(), 3 - i);
    EXPECT_EQ(result.locked(), i == 3);
  }
  // A malformed code is bad input, not an attempt.
  grpc::Status st = Activate(reference, "1OIL", "700", &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "activation_code")) << st.error_message();

  server_.Restart();
  Connect();
  const std::string question = StatusOf(reference).question();
  st = Activate(reference, code, AnswerTo(question), &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_EQ(CardState(TestIccid(2)), "active");
  EXPECT_EQ(CardState(TestIccid(102)), "");
  // The lock ended the application: no new round of guesses after it.
  pb::ApplicationStatus status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_CANCELLED);
  EXPECT_EQ(status.steps(status.steps_size() - 2).step(), "lock");
  EXPECT_EQ(status.steps(status.steps_size() - 1).outcome(), "locked");
}

TEST_F(RemoteServiceTest, AnExpiredApplicationCannotBeActivated) {
  auto [reference, code] = PostedCalmCard(TestIccid(104));
  clock_->Advance(absl::Hours(24) * (RemoteConfig().remote.application_days + 1));
  pb::ActivateCardResponse result;
  grpc::Status st =
      Activate(reference, code, AnswerTo(StatusOf(reference).question()), &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
  EXPECT_EQ(CardState(TestIccid(2)), "active");
}

TEST_F(RemoteServiceTest, ARejectedApplicationCannotBeActivated) {
  const std::string reference = ApplyFor(kCalm, kCalmDoc);
  const int64_t id = CaseIdOf(kCalm);
  grpc::Status st = Reject(*reviewer1_, id, pb::REJECT_REASON_UNSPECIFIED);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Names(st, "reason")) << st.error_message();
  pb::Application after;
  ASSERT_TRUE(Reject(*reviewer1_, id, pb::REJECT_REASON_FACE_MISMATCH, &after).ok());
  EXPECT_EQ(after.state(), pb::APPLICATION_STATE_CANCELLED);
  EXPECT_EQ(after.reject_reason(), "face_mismatch");
  pb::ApplicationStatus status = StatusOf(reference);
  EXPECT_EQ(status.state(), pb::APPLICATION_STATE_CANCELLED);
  const auto& last = status.steps(status.steps_size() - 1);
  EXPECT_EQ(last.step() + ":" + last.outcome() + ":" + last.detail(),
            "review:rejected:face_mismatch");
  pb::ActivateCardResponse result;
  st = Activate(reference, "2345-6789", "700", &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_EQ(Approve(*reviewer2_, id).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  pb::DispatchCardResponse posted;
  EXPECT_EQ(Dispatch(id, TestIccid(103), "RA123456789RU", &posted).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RemoteServiceTest, OnlyReviewersReviewAndOnlyCounterStaffHandOver) {
  // A reviewer logs in as staff do, and is told his role.
  auto auth = pb::AuthService::NewStub(server_.AnonymousChannel());
  pb::LoginRequest login;
  login.set_login("rev-olga");
  login.set_password("test-password");
  pb::LoginResponse session;
  ASSERT_TRUE(auth->Login(Ctx().get(), login, &session).ok());
  EXPECT_EQ(session.role(), pb::ROLE_REVIEWER);

  ApplyFor(kCalm, kCalmDoc);
  const int64_t id = CaseIdOf(kCalm);
  pb::ListApplicationsResponse list;
  EXPECT_EQ(List(*clerk_, pb::APPLICATION_STATE_AWAITING_REVIEW, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Approve(*clerk_, id).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(*public_, pb::APPLICATION_STATE_AWAITING_REVIEW, &list).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  pb::GetApplicationRequest get;
  get.set_case_id(id);
  pb::GetApplicationResponse view;
  EXPECT_EQ(public_->GetApplication(Ctx().get(), get, &view).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(clerk_->GetApplication(Ctx().get(), get, &view).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A supervisor reviews too.
  auto supervisor = pb::RemoteService::NewStub(server_.Channel());
  EXPECT_TRUE(List(*supervisor, pb::APPLICATION_STATE_AWAITING_REVIEW, &list).ok());
  EXPECT_EQ(list.applications_size(), 1);
  // The queue's states: review or dispatch only.
  EXPECT_EQ(List(*reviewer1_, pb::APPLICATION_STATE_CLOSED, &list).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(List(*reviewer1_, pb::APPLICATION_STATE_AWAITING_PICKUP, &list).ok());
  EXPECT_EQ(list.applications_size(), 0);
  // A reviewer works no counter.
  auto counter = pb::CounterService::NewStub(server_.ChannelWith(reviewer1_token_));
  pb::OpenCounterRequest open;
  open.set_branch_id("test");
  open.set_counter_id("1");
  pb::OpenCounterResponse opened;
  EXPECT_EQ(counter->OpenCounter(Ctx().get(), open, &opened).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::HandOverCardRequest hand;
  hand.set_case_id(id);
  pb::HandOverCardResponse handed;
  EXPECT_EQ(reviewer1_->HandOverCard(Ctx().get(), hand, &handed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST_F(RemoteServiceTest, PhotosAreNotInTheDatabaseInTheClear) {
  const std::string marker = "PLAINTEXT-MARKER-" + std::string(48, 'Q');
  pb::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_document_photo(DocumentPng(marker));
  const std::string document = req.document_photo();
  const std::string selfie = req.selfie_photo();
  ASSERT_TRUE(Apply(req).ok());
  // They are stored: the reviewer gets them back.
  pb::GetApplicationRequest get;
  get.set_case_id(CaseIdOf(kCalm));
  pb::GetApplicationResponse view;
  ASSERT_TRUE(reviewer1_->GetApplication(Ctx().get(), get, &view).ok());
  ASSERT_EQ(view.photos_size(), 2);
  for (const auto& p : view.photos())
    EXPECT_TRUE(p.content() == (p.kind() == pb::PHOTO_KIND_DOCUMENT ? document : selfie));

  // The photos' rows hold sealed blobs (41 bytes more than the file: the
  // format's version, nonce and tag) without the plain bytes.
  const testing::TestDb& db = server_.db();
  EXPECT_EQ(db.QueryInt("SELECT COUNT(*) FROM case_photos"), 2);
  EXPECT_EQ(db.QueryInt("SELECT SUM(length(sealed)) FROM case_photos"),
            static_cast<int64_t>(document.size() + selfie.size() + 2 * 41));
  auto rows_holding = [&](const std::string& bytes) {
    return db.QueryInt(testing::TestOnPostgres()
                           ? "SELECT COUNT(*) FROM case_photos WHERE position('\\x" + Hex(bytes) +
                                 "'::bytea IN sealed) > 0"
                           : "SELECT COUNT(*) FROM case_photos WHERE instr(sealed, X'" +
                                 Hex(bytes) + "') > 0");
  };
  EXPECT_EQ(rows_holding(std::string(1, '\x01')), 2) << "the search works: the version byte";
  EXPECT_EQ(rows_holding(marker), 0);
  EXPECT_EQ(rows_holding(document.substr(0, 33)), 0) << "the PNG's signature and header";
  EXPECT_EQ(rows_holding(selfie.substr(0, 40)), 0) << "the JPEG's first segments";

  // Nor anywhere in the SQLite database's files.
  if (testing::TestOnPostgres()) return;
  std::string bytes;
  for (const std::string suffix : {"", "-wal"}) {
    std::ifstream in(db.db() + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 2 * kMinPhotoBytes);
  EXPECT_EQ(bytes.find(marker), std::string::npos);
  EXPECT_EQ(bytes.find(document.substr(0, 33)), std::string::npos);
  EXPECT_EQ(bytes.find(selfie.substr(0, 40)), std::string::npos);
  EXPECT_EQ(bytes.find(selfie.substr(selfie.size() / 2, 64)), std::string::npos)
      << "the JPEG's scan data";

  // Nor in a backup (`queue-server backup`), taken while the server serves.
  const std::string backup = db.db() + ".backup";
  auto summary = sqlite::BackupDatabase(db.db(), backup);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  std::ifstream in(backup, std::ios::binary);
  const std::string copy{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(copy.size(), 2 * kMinPhotoBytes) << "the sealed photos are in it";
  EXPECT_EQ(copy.find(marker), std::string::npos);
  EXPECT_EQ(copy.find(document.substr(0, 33)), std::string::npos);
  EXPECT_EQ(copy.find(selfie.substr(0, 40)), std::string::npos);
  EXPECT_EQ(copy.find(selfie.substr(selfie.size() / 2, 64)), std::string::npos);
}

class RemoteLimitTest : public RemoteServiceTest {
 protected:
  RemoteLimitTest() : RemoteServiceTest(RemoteConfig(/*per_minute=*/1, /*burst=*/3)) {}
};

TEST_F(RemoteLimitTest, PublicCallsShareThePerAddressLimitOfBooking) {
  pb::GetApplicationStatusRequest get;
  get.set_reference("2222-3333-4444-5555");
  pb::GetApplicationStatusResponse resp;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(public_->GetApplicationStatus(Ctx().get(), get, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  grpc::Status st = public_->GetApplicationStatus(Ctx().get(), get, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  EXPECT_EQ(Apply(Application(kCalm, kCalmDoc)).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto booking = pb::BookingService::NewStub(server_.AnonymousChannel());
  pb::ListBranchesRequest branches;
  pb::ListBranchesResponse listed;
  EXPECT_EQ(booking->ListBranches(Ctx().get(), branches, &listed).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Staff calls are not limited.
  pb::ListApplicationsResponse list;
  EXPECT_TRUE(List(*reviewer1_, pb::APPLICATION_STATE_AWAITING_REVIEW, &list).ok());
  // A minute later, one more.
  clock_->Advance(absl::Minutes(1));
  EXPECT_EQ(public_->GetApplicationStatus(Ctx().get(), get, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace shop::queue
