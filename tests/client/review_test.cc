// The review of online SIM-replacement applications from the staff side,
// against a real in-process server on loopback: RemoteClient (the queue,
// one application with photos of up to 5 MiB each over a channel made with
// RemoteClient::kChannelLimits, four eyes, refusals with every bad field,
// the dispatch's one-time code, the pickup hand-over), the `counter review`
// commands as the program parses and runs them (list, show --save-photos,
// approve, reject, dispatch, hand-over with scripted answers), and the
// review's text (review_format.h) on its own.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "counter/case_format.h"
#include "counter/remote_client.h"
#include "counter/review_commands.h"
#include "counter/review_format.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/remote/photo.h"
#include "shop/queue/v1/remote_service.grpc.pb.h"
#include "tests/service/test_server.h"
#include "tests/support/test_images.h"

namespace shop::queue::counter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestIccid;

constexpr const char* kRisky = "+79161112233";  // contact changed lately: two reviewers
constexpr const char* kRiskyDoc = "4509 000111";
constexpr const char* kCalm = "+79162223344";  // one reviewer
constexpr const char* kCalmDoc = "4509 000222";
constexpr int64_t kTopUp = 700;
constexpr const char* kCalled = "+79031112233";
constexpr const char* kAddress = "ul. Testovaya 1, kv. 2, Moscow, 101000";

std::string Digits(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::string AnswerTo(const std::string& question) {
  return question.find("top-up") != std::string::npos ? std::to_string(kTopUp) : kCalled;
}

std::vector<std::string> BadFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& [field, description] : client::FieldViolations(status)) fields.push_back(field);
  return fields;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class ReviewTest : public ::testing::Test {
 protected:
  ReviewTest()
      : clock_(std::make_shared<ManualClock>(testing::At("Europe/Moscow", 2026, 3, 10, 12, 0))),
        server_(testing::CaseTestConfig(), clock_) {
    const absl::Time now = clock_->Now();
    Status seeded = server_.store().Write([&](WriteTx& tx) -> Status {
      Subscriber risky =
          testing::TestSubscriber(server_.hasher(), kRisky, Digits(kRiskyDoc), kTopUp, kCalled);
      risky.active_iccid = TestIccid(1);
      risky.contact = "holder@example.com";
      risky.address = kAddress;
      risky.contact_changed = now - absl::Hours(24 * 10);
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(risky));
      Subscriber calm =
          testing::TestSubscriber(server_.hasher(), kCalm, Digits(kCalmDoc), kTopUp, kCalled);
      calm.active_iccid = TestIccid(2);
      calm.contact = "+79037654321";
      calm.address = "ul. Spokoynaya 5, Moscow";
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(calm));
      for (int i = 100; i < 110; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), "test", "megafon"}));
      return Status::Ok();
    });
    EXPECT_TRUE(seeded.ok()) << seeded.ToString();
    olga_ = Client(server_.StaffToken(Role::kReviewer, "rev-olga"));
    ivan_ = Client(server_.StaffToken(Role::kReviewer, "rev-ivan"));
    clerk_ = Client(server_.StaffToken(Role::kClerk, "clerk-anna"));
    public_ = v1::RemoteService::NewStub(server_.AnonymousChannel());
  }

  std::unique_ptr<RemoteClient> Client(const std::string& token) {
    client::CallOptions options;
    options.token = token;
    options.deadline = std::chrono::seconds(10);
    return std::make_unique<RemoteClient>(
        client::MakeChannel(server_.address(), {}, RemoteClient::kChannelLimits), options);
  }

  v1::ApplyForReplacementRequest Application(const std::string& phone, const std::string& doc) {
    v1::ApplyForReplacementRequest req;
    req.set_phone(phone);
    req.set_operator_id("megafon");
    req.set_reason(v1::REPLACEMENT_REASON_LOST);
    req.set_full_name("Ivanova Maria");
    req.set_document_type(v1::DOCUMENT_TYPE_RU_PASSPORT);
    req.set_document_number(doc);
    testing::PngSpec spec;
    spec.width = 1600;
    spec.height = 1200;
    req.set_document_photo(testing::MakePng(spec));
    req.set_selfie_photo(testing::MakeJpeg(1280, 960));
    req.set_delivery(v1::DELIVERY_POST);
    req.set_language(v1::LANGUAGE_EN);
    req.set_consent(true);
    req.set_request_id("apply-" + Digits(phone) + "-" + std::to_string(++seq_));
    return req;
  }

  void Apply(const v1::ApplyForReplacementRequest& req) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ApplyForReplacementResponse resp;
    grpc::Status st = public_->ApplyForReplacement(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  int64_t CaseIdOf(const std::string& phone,
                   v1::ApplicationState state = v1::APPLICATION_STATE_AWAITING_REVIEW) {
    std::vector<v1::ApplicationSummary> list;
    grpc::Status st = olga_->List(state, 0, &list);
    EXPECT_TRUE(st.ok()) << st.error_message();
    for (const auto& a : list)
      if (a.phone_masked() == MaskPhone(phone)) return a.case_id();
    return 0;
  }

  // The knowledge question the case holds now, as the server keeps it.
  std::string QuestionNow(int64_t case_id) {
    std::string question;
    Status st = server_.store().Read([&](ReadTx& tx) -> Status {
      auto c = tx.cases().GetRemoteCase(case_id);
      if (!c.ok()) return c.status();
      if (c->has_value() && (*c)->question) question = QuestionText(*(*c)->question);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return question;
  }

  // Runs `counter review ARGS...` as the program does, as `remote`, with
  // `answers` as the lines typed: the exit code; out and err kept.
  int Run(const RemoteClient& remote, std::vector<std::string> args,
          std::vector<std::string> answers = {}) {
    CLI::App app{"counter"};
    app.fallthrough();
    ReviewFlags flags;
    ReviewSelection selected;
    AddReviewCommands(app, flags, selected);
    args.insert(args.begin(), {"counter", "review"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      err_ << e.what();
      return 2;
    }
    if (!selected.run) return 2;
    out_.str("");
    err_.str("");
    prompts_.clear();
    size_t next = 0;
    ReviewIo io{out_, err_,
                [&](const std::string& prompt) -> std::optional<std::string> {
                  prompts_.push_back(prompt);
                  if (next >= answers.size()) return std::nullopt;
                  return answers[next++];
                },
                [](const std::string& branch) {
                  return branch == "test" ? std::string("Europe/Moscow") : std::string();
                },
                branch_};
    return selected.run(remote, io);
  }

  static inline int seq_ = 0;
  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
  std::unique_ptr<RemoteClient> olga_, ivan_, clerk_;
  std::unique_ptr<v1::RemoteService::Stub> public_;
  std::ostringstream out_, err_;
  std::vector<std::string> prompts_;
  std::string branch_ = "test";  // the global --branch
};

// --- RemoteClient -----------------------------------------------------------

TEST_F(ReviewTest, TheClientWalksARiskyApplicationThroughFourEyesToDispatch) {
  Apply(Application(kCalm, kCalmDoc));
  clock_->Advance(absl::Minutes(5));
  Apply(Application(kRisky, kRiskyDoc));

  // Oldest first, with the risk.
  std::vector<v1::ApplicationSummary> queue;
  ASSERT_TRUE(olga_->List(v1::APPLICATION_STATE_AWAITING_REVIEW, 0, &queue).ok());
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0].phone_masked(), MaskPhone(kCalm));
  EXPECT_EQ(queue[1].phone_masked(), MaskPhone(kRisky));
  EXPECT_EQ(queue[1].risk_score(), 1);
  const int64_t id = queue[1].case_id();

  v1::GetApplicationResponse view;
  grpc::Status st = olga_->Get(id, &view);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(view.application().full_name(), "Ivanova Maria");
  EXPECT_EQ(view.holder().address(), kAddress);
  EXPECT_TRUE(view.holder().document_matches());
  ASSERT_EQ(view.photos_size(), 2);

  // Four eyes: the first approval waits; the same reviewer again is refused.
  v1::Application after;
  ASSERT_TRUE(olga_->Approve(id, &after).ok());
  EXPECT_EQ(after.state(), v1::APPLICATION_STATE_AWAITING_REVIEW);
  EXPECT_EQ(after.first_approver(), "rev-olga");
  st = olga_->Approve(id, &after);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << st.error_message();
  ASSERT_TRUE(ivan_->Approve(id, &after).ok());
  EXPECT_EQ(after.state(), v1::APPLICATION_STATE_AWAITING_DISPATCH);

  // A bad card and a missing tracking number: every field named at once.
  v1::DispatchCardResponse posted;
  st = olga_->Dispatch(id, "1234", "", &posted);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_THAT(BadFields(st), ::testing::IsSupersetOf({"iccid", "tracking_number"}));
  st = olga_->Dispatch(id, TestIccid(100), "RA123456789RU", &posted);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(std::regex_match(posted.activation_code(), std::regex("[2-9A-Z]{4}-[2-9A-Z]{4}")));
  EXPECT_EQ(CaseIdOf(kRisky, v1::APPLICATION_STATE_AWAITING_DISPATCH), 0)
      << "no longer waits for dispatch";

  // Rejection needs a reason; a clerk may not review.
  v1::Application rejected;
  st = olga_->Reject(queue[0].case_id(), v1::REJECT_REASON_UNSPECIFIED, &rejected);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(st), ::testing::Contains("reason")) << st.error_message();
  std::vector<v1::ApplicationSummary> none;
  EXPECT_EQ(clerk_->List(v1::APPLICATION_STATE_AWAITING_REVIEW, 0, &none).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReviewTest, TwoPhotosOfFiveMebibytesNeedTheReviewChannel) {
  testing::PngSpec big;
  big.width = 4000;
  big.height = 3000;
  big.idat_bytes = kMaxPhotoBytes - 200;
  const std::string photo = testing::MakePng(big);
  ASSERT_LE(photo.size(), kMaxPhotoBytes);
  v1::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_document_photo(photo);
  req.set_selfie_photo(photo);
  Apply(req);
  const int64_t id = CaseIdOf(kCalm);

  // Through the review channel: both photos, intact.
  v1::GetApplicationResponse view;
  grpc::Status st = olga_->Get(id, &view);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(view.photos_size(), 2);
  for (const auto& p : view.photos()) EXPECT_TRUE(p.content() == photo);

  // A channel with gRPC's defaults cannot take the answer: why the limit.
  client::CallOptions options;
  options.token = server_.StaffToken(Role::kReviewer, "rev-default");
  options.max_attempts = 1;
  RemoteClient plain(client::MakeChannel(server_.address()), options);
  st = plain.Get(id, &view);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
}

// --- `counter review` ---------------------------------------------------------

TEST_F(ReviewTest, ListShowApproveDispatchFromTheCommandLine) {
  Apply(Application(kRisky, kRiskyDoc));
  const int64_t id = CaseIdOf(kRisky);
  const std::string sid = std::to_string(id);

  // The queue: case id, the time in the branch's zone, the masked number,
  // the operator, the reason and the risk in words.
  ASSERT_EQ(Run(*olga_, {"list"}), 0) << err_.str();
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("CASE"));
  EXPECT_THAT(out, HasSubstr(sid + "  2026-03-10 12:00  " + MaskPhone(kRisky) + "  megafon"));
  EXPECT_THAT(out, HasSubstr("(times in Europe/Moscow, the branch's zone)"));
  EXPECT_THAT(out, HasSubstr("lost"));
  EXPECT_THAT(out, HasSubstr("risk 1: the contact on record changed lately: two reviewers must "
                             "approve"));
  EXPECT_THAT(out, Not(HasSubstr("waits for a second reviewer")));
  EXPECT_THAT(out, HasSubstr("Europe/Moscow"));

  // One application beside the register; the photos saved by their type.
  const testing::TempDir dir;
  const std::string photos = dir.File("photos");
  ASSERT_EQ(Run(*olga_, {"show", sid, "--save-photos", photos}), 0) << err_.str();
  out = out_.str();
  EXPECT_THAT(out, HasSubstr("Application " + sid + " (branch test): awaiting review"));
  EXPECT_THAT(out, HasSubstr("applied 2026-03-10 12:00"));
  EXPECT_THAT(out, HasSubstr("REGISTER (holder on record)"));
  EXPECT_THAT(out, HasSubstr("document matches"));
  EXPECT_THAT(out, HasSubstr("yes"));
  EXPECT_THAT(out, HasSubstr(kAddress));
  EXPECT_THAT(out, HasSubstr(MaskContact("holder@example.com")));
  EXPECT_THAT(out, HasSubstr("ru_passport ...0111"));
  EXPECT_THAT(out, HasSubstr("photos: document (PNG"));
  EXPECT_THAT(out, HasSubstr("photos saved"));
  const std::string document = photos + "/" + sid + "-document.png";
  const std::string selfie = photos + "/" + sid + "-selfie.jpg";
  EXPECT_THAT(out, HasSubstr(document));
  EXPECT_THAT(out, HasSubstr(selfie));
  v1::GetApplicationResponse view;
  ASSERT_TRUE(olga_->Get(id, &view).ok());
  for (const auto& p : view.photos())
    EXPECT_TRUE(ReadAll(photos + "/" + PhotoFileName(id, p)) == p.content());
  struct stat st {};
  ASSERT_EQ(stat(document.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600) << "personal data: the owner only";
  ASSERT_EQ(stat(photos.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700) << "the folder made for them too";
  // Without the flag it says how to see them.
  ASSERT_EQ(Run(*olga_, {"show", sid}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--save-photos DIR"));

  // The first approval, then the queue says it waits for a second reviewer.
  ASSERT_EQ(Run(*olga_, {"approve", sid}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("first approval recorded (rev-olga)"));
  ASSERT_EQ(Run(*olga_, {"list"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("waits for a second reviewer (first approval: rev-olga)"));
  // Her own second look: the server's refusal in words.
  EXPECT_EQ(Run(*olga_, {"approve", sid}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: PERMISSION_DENIED"));
  ASSERT_EQ(Run(*ivan_, {"approve", sid}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("approved; awaiting dispatch"));
  EXPECT_THAT(out_.str(), HasSubstr("counter review dispatch " + sid + " --iccid N --tracking T"));
  ASSERT_EQ(Run(*olga_, {"list", "--dispatch"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr(MaskPhone(kRisky)));
  EXPECT_THAT(out_.str(), Not(HasSubstr("waits for a second reviewer"))) << "review complete";

  // Dispatch: every bad field, then the code large and once.
  EXPECT_EQ(Run(*olga_, {"dispatch", sid, "--iccid", "12"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("INVALID_ARGUMENT: correct these fields:"));
  EXPECT_THAT(err_.str(), HasSubstr("  iccid: "));
  EXPECT_THAT(err_.str(), HasSubstr("  tracking_number: "));
  ASSERT_EQ(Run(*olga_, {"dispatch", sid, "--iccid", TestIccid(100), "--tracking", "RA123456789RU"}),
            0)
      << err_.str();
  out = out_.str();
  std::smatch code;
  ASSERT_TRUE(std::regex_search(out, code, std::regex("\\n {8}([2-9A-Z]{4}-[2-9A-Z]{4})\\n")))
      << out;
  EXPECT_THAT(out, HasSubstr(BigLetters(code[1].str())));
  EXPECT_THAT(out, HasSubstr("Write it on the envelope's label now: it is not shown again."));
  EXPECT_THAT(out, HasSubstr("tracking RA123456789RU"));
  EXPECT_THAT(out, HasSubstr("At activation the customer will be asked: "));
  // Shown once: the application does not show it again.
  ASSERT_EQ(Run(*olga_, {"show", sid}), 0);
  EXPECT_THAT(out_.str(), Not(HasSubstr(code[1].str())));
  EXPECT_THAT(out_.str(), HasSubstr("awaiting activation"));
  EXPECT_THAT(out_.str(), HasSubstr("new card ..."));
  EXPECT_THAT(out_.str(), HasSubstr("decided by rev-ivan"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("waits for a second reviewer")));
}

TEST_F(ReviewTest, RejectWithAReasonCodeAndRefusalsInWords) {
  Apply(Application(kCalm, kCalmDoc));
  const std::string sid = std::to_string(CaseIdOf(kCalm));
  // A code that is not one is a usage error, before anything is sent.
  EXPECT_EQ(Run(*olga_, {"reject", sid, "--reason", "ugly"}), 2);
  ASSERT_EQ(Run(*olga_, {"reject", sid, "--reason", "face-mismatch"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("rejected (face_mismatch: the selfie does not show the "
                                    "document's person)"));
  ASSERT_EQ(Run(*olga_, {"show", sid}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("Finished: cancelled (rejected: face_mismatch"));
  // Too late to approve: the server's message.
  EXPECT_EQ(Run(*olga_, {"approve", sid}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION"));
  // Unknown case; a clerk.
  EXPECT_EQ(Run(*olga_, {"show", "99999"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Run(*clerk_, {"list"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("PERMISSION_DENIED"));
  // An empty queue says so.
  ASSERT_EQ(Run(*olga_, {"list"}), 0);
  EXPECT_EQ(out_.str(), "no applications wait for review\n");
}

TEST_F(ReviewTest, HandOverAtThePickupCounterAsksAndTellsTheOutcome) {
  v1::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_delivery(v1::DELIVERY_PICKUP);
  req.set_pickup_branch_id("test");
  Apply(req);
  const int64_t id = CaseIdOf(kCalm);
  const std::string sid = std::to_string(id);
  ASSERT_EQ(Run(*olga_, {"approve", sid}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("send a card to shop test"));
  ASSERT_EQ(Run(*olga_, {"dispatch", sid, "--iccid", TestIccid(101)}), 0) << err_.str();
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("on its way to the pickup shop"));
  EXPECT_THAT(out, Not(HasSubstr("ACTIVATION CODE")));
  const std::string marker = "the customer will be asked: ";
  const size_t at = out.find(marker);
  ASSERT_NE(at, std::string::npos) << out;
  const std::string question = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());

  // A wrong answer: counted; a bad document word is asked again.
  EXPECT_EQ(Run(*clerk_, {"hand-over", sid}, {"passport-ish", "ru_passport", kCalmDoc, "y", "0"}),
            1);
  EXPECT_THAT(out_.str(), HasSubstr("check failed: 2 attempts left"));
  EXPECT_THAT(err_.str(), HasSubstr("type ru_passport, foreign_passport or residence_permit"));
  EXPECT_EQ(prompts_.size(), 5u);
  // Input ends early: nothing sent.
  EXPECT_EQ(Run(*clerk_, {"hand-over", sid}, {"ru_passport"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("nothing was sent"));
  // A reviewer works no counter.
  EXPECT_EQ(Run(*olga_, {"hand-over", sid}, {"ru_passport", kCalmDoc, "y", AnswerTo(question)}),
            1);
  EXPECT_THAT(err_.str(), HasSubstr("PERMISSION_DENIED"));
  // Missing answer: the server names the field.
  EXPECT_EQ(Run(*clerk_, {"hand-over", sid}, {"ru_passport", kCalmDoc, "n", ""}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("  answer: "));
  // The server picks another question after each failure: the pickup list
  // shows the one to ask now, and so does the hand-over before it asks.
  ASSERT_EQ(Run(*clerk_, {"pickups", "--phone", "8 916 222-33-44"}), 0) << err_.str();
  const std::string listed = out_.str();
  EXPECT_THAT(listed, HasSubstr("ask: " + QuestionNow(id)));
  EXPECT_THAT(listed, HasSubstr(MaskPhone(kCalm)));
  EXPECT_THAT(listed, HasSubstr("..." + LastFour(TestIccid(101))));
  EXPECT_THAT(listed, HasSubstr("(times in Europe/Moscow"));
  const int code = Run(*clerk_, {"hand-over", sid},
                       {"ru_passport", kCalmDoc, "yes", AnswerTo(QuestionNow(id))});
  ASSERT_EQ(code, 0) << out_.str() << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("and ask:\n  " + QuestionNow(id)));
  EXPECT_THAT(out_.str(), HasSubstr("card handed over: the new card is active"));
  // Gone from the shop's list; a hand-over of it again is refused here.
  ASSERT_EQ(Run(*clerk_, {"pickups"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "no cards wait for pickup here\n");
  EXPECT_EQ(Run(*clerk_, {"hand-over", sid}, {}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("no card of case " + sid + " waits for pickup at branch test"));
}

TEST_F(ReviewTest, AtAnotherShopTheCardIsNotThereToHandOver) {
  v1::ApplyForReplacementRequest req = Application(kCalm, kCalmDoc);
  req.set_delivery(v1::DELIVERY_PICKUP);
  req.set_pickup_branch_id("test");
  Apply(req);
  const std::string sid = std::to_string(CaseIdOf(kCalm));
  ASSERT_EQ(Run(*olga_, {"approve", sid}), 0) << err_.str();
  ASSERT_EQ(Run(*olga_, {"dispatch", sid, "--iccid", TestIccid(101)}), 0) << err_.str();
  branch_ = "nowhere";
  EXPECT_EQ(Run(*clerk_, {"pickups"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("branch_id"));
  EXPECT_EQ(Run(*clerk_, {"hand-over", sid}, {"ru_passport", kCalmDoc, "y", "1"}), 1);
  EXPECT_TRUE(prompts_.empty()) << "nothing asked, nothing sent";
}

TEST_F(ReviewTest, CancelAPostedApplicationWithAReasonCode) {
  Apply(Application(kCalm, kCalmDoc));
  const std::string sid = std::to_string(CaseIdOf(kCalm));
  ASSERT_EQ(Run(*olga_, {"approve", sid}), 0) << err_.str();
  ASSERT_EQ(Run(*olga_, {"dispatch", sid, "--iccid", TestIccid(101), "--tracking",
                         "RA123456789RU"}),
            0)
      << err_.str();
  ASSERT_EQ(Run(*olga_, {"show", sid}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("counter review cancel " + sid + " --reason envelope_lost"));
  // The reviewer finds it among the posted ones.
  ASSERT_EQ(Run(*olga_, {"list", "--posted"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr(MaskPhone(kCalm)));
  ASSERT_EQ(Run(*olga_, {"list", "--at-shop"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "no card waits at a shop\n");
  EXPECT_EQ(Run(*olga_, {"list", "--posted", "--dispatch"}), 2) << "one list at a time";
  EXPECT_EQ(Run(*olga_, {"cancel", sid, "--reason", "lost"}), 2) << "not a code";
  EXPECT_EQ(Run(*clerk_, {"cancel", sid, "--reason", "envelope_lost"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("PERMISSION_DENIED"));
  ASSERT_EQ(Run(*olga_, {"cancel", sid, "--reason", "Envelope-Lost"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "case " + sid + ": cancelled (envelope_lost); card ..." +
                            LastFour(TestIccid(101)) +
                            " is not to be used; the applicant's status page shows it\n");
  EXPECT_EQ(Run(*olga_, {"cancel", sid, "--reason", "envelope_lost"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION"));
}

// --- text -------------------------------------------------------------------

TEST(ReviewFormatTest, RejectReasonsRoundTripAndHaveWords) {
  for (v1::RejectReason r : RejectReasons()) {
    EXPECT_EQ(ParseRejectReason(RejectReasonCode(r)), r);
    EXPECT_FALSE(RejectReasonWords(r).empty());
    EXPECT_THAT(RejectReasonHelp(), HasSubstr(std::string(RejectReasonCode(r))));
  }
  EXPECT_EQ(RejectReasons().size(), 6u);
  EXPECT_EQ(ParseRejectReason("Suspected-Fraud"), v1::REJECT_REASON_SUSPECTED_FRAUD);
  EXPECT_EQ(ParseRejectReason("fraud"), std::nullopt);
  EXPECT_EQ(RejectReasonWords(std::string_view("incomplete")), "something required is missing");
  EXPECT_EQ(RejectReasonWords(std::string_view("new_code")), "new_code");
}

TEST(ReviewFormatTest, RiskInWords) {
  EXPECT_EQ(RiskText(0, {}), "no risk found: one reviewer approves");
  EXPECT_EQ(RiskText(2, {"recent_sim_change", "no_contact_on_record"}),
            "risk 2: a recent SIM change; no contact on record: two reviewers must approve");
  EXPECT_EQ(RiskFactorWords("document_mismatch"), "the document is not the holder's on record");
  EXPECT_EQ(RiskFactorWords("something_new"), "something_new");
  EXPECT_EQ(SecondLookText(""), "");
  EXPECT_EQ(SecondLookText("rev-olga"), "waits for a second reviewer (first approval: rev-olga)");
}

TEST(ReviewFormatTest, QueueLinesInTheBranchZoneOrNamedLocal) {
  v1::ApplicationSummary a;
  a.set_case_id(12);
  a.set_branch_id("demo");
  a.mutable_apply_time()->set_seconds(1773133200);  // 2026-03-10 09:00 UTC
  a.set_phone_masked("+7******4567");
  a.set_operator_id("megafon");
  a.set_reason(v1::REPLACEMENT_REASON_STOLEN);
  a.set_risk_score(1);
  a.add_risk_factors("contact_changed");
  a.set_first_approver("rev-olga");
  const std::string line = FormatApplicationLine(a, "Europe/Moscow");
  EXPECT_EQ(line,
            "   12  2026-03-10 12:00  +7******4567  megafon   stolen         risk 1: the contact "
            "on record changed lately: two reviewers must approve; waits for a second reviewer "
            "(first approval: rev-olga)");
  EXPECT_THAT(FormatApplicationLine(a, "Asia/Shanghai"), HasSubstr("2026-03-10 17:00  "));
  // Without the branch's zone: this machine's, named.
  EXPECT_TRUE(std::regex_search(FormatDateTime(a.apply_time(), ""),
                                std::regex("^2026-03-1[01] [0-9]{2}:[0-9]{2} \\S+$")))
      << FormatDateTime(a.apply_time(), "");
  EXPECT_EQ(FormatQueue({}, "", false), "no applications wait for review\n");
  EXPECT_EQ(FormatQueue({}, "", true), "no applications wait for dispatch\n");
  const std::string queue = FormatQueue({a, a}, "Europe/Moscow", false);
  EXPECT_EQ(std::count(queue.begin(), queue.end(), '\n'), 3);
  EXPECT_EQ(queue.rfind(" CASE  APPLIED", 0), 0u) << queue;
}

TEST(ReviewFormatTest, TheApplicationBesideTheRegisterWithRussianNames) {
  v1::GetApplicationResponse r;
  v1::Application* a = r.mutable_application();
  a->set_case_id(7);
  a->set_branch_id("demo");
  a->set_state(v1::APPLICATION_STATE_AWAITING_REVIEW);
  a->set_time_zone("Europe/Moscow");
  a->mutable_apply_time()->set_seconds(1773133200);
  a->mutable_expire_time()->set_seconds(1773133200 + 14 * 86400);
  a->set_full_name("Иванова Мария");
  a->set_document_type(v1::DOCUMENT_TYPE_RU_PASSPORT);
  a->set_document_last4("0111");
  a->set_delivery(v1::DELIVERY_POST);
  v1::RegisterHolder* h = r.mutable_holder();
  h->set_full_name("Иванова Мария Петровна");
  h->set_document_type(v1::DOCUMENT_TYPE_RU_PASSPORT);
  h->set_document_last4("0999");
  h->set_document_matches(false);
  h->set_contact_masked("h***@example.com");
  v1::ApplicationPhoto* p = r.add_photos();
  p->set_kind(v1::PHOTO_KIND_SELFIE);
  p->set_mime_type("image/jpeg");
  p->set_content(std::string(3 * 1024 * 1024 / 2, 'x'));
  const std::string text = FormatApplication(r);
  EXPECT_THAT(text, HasSubstr("Application 7 (branch demo): awaiting review\n"));
  EXPECT_THAT(text, HasSubstr("applied 2026-03-10 12:00, expires 2026-03-24 12:00 (Europe/Moscow)"));
  // Columns line up by what a terminal shows, not by bytes.
  EXPECT_THAT(text, HasSubstr("  name              Иванова Мария                 Иванова Мария "
                              "Петровна\n"));
  EXPECT_THAT(text, HasSubstr("  document          ru_passport ...0111           ru_passport "
                              "...0999\n"));
  EXPECT_THAT(text, HasSubstr("  document matches                                NO\n"));
  EXPECT_THAT(text, HasSubstr("none on record (pickup only)"));
  EXPECT_THAT(text, HasSubstr("  last SIM change                                 never\n"));
  EXPECT_THAT(text, HasSubstr("photos: selfie (JPEG, 1.5 MiB)"));
  EXPECT_THAT(text, HasSubstr("Next: approve (counter review approve 7)"));
  // A number the register does not know.
  r.clear_holder();
  EXPECT_THAT(FormatApplication(r), HasSubstr("the register does not know this number"));
}

TEST(ReviewFormatTest, PhotoFilesAreNamedByTheirType) {
  v1::ApplicationPhoto p;
  p.set_kind(v1::PHOTO_KIND_DOCUMENT);
  p.set_mime_type("image/png");
  EXPECT_EQ(PhotoFileName(12, p), "12-document.png");
  p.set_kind(v1::PHOTO_KIND_SELFIE);
  p.set_mime_type("image/jpeg");
  EXPECT_EQ(PhotoFileName(12, p), "12-selfie.jpg");
  p.set_mime_type("image/gif");
  EXPECT_EQ(PhotoFileName(3, p), "3-selfie.img");
}

TEST(ReviewFormatTest, TheActivationCodeLargeAndOnce) {
  EXPECT_EQ(BigLetters("7-A"),
            "    #####          ###\n"
            "        #         #   #\n"
            "       #    ###   #####\n"
            "      #           #   #\n"
            "      #           #   #\n");
  EXPECT_EQ(BigLetters("k"), BigLetters("K"));
  v1::DispatchCardResponse posted;
  posted.set_activation_code("K7M2-QX9D");
  posted.set_tracking_number("RA123456789RU");
  posted.set_question("What was the amount of your last top-up?");
  const std::string text = FormatDispatch(12, posted);
  EXPECT_THAT(text, HasSubstr("case 12: the card is posted, tracking RA123456789RU."));
  EXPECT_THAT(text, HasSubstr(BigLetters("K7M2-QX9D")));
  EXPECT_THAT(text, HasSubstr("\n        K7M2-QX9D\n"));
  EXPECT_THAT(text, HasSubstr("Write it on the envelope's label now: it is not shown again."));
  EXPECT_THAT(text, HasSubstr("the customer will be asked: What was the amount"));
  v1::DispatchCardResponse pickup;
  pickup.set_question("Q?");
  EXPECT_THAT(FormatDispatch(12, pickup), HasSubstr("pickup shop"));
  EXPECT_THAT(FormatDispatch(12, pickup), Not(HasSubstr("ACTIVATION CODE")));
}

TEST(ReviewFormatTest, OutcomesInWords) {
  v1::Application a;
  a.set_case_id(5);
  a.set_state(v1::APPLICATION_STATE_AWAITING_REVIEW);
  a.set_first_approver("rev-olga");
  a.set_risk_score(1);
  a.add_risk_factors("recent_sim_change");
  EXPECT_EQ(FormatApproval(a),
            "case 5: first approval recorded (rev-olga); a second reviewer must approve (risk 1: "
            "a recent SIM change: two reviewers must approve)\n");
  a.set_state(v1::APPLICATION_STATE_AWAITING_DISPATCH);
  a.set_delivery(v1::DELIVERY_POST);
  EXPECT_EQ(FormatApproval(a),
            "case 5: approved; awaiting dispatch\nNext: post a card (counter review dispatch 5 "
            "--iccid N --tracking T)\n");
  a.set_state(v1::APPLICATION_STATE_CANCELLED);
  a.set_reject_reason("photo_unreadable");
  EXPECT_EQ(FormatRejection(a),
            "case 5: rejected (photo_unreadable: the photos cannot be read); the applicant's "
            "status page shows it\n");
  v1::HandOverCardResponse h;
  h.set_attempts_left(1);
  EXPECT_EQ(FormatHandOver(h), "check failed: 1 attempt left");
  h.set_locked(true);
  EXPECT_EQ(FormatHandOver(h), "check failed: the number is now LOCKED for SIM change");
  h.set_activated(true);
  EXPECT_EQ(FormatHandOver(h), "card handed over: the new card is active and the old one blocked");
}

}  // namespace
}  // namespace shop::queue::counter
