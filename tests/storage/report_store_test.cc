// Reports over a real store (both engines): a fixture night in Berlin
// played through the QueueManager with a manual clock, across local
// midnight and the autumn DST change (2026-10-25, 03:00 CEST -> 02:00 CET,
// the 02:00 hour twice), gives exactly the expected figures; and the
// storage reads only the period's rows. Online applications driven through
// the RemoteManager count apart from the counter's figures, also one
// opened weeks before the period.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "absl/time/civil_time.h"
#include "server/crypto/photo_sealer.h"
#include "server/crypto/pii_key.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/remote/remote_manager.h"
#include "server/domain/report/report_builder.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"
#include "tests/support/test_images.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TempDir;

constexpr const char* kZone = "Europe/Berlin";

absl::Time Utc(int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(2026, 10, d, h, mi), absl::UTCTimeZone());
}
absl::Duration M(int m) { return absl::Minutes(m); }

class ReportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::TestConfig(kZone);
    for (auto& h : config_.branches[0].hours) h = DayHours{0, 24 * 60};
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(config_).ok());
    manager_ = std::make_unique<QueueManager>(config_, *store_, clock_, board_);
  }

  int64_t Take(const std::string& prefix, absl::Time t) {
    clock_.Set(t);
    CreateTicketInput in;
    in.branch_id = "test";
    in.service_prefix = prefix;
    in.request_id = "req-" + std::to_string(++seq_);
    auto v = manager_->CreateTicket(in);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->ticket.id : 0;
  }
  void Open(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->OpenCounter("test", counter, {}, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }
  void Close(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->CloseCounter("test", counter, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }
  int64_t Call(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->CallNext("test", counter, "call-" + std::to_string(++seq_), &who);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->ticket.id : 0;
  }
  void Do(const char* counter, const Principal& who, int64_t id, CounterAction a, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->Act("test", counter, id, a, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }

  // The night: see the file comment. Times in UTC (CEST = UTC+2 until
  // 01:00 UTC on the 25th, CET = UTC+1 after).
  void PlayTheNight() {
    // A ticket of an earlier week: outside the period, never read.
    int64_t old = Take("R", Utc(20, 10, 0));
    Open("1", anna_, Utc(20, 10, 1));
    ASSERT_EQ(Call("1", anna_, Utc(20, 10, 2)), old);
    Do("1", anna_, old, CounterAction::kStart, Utc(20, 10, 3));
    Do("1", anna_, old, CounterAction::kComplete, Utc(20, 10, 4));
    Close("1", anna_, Utc(20, 10, 5));

    Open("1", anna_, Utc(24, 18, 0));                 // 20:00 CEST
    int64_t t3 = Take("P", Utc(24, 19, 0));           // 21:00
    ASSERT_EQ(Call("1", anna_, Utc(24, 19, 5)), t3);  // waited 5 min
    Do("1", anna_, t3, CounterAction::kNoShow, Utc(24, 19, 10));
    int64_t t1 = Take("R", Utc(24, 21, 50));          // 23:50
    ASSERT_EQ(Call("1", anna_, Utc(24, 22, 10)), t1);  // 00:10 on the 25th: 20 min
    Do("1", anna_, t1, CounterAction::kStart, Utc(24, 22, 15));
    Do("1", anna_, t1, CounterAction::kComplete, Utc(24, 22, 25));
    t2_ = Take("R", Utc(25, 0, 30));                  // 02:30 CEST (first 02:00 hour)
    Open("2", boris_, Utc(25, 1, 5));                 // 02:05 CET (second)
    ASSERT_EQ(Call("2", boris_, Utc(25, 1, 20)), t2_);  // 02:20 CET: 50 real minutes
    Do("2", boris_, t2_, CounterAction::kStart, Utc(25, 1, 25));
    Do("2", boris_, t2_, CounterAction::kComplete, Utc(25, 1, 45));
    Close("1", anna_, Utc(25, 3, 0));                 // 04:00 CET
    Close("2", boris_, Utc(25, 4, 0));                // 05:00 CET

    // A SIM case on T2 at boris's counter, paid and closed; a booking made
    // the day before and checked in late.
    ASSERT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
      SimCase c;
      c.branch_id = "test";
      c.ticket_id = t2_;
      c.counter_id = "2";
      c.opened_by = "boris";
      c.opened = Utc(25, 1, 26);
      c.state = CaseState::kClosed;
      c.fee_roubles = 300;
      QUEUE_RETURN_IF_ERROR(tx.cases().InsertCase(c));
      for (auto [t, step, outcome] : {std::tuple{Utc(25, 1, 27), "identity", "passed"},
                                      std::tuple{Utc(25, 1, 30), "payment", "paid"},
                                      std::tuple{Utc(25, 1, 44), "close", "closed"}}) {
        CaseRecord r{c.case_id, 0, t, step, outcome, "clerk:boris", "", ""};
        QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
      }
      Booking b;
      b.code = "ABC123";
      b.branch_id = "test";
      b.service_prefix = "R";
      b.slot_start = Utc(25, 9, 0);
      b.state = BookingState::kCheckedIn;
      b.name = "x";
      b.phone = "+79990000000";
      b.request_id = "b-1";
      b.created = Utc(24, 10, 0);
      b.late_walk_in = true;
      b.finished = Utc(25, 9, 20);
      return tx.bookings().InsertBooking(b);
    }).ok());
  }

  Result<Report> Run(ReportBy by) {
    ReportRequest req{"test", "2026-10-24", "2026-10-25", by};
    return BuildReport(*store_, config_, req, Utc(25, 12, 0));
  }

  TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{Utc(20, 9, 0)};
  BoardHub board_;
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<QueueManager> manager_;
  Principal anna_{Role::kClerk, "anna", ""};
  Principal boris_{Role::kClerk, "boris", ""};
  int64_t t2_ = 0;
  int seq_ = 0;
};

TEST_F(ReportStoreTest, ReadsOnlyThePeriodsRows) {
  PlayTheNight();
  ReportPeriod p{absl::CivilDay(2026, 10, 24), absl::CivilDay(2026, 10, 25), ReportBy::kDay};
  ReportRows rows;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
    auto r = tx.reports().ReadReportRows(QueryFor(config_.branches[0], p));
    if (!r.ok()) return r.status();
    rows = std::move(r).value();
    return Status::Ok();
  }).ok());
  ASSERT_EQ(rows.tickets.size(), 3u);  // not the one of the 20th
  for (const auto& e : rows.events) EXPECT_NE(e.time, Utc(20, 10, 2));
  EXPECT_EQ(rows.events.size(), 3u + 4u + 4u);  // T3: create call no_show; T1, T2: +start complete
  // The week before the period too (who held a counter at its start).
  ASSERT_EQ(rows.counters.size(), 6u);
  EXPECT_EQ(rows.counters[2].counter_id, "1");
  EXPECT_TRUE(rows.counters[2].open);
  EXPECT_EQ(rows.counters[2].time, Utc(24, 18, 0));
  EXPECT_EQ(rows.counters[2].actor, "clerk:anna");
  EXPECT_FALSE(rows.counters[5].open);
  ASSERT_EQ(rows.cases.size(), 1u);
  EXPECT_EQ(rows.cases[0].fee_roubles, 300);
  EXPECT_EQ(rows.case_records.size(), 3u);
  ASSERT_EQ(rows.bookings.size(), 1u);
  EXPECT_TRUE(rows.bookings[0].late_walk_in);
}

TEST_F(ReportStoreTest, PerDayAndPerClerk) {
  PlayTheNight();
  auto r = Run(ReportBy::kDay);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->buckets.size(), 2u);
  EXPECT_EQ(r->buckets[1].end - r->buckets[1].start, absl::Hours(25));
  const ReportFigures& d24 = r->Find(ReportScope::kBranch, "test", 0)->f;
  const ReportFigures& d25 = r->Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d24.issued, 2);
  EXPECT_EQ(d24.no_show, 1);
  EXPECT_EQ(d24.wait.max, M(5));
  EXPECT_EQ(d25.issued, 1);
  EXPECT_EQ(d25.served, 2);
  EXPECT_EQ(d25.wait.count, 2);
  EXPECT_EQ(d25.wait.p50, M(20));
  EXPECT_EQ(d25.wait.p90, M(50));  // real minutes, though the clock went back
  EXPECT_EQ(d25.service.mean, M(15));
  EXPECT_EQ(d25.cases_closed, 1);
  EXPECT_EQ(d25.fees_paid_roubles, 300);
  EXPECT_EQ(d24.bookings_made, 1);
  EXPECT_EQ(d25.bookings_checked_in, 1);
  EXPECT_EQ(d25.bookings_late, 1);

  const ReportFigures& anna = r->Find(ReportScope::kClerk, "anna", -1)->f;
  EXPECT_EQ(anna.served, 1);
  EXPECT_EQ(anna.no_show, 1);
  EXPECT_EQ(anna.busy, M(10));
  EXPECT_EQ(anna.idle, absl::Hours(9) - M(10));  // 18:00 -> 03:00 UTC
  EXPECT_EQ(r->Find(ReportScope::kClerk, "anna", 0)->f.idle, absl::Hours(4));
  const ReportFigures& boris = r->Find(ReportScope::kClerk, "boris", -1)->f;
  EXPECT_EQ(boris.served, 1);
  EXPECT_EQ(boris.busy, M(20));
  EXPECT_EQ(boris.idle, M(175) - M(20));
  EXPECT_EQ(boris.walk.mean, M(5));
  EXPECT_EQ(boris.cases_closed, 1);
  EXPECT_EQ(boris.fees_paid_roubles, 300);
}

TEST_F(ReportStoreTest, TheRepeatedHourIsTwoBuckets) {
  PlayTheNight();
  auto r = Run(ReportBy::kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->buckets.size(), 24u + 25u);
  auto at = [&](const std::string& label) -> const ReportFigures& {
    static const ReportFigures kNone;
    for (size_t i = 0; i < r->buckets.size(); ++i)
      if (r->buckets[i].label == label) {
        const ReportLine* l = r->Find(ReportScope::kBranch, "test", static_cast<int>(i));
        return l ? l->f : kNone;
      }
    ADD_FAILURE() << "no bucket " << label;
    return kNone;
  };
  EXPECT_EQ(at("2026-10-25T02:00+02:00").issued, 1);
  EXPECT_EQ(at("2026-10-25T02:00+02:00").served, 0);
  EXPECT_EQ(at("2026-10-25T02:00+01:00").served, 1);
  EXPECT_EQ(at("2026-10-25T02:00+01:00").wait.max, M(50));
  EXPECT_EQ(at("2026-10-25T02:00+01:00").busy, M(20));
  EXPECT_EQ(at("2026-10-25T00:00+02:00").served, 1);
  EXPECT_EQ(at("2026-10-24T23:00+02:00").issued, 1);
  std::string csv = ReportCsv(*r);
  EXPECT_NE(csv.find("\r\nclerk,boris,2026-10-25T02:00+01:00,2026-10-25T03:00+01:00,,1,0,,,1,3000,"
                     "3000,3000,1,300,300,1,1200,1200,1200,2100,1,0,0,0,300,0,,,,,,,,,,,,\r\n"),
            std::string::npos)
      << csv;
}

TEST_F(ReportStoreTest, RefusesBadRequests) {
  auto bad = [&](ReportRequest req) { return BuildReport(*store_, config_, req, Utc(25, 0, 0)).status(); };
  EXPECT_EQ(bad({"", "2026-10-24", "2026-10-25", ReportBy::kDay}).field(), "branch_id");
  EXPECT_EQ(bad({"test", "2026-13-01", "2026-10-25", ReportBy::kDay}).field(), "from_date");
  EXPECT_EQ(bad({"test", "2026-10-24", "25.10.2026", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2026-10-25", "2026-10-24", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2025-01-01", "2026-10-24", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2026-10-24", "2026-10-25", static_cast<ReportBy>(7)}).field(),
            "granularity");
  EXPECT_EQ(bad({"nowhere", "2026-10-24", "2026-10-25", ReportBy::kDay}).code(),
            Status::Code::kNotFound);
  // An unknown branch id is quoted cut short, never echoed whole.
  const Status huge = bad({std::string(2048, 'b'), "2026-10-24", "2026-10-25", ReportBy::kDay});
  EXPECT_EQ(huge.code(), Status::Code::kNotFound);
  EXPECT_LT(huge.message().size(), 100u) << huge.message().size();
  // An empty database gives an empty report, not an error.
  auto r = BuildReport(*store_, config_, {"test", "2026-10-24", "2026-10-25", ReportBy::kDay},
                       Utc(25, 0, 0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Find(ReportScope::kBranch, "test", -1)->f.issued, 0);
}

// Online applications through the RemoteManager, played in time order (the
// reader's key ranges assume keys grow with time): one applied three weeks
// before the period, posted, activated in it after a failed try; one sent
// to the shop and handed over by a clerk; one rejected; one withdrawn; one
// rejected before the period (not read).
class ReportRemoteTest : public ReportStoreTest {
 protected:
  struct Person {
    const char* phone;
    const char* op;
    const char* doc;
    int64_t topup;
    const char* called;
    int card;
  };
  static constexpr Person kAnnaP{"+79161234567", "megafon", "4509 123456", 500, "+79031112233", 1};
  static constexpr Person kBorisP{"+79032223344", "beeline", "4510 654321", 300, "+79165554433", 2};
  static constexpr Person kVeraP{"+79773334455", "tele2", "4511 777888", 150, "+79161234567", 3};
  static constexpr Person kGlebP{"+79265556677", "megafon", "4512 333444", 250, "+79032223344", 4};

  void SetUp() override {
    ReportStoreTest::SetUp();
    for (const char* op : {"megafon", "beeline", "tele2"})
      config_.fees[op] = {{"lost", 300}, {"stolen", 300}, {"damaged", 150}, {"format_change", 0}};
    config_.remote.application_days = 14;
    Status seeded = store_->Write([&](WriteTx& tx) -> Status {
      for (const Person* p : {&kAnnaP, &kBorisP, &kVeraP, &kGlebP}) {
        Subscriber s;
        s.phone = p->phone;
        s.operator_id = p->op;
        s.holder_name = "Holder Name";
        s.document_type = DocumentType::kRuPassport;
        auto n = NormalizeDocumentNumber(DocumentType::kRuPassport, p->doc);
        s.document_hash = hasher_.Hash("document", *n);
        s.document_last4 = LastFour(*n);
        s.active_iccid = testing::TestIccid(p->card);
        s.recent_topups_roubles = {p->topup, 100};
        s.recent_calls = {p->called};
        s.contact = "holder@example.org";
        s.address = "ул. Тестовая, д. 1, кв. 2, Москва, 101000";
        QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(s));
      }
      for (int i = 100; i < 112; ++i)
        QUEUE_RETURN_IF_ERROR(
            tx.cases().AddStockCard({testing::TestIccid(i), "test", OperatorOf(i)}));
      return Status::Ok();
    });
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
    remote_ = std::make_unique<RemoteManager>(config_, *store_, clock_, hasher_, sealer_,
                                              [this](size_t n) { return Bytes(n); });
  }
  void TearDown() override { remote_.reset(); }

  // The operator of the blank card TestIccid(i) in the branch's stock.
  static const char* OperatorOf(int i) {
    return i % 3 == 0 ? "megafon" : i % 3 == 1 ? "beeline" : "tele2";
  }

  std::string Bytes(size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(++random_ * 37);
    return out;
  }

  ApplyResult Apply(const Person& p, const char* delivery, absl::Time t) {
    clock_.Set(t);
    ApplicationInput in;
    in.phone = p.phone;
    in.operator_id = p.op;
    in.reason = "lost";
    in.full_name = "Holder Name";
    in.document_type = "ru_passport";
    in.document_number = p.doc;
    in.document_photo = document_photo_;
    in.selfie_photo = selfie_photo_;
    in.delivery = delivery;
    if (std::string(delivery) == "pickup") in.pickup_branch_id = "test";
    in.consent = true;
    in.request_id = "report-apply-request-" + std::to_string(++seq_);
    auto r = remote_->Apply(in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ApplyResult{};
  }
  void Approve(int64_t id, absl::Time t) {
    clock_.Set(t);
    auto v = remote_->Approve(id, rita_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_EQ(v->c.state, CaseState::kAwaitingDispatch);
  }
  DispatchResult Dispatch(int64_t id, const Person& p, bool post, absl::Time t) {
    clock_.Set(t);
    std::string card;
    for (int i = 100; i < 112 && card.empty(); ++i)
      if (OperatorOf(i) == std::string(p.op) && !used_.count(i)) {
        used_.insert(i);
        card = testing::TestIccid(i);
      }
    auto d = remote_->Dispatch(id, {card, post ? "RA123456789RU" : ""}, rita_);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : DispatchResult{};
  }
  static std::string AnswerFor(const Person& p, const std::string& question) {
    return question == QuestionText(QuestionKind::kRecentCall) ? p.called
                                                               : std::to_string(p.topup);
  }

  void PlayTheApplications() {
    // A: applied on the 1st, approved, posted on the 12th (the full 14 days
    // from the post); one wrong code on the 24th, activated on the 25th.
    const ApplyResult a = Apply(kAnnaP, "post", Utc(1, 9, 0));
    Approve(a.case_id, Utc(5, 9, 0));
    const DispatchResult a_sent = Dispatch(a.case_id, kAnnaP, true, Utc(12, 9, 0));
    // D: applied and rejected on the 20th, before the period.
    const ApplyResult d = Apply(kVeraP, "post", Utc(20, 8, 0));
    clock_.Set(Utc(20, 9, 0));
    ASSERT_TRUE(remote_->Reject(d.case_id, "photo_unreadable", rita_).ok());
    // B: applied on the 24th for pickup, approved, sent to the shop.
    const ApplyResult b = Apply(kBorisP, "pickup", Utc(24, 7, 0));
    clock_.Set(Utc(24, 8, 0));
    auto wrong = remote_->Activate(a.reference, "2222-2222", AnswerFor(kAnnaP, a_sent.question));
    ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
    ASSERT_FALSE(wrong->activated);
    Approve(b.case_id, Utc(24, 9, 0));
    const DispatchResult b_sent = Dispatch(b.case_id, kBorisP, false, Utc(24, 10, 0));
    // C: applied and rejected on the 24th.
    const ApplyResult c = Apply(kVeraP, "post", Utc(24, 11, 0));
    clock_.Set(Utc(24, 12, 0));
    ASSERT_TRUE(remote_->Reject(c.case_id, "face_mismatch", rita_).ok());
    // The 25th: A activated, B handed over by anna (at no counter), E
    // applied and withdrawn.
    clock_.Set(Utc(25, 9, 0));
    auto question = remote_->Lookup(a.reference);
    ASSERT_TRUE(question.ok()) << question.status().ToString();
    auto done = remote_->Activate(a.reference, a_sent.activation_code,
                                  AnswerFor(kAnnaP, question->question));
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    ASSERT_TRUE(done->activated);
    clock_.Set(Utc(25, 10, 0));
    auto handed = remote_->HandOver(
        b.case_id, {"ru_passport", kBorisP.doc, true, AnswerFor(kBorisP, b_sent.question)}, anna_);
    ASSERT_TRUE(handed.ok()) << handed.status().ToString();
    ASSERT_TRUE(handed->activated);
    const ApplyResult e = Apply(kGlebP, "post", Utc(25, 11, 0));
    clock_.Set(Utc(25, 11, 30));
    ASSERT_TRUE(remote_->Withdraw(e.reference).ok());
    early_case_ = a.case_id;
    rejected_before_ = d.case_id;
  }

  crypto::HmacPiiHasher hasher_{std::string(32, 'k')};
  crypto::SodiumPhotoSealer sealer_{std::string(32, 'k')};
  std::unique_ptr<RemoteManager> remote_;
  const std::string document_photo_ = testing::MakeJpeg(1600, 1200);
  const std::string selfie_photo_ = testing::MakePng(720, 1280);
  const Principal rita_{Role::kReviewer, "rita", ""};
  std::set<int> used_;
  int random_ = 0;
  int64_t early_case_ = 0;
  int64_t rejected_before_ = 0;
};

TEST_F(ReportRemoteTest, ApplicationsCountPerDayApartFromTheCounter) {
  clock_.Set(Utc(1, 8, 0));
  PlayTheApplications();
  auto r = Run(ReportBy::kDay);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ReportFigures& all = r->Find(ReportScope::kBranch, "test", -1)->f;
  EXPECT_EQ(all.remote_applied, 3);  // B, C, E (A and D before the period)
  EXPECT_EQ(all.remote_approved, 1);
  EXPECT_EQ(all.remote_rejected, 1);
  EXPECT_EQ(all.remote_dispatched, 1);
  EXPECT_EQ(all.remote_activated, 2);
  EXPECT_EQ(all.remote_cancelled, 1);
  EXPECT_EQ(all.remote_locked, 0);
  EXPECT_EQ(all.remote_failed_checks, 1);
  const ReportFigures& d24 = r->Find(ReportScope::kBranch, "test", 0)->f;
  const ReportFigures& d25 = r->Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d24.remote_applied, 2);
  EXPECT_EQ(d24.remote_approved, 1);
  EXPECT_EQ(d24.remote_rejected, 1);
  EXPECT_EQ(d24.remote_dispatched, 1);
  EXPECT_EQ(d24.remote_failed_checks, 1);  // A's wrong code
  EXPECT_EQ(d24.remote_activated, 0);
  EXPECT_EQ(d25.remote_applied, 1);
  EXPECT_EQ(d25.remote_activated, 2);  // A activated (opened on the 1st), B handed over
  EXPECT_EQ(d25.remote_cancelled, 1);
  // None of it is a counter's outcome or a clerk's.
  EXPECT_EQ(all.cases_closed + all.cases_cancelled + all.cases_locked + all.cases_refused_identity,
            0);
  EXPECT_EQ(r->Find(ReportScope::kClerk, "", -1), nullptr);
  EXPECT_EQ(r->Find(ReportScope::kClerk, "anna", -1), nullptr);

  const std::string csv = ReportCsv(*r);
  EXPECT_NE(csv.find("\r\nbranch,test,2026-10-24,2026-10-25,"), std::string::npos) << csv;
  const size_t at = csv.find("\r\nbranch,test,2026-10-24,2026-10-25,") + 2;
  const std::string line = csv.substr(at, csv.find("\r\n", at) - at);
  EXPECT_EQ(line.substr(line.rfind(",3,1,1,1,2,1,0,1")), ",3,1,1,1,2,1,0,1") << line;
}

// The counter's night and the applications together: the counter's
// figures and clerks are the night's alone.
TEST_F(ReportRemoteTest, TheCountersFiguresStayTheNights) {
  clock_.Set(Utc(1, 8, 0));
  const ApplyResult a = Apply(kAnnaP, "post", Utc(1, 9, 0));
  Approve(a.case_id, Utc(5, 9, 0));
  const DispatchResult sent = Dispatch(a.case_id, kAnnaP, true, Utc(12, 9, 0));
  PlayTheNight();  // the 20th to the 25th, 04:00 UTC
  clock_.Set(Utc(25, 5, 0));
  auto question = remote_->Lookup(a.reference);
  ASSERT_TRUE(question.ok()) << question.status().ToString();
  auto done =
      remote_->Activate(a.reference, sent.activation_code, AnswerFor(kAnnaP, question->question));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_TRUE(done->activated);
  auto r = Run(ReportBy::kDay);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ReportFigures& d25 = r->Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d25.cases_closed, 1);  // the night's counter case only
  EXPECT_EQ(d25.fees_paid_roubles, 300);
  EXPECT_EQ(d25.remote_activated, 1);
  const ReportFigures& boris = r->Find(ReportScope::kClerk, "boris", -1)->f;
  EXPECT_EQ(boris.cases_closed, 1);
  EXPECT_EQ(boris.remote_activated, 0);
  EXPECT_EQ(r->Find(ReportScope::kClerk, "anna", -1)->f.cases_closed, 0);
  EXPECT_EQ(r->Find(ReportScope::kClerk, "", -1), nullptr);
}

TEST_F(ReportRemoteTest, ReadsRemoteCasesStillOpenAtThePeriodsStart) {
  clock_.Set(Utc(1, 8, 0));
  PlayTheApplications();
  ReportPeriod p{absl::CivilDay(2026, 10, 24), absl::CivilDay(2026, 10, 25), ReportBy::kDay};
  ReportRows rows;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
    auto rr = tx.reports().ReadReportRows(QueryFor(config_.branches[0], p));
    if (!rr.ok()) return rr.status();
    rows = std::move(rr).value();
    return Status::Ok();
  }).ok());
  std::vector<int64_t> ids;
  for (const ReportCase& c : rows.cases) {
    ids.push_back(c.case_id);
    EXPECT_EQ(c.route, CaseRoute::kRemote);
    EXPECT_EQ(c.counter_id, "");
  }
  // A (opened on the 1st), B, C, E; never D, finished before the period.
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], early_case_);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), rejected_before_), 0);
  // All of A's records, from its application on, in step order.
  std::vector<std::string> a_steps;
  for (const ReportCaseRecord& rec : rows.case_records)
    if (rec.case_id == early_case_) a_steps.push_back(rec.step + ":" + rec.outcome);
  EXPECT_EQ(a_steps, (std::vector<std::string>{"apply:received", "review:approved",
                                               "dispatch:posted", "activation:failed",
                                               "activation:passed", "block:done",
                                               "close:closed"}));
}

}  // namespace
}  // namespace shop::queue
