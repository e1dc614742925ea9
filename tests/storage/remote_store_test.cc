// The remote route's storage on both engines (SQLite here, PostgreSQL as
// pg.*): a remote case and its RemoteDetails field by field through every
// reader, updates, the review queues and the expiry sweep, sealed photos,
// the open-case-per-number rule across routes, erasure, the register's
// contact and address, a counter case beside it; and a database of the
// previous schema version (SQLite 14, PostgreSQL 2) that migrates with its
// counter case.
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/storage/postgres/migrations.h"
#include "server/storage/sqlite/migrations.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using testing::TempDir;
using testing::TestConfig;
using testing::TestOnPostgres;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

CaseForm SampleForm(const std::string& phone = "+79161234567") {
  CaseForm f;
  f.phone = phone;
  f.operator_id = "megafon";
  f.reason = ReplacementReason::kLost;
  f.full_name = "Ivanova Maria";
  f.document_type = DocumentType::kRuPassport;
  f.document_hash = "h:654321";
  f.document_last4 = "4321";
  f.contact = "";  // the remote route: notices go to the contact on record
  return f;
}

RemoteDetails SampleDetails(const std::string& reference_hash) {
  RemoteDetails d;
  d.reference_hash = reference_hash;
  d.delivery = Delivery::kPickup;
  d.pickup_branch_id = "test";
  d.language = Language::kZh;
  d.document_matches = true;
  d.risk_score = 2;
  d.risk_factors = "recent_sim_change,contact_changed";
  d.first_approver = "";
  d.reviewer = "";
  d.decision_reason = "";
  d.activation_code_hash = "";
  d.tracking_number = "";
  d.expires = kT0 + absl::Hours(24 * 14);
  return d;
}

// Every field of two cases, one EXPECT each (so a failure names the field).
void ExpectSameCase(const SimCase& got, const SimCase& want) {
  EXPECT_EQ(got.case_id, want.case_id);
  EXPECT_EQ(got.branch_id, want.branch_id);
  EXPECT_EQ(got.route, want.route);
  EXPECT_EQ(got.ticket_id, want.ticket_id);
  EXPECT_EQ(got.counter_id, want.counter_id);
  EXPECT_EQ(got.opened_by, want.opened_by);
  EXPECT_EQ(got.opened, want.opened);
  EXPECT_EQ(got.state, want.state);
  ASSERT_EQ(got.form.has_value(), want.form.has_value());
  if (want.form) {
    EXPECT_EQ(got.form->phone, want.form->phone);
    EXPECT_EQ(got.form->operator_id, want.form->operator_id);
    EXPECT_EQ(got.form->reason, want.form->reason);
    EXPECT_EQ(got.form->full_name, want.form->full_name);
    EXPECT_EQ(got.form->document_type, want.form->document_type);
    EXPECT_EQ(got.form->document_hash, want.form->document_hash);
    EXPECT_EQ(got.form->document_last4, want.form->document_last4);
    EXPECT_EQ(got.form->contact, want.form->contact);
  }
  EXPECT_EQ(got.question, want.question);
  EXPECT_EQ(got.identity_passed, want.identity_passed);
  EXPECT_EQ(got.fee_roubles, want.fee_roubles);
  EXPECT_EQ(got.payment, want.payment);
  EXPECT_EQ(got.receipt_number, want.receipt_number);
  EXPECT_EQ(got.old_iccid, want.old_iccid);
  EXPECT_EQ(got.new_iccid, want.new_iccid);
  EXPECT_EQ(got.refunded, want.refunded);
  EXPECT_EQ(got.finished, want.finished);
  EXPECT_EQ(got.erased, want.erased);
  ASSERT_EQ(got.remote.has_value(), want.remote.has_value());
  if (want.remote) {
    const RemoteDetails& g = *got.remote;
    const RemoteDetails& w = *want.remote;
    EXPECT_EQ(g.reference_hash, w.reference_hash);
    EXPECT_EQ(g.delivery, w.delivery);
    EXPECT_EQ(g.pickup_branch_id, w.pickup_branch_id);
    EXPECT_EQ(g.language, w.language);
    EXPECT_EQ(g.document_matches, w.document_matches);
    EXPECT_EQ(g.risk_score, w.risk_score);
    EXPECT_EQ(g.risk_factors, w.risk_factors);
    EXPECT_EQ(g.first_approver, w.first_approver);
    EXPECT_EQ(g.reviewer, w.reviewer);
    EXPECT_EQ(g.decision_reason, w.decision_reason);
    EXPECT_EQ(g.activation_code_hash, w.activation_code_hash);
    EXPECT_EQ(g.tracking_number, w.tracking_number);
    EXPECT_EQ(g.expires, w.expires);
  }
}

// Bytes as a sealed photo might be: every byte value, NULs included.
std::string Bytes(size_t n, int seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + seed) & 0xff);
  return out;
}

std::vector<int64_t> Ids(const std::vector<SimCase>& cases) {
  std::vector<int64_t> out;
  for (const auto& c : cases) out.push_back(c.case_id);
  return out;
}

class RemoteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(TestConfig()).ok());
  }

  // A remote case's value, not yet stored: an application awaiting review.
  SimCase RemoteValue(const std::string& reference_hash,
                      const std::string& phone = "+79161234567") {
    SimCase c;
    c.branch_id = "test";
    c.route = CaseRoute::kRemote;
    c.opened_by = "web";
    c.opened = kT0;
    c.state = CaseState::kAwaitingReview;
    c.form = SampleForm(phone);
    c.remote = SampleDetails(reference_hash);
    return c;
  }

  // Inserts a remote case; its id.
  int64_t InsertRemote(SimCase& c) {
    Status st = Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return c.case_id;
  }

  // A new ticket's id.
  int64_t NewTicket() {
    int64_t id = 0;
    EXPECT_TRUE(Write([&](WriteTx& tx) -> Status {
                  Ticket t;
                  t.branch_id = "test";
                  t.number_prefix = t.service_prefix = "R";
                  t.business_day = "2027-01-15";
                  auto n = tx.tickets().NextNumber("test", "R", t.business_day);
                  if (!n.ok()) return n.status();
                  t.number = *n;
                  t.issue_time = kT0;
                  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
                  id = t.id;
                  return Status::Ok();
                }).ok());
    return id;
  }

  // Inserts a counter case for a new ticket.
  SimCase NewCounterCase() {
    SimCase c;
    c.branch_id = "test";
    c.ticket_id = NewTicket();
    c.counter_id = "1";
    c.opened_by = "anna";
    c.opened = kT0;
    Status st = Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return c;
  }

  // Runs `fn` in a read transaction and returns its value.
  template <typename T>
  T Read(const std::function<Result<T>(ReadTx&)>& fn) {
    std::optional<T> out;
    Status st = store_->Read([&](ReadTx& tx) -> Status {
      auto r = fn(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out ? std::move(*out) : T{};
  }

  std::optional<SimCase> Get(int64_t case_id, const std::string& branch = "test") {
    return Read<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().GetCase(branch, case_id); });
  }
  std::optional<SimCase> GetRemote(int64_t case_id) {
    return Read<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().GetRemoteCase(case_id); });
  }
  std::optional<SimCase> ByReference(const std::string& reference_hash) {
    return Read<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().RemoteCaseByReference(reference_hash); });
  }
  std::vector<SimCase> InState(CaseState state, int limit, const std::string& branch = "") {
    return Read<std::vector<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().RemoteCasesInState(state, branch, limit); });
  }
  std::vector<SimCase> Expired(absl::Time now, int limit) {
    return Read<std::vector<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().ExpiredRemoteCases(now, limit); });
  }
  std::vector<StoredPhoto> Photos(int64_t case_id) {
    return Read<std::vector<StoredPhoto>>(
        [&](ReadTx& tx) { return tx.cases().CasePhotos(case_id); });
  }
  std::optional<SimCase> OpenCaseOf(const std::string& phone, int64_t except = 0) {
    return Read<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().OpenCaseOfPhone(phone, except); });
  }

  Status Write(const std::function<Status(WriteTx&)>& fn) { return store_->Write(fn); }
  Status Update(const SimCase& c, CaseState expected) {
    return Write([&](WriteTx& tx) { return tx.cases().UpdateCase(c, expected); });
  }

  TempDir dir_;
  testing::TestDb db_{dir_};
  std::unique_ptr<EngineStore> store_;
};

TEST_F(RemoteStoreTest, ARemoteCaseReadsBackFieldByFieldThroughEveryReader) {
  SimCase c = RemoteValue("ref-hash-1");
  const int64_t id = InsertRemote(c);
  ASSERT_GT(id, 0);

  auto by_branch = Get(id);
  ASSERT_TRUE(by_branch);
  ExpectSameCase(*by_branch, c);
  EXPECT_EQ(by_branch->ticket_id, 0);
  EXPECT_EQ(by_branch->counter_id, "");
  EXPECT_EQ(by_branch->route, CaseRoute::kRemote);
  auto by_id = GetRemote(id);
  ASSERT_TRUE(by_id);
  ExpectSameCase(*by_id, c);
  auto by_reference = ByReference("ref-hash-1");
  ASSERT_TRUE(by_reference);
  ExpectSameCase(*by_reference, c);

  // Stored without a ticket, as the remote route.
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cases WHERE ticket_id IS NULL AND route = 2"),
            1);
  EXPECT_FALSE(Get(id, "elsewhere"));
  EXPECT_FALSE(ByReference("ref-hash-2"));
  EXPECT_FALSE(GetRemote(id + 1000));
  // A counter case is no remote case.
  SimCase counter = NewCounterCase();
  EXPECT_FALSE(GetRemote(counter.case_id));
  auto plain = Get(counter.case_id);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->route, CaseRoute::kCounter);
  EXPECT_FALSE(plain->remote);
}

TEST_F(RemoteStoreTest, UpdateCaseRoundTripsTheDetails) {
  SimCase c = RemoteValue("ref-hash-1");
  InsertRemote(c);

  // Reviewed, approved by two, dispatched; the expiry moved on.
  c.state = CaseState::kAwaitingActivation;
  c.remote->first_approver = "olga";
  c.remote->reviewer = "ivan";
  c.remote->decision_reason = "";
  c.remote->activation_code_hash = "sha256:activation";
  c.remote->tracking_number = "RA123456789RU";
  c.remote->delivery = Delivery::kPost;
  c.remote->pickup_branch_id = "";
  c.remote->language = Language::kEn;
  c.remote->document_matches = false;
  c.remote->risk_score = 0;
  c.remote->risk_factors = "";
  c.remote->expires = kT0 + absl::Hours(24 * 30) + absl::Microseconds(7);
  c.new_iccid = "8970102000500000016";
  c.old_iccid = "8970102000400000017";
  ASSERT_TRUE(Update(c, CaseState::kAwaitingReview).ok());
  auto got = Get(c.case_id);
  ASSERT_TRUE(got);
  ExpectSameCase(*got, c);

  // An application that never expires, and a rejected one.
  c.remote->expires = absl::InfiniteFuture();
  c.state = CaseState::kCancelled;
  c.finished = kT0 + absl::Hours(1);
  c.remote->decision_reason = "photo_unreadable";
  ASSERT_TRUE(Update(c, CaseState::kAwaitingActivation).ok());
  got = GetRemote(c.case_id);
  ASSERT_TRUE(got);
  ExpectSameCase(*got, c);
  EXPECT_EQ(got->remote->expires, absl::InfiniteFuture());

  // A stale expected state is a lost race; the reference never changes.
  EXPECT_EQ(Update(c, CaseState::kAwaitingReview).code(), Status::Code::kAborted);
  SimCase moved = c;
  moved.remote->reference_hash = "ref-hash-other";
  EXPECT_EQ(Update(moved, CaseState::kCancelled).code(), Status::Code::kInternal);
  ASSERT_TRUE(ByReference("ref-hash-1"));
  EXPECT_FALSE(ByReference("ref-hash-other"));
}

TEST_F(RemoteStoreTest, InsertRefusesATakenReferenceAndAMismatchedRoute) {
  SimCase first = RemoteValue("ref-hash-1");
  InsertRemote(first);
  SimCase again = RemoteValue("ref-hash-1", "+79162345678");
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().InsertCase(again); }).code(),
            Status::Code::kAlreadyExists);

  SimCase no_details = RemoteValue("ref-hash-2");
  no_details.remote.reset();
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().InsertCase(no_details); }).code(),
            Status::Code::kInternal);
  SimCase with_ticket = RemoteValue("ref-hash-3");
  with_ticket.ticket_id = NewTicket();
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().InsertCase(with_ticket); }).code(),
            Status::Code::kInternal);
  SimCase counter_with_details = RemoteValue("ref-hash-4");
  counter_with_details.route = CaseRoute::kCounter;
  counter_with_details.ticket_id = NewTicket();
  counter_with_details.counter_id = "1";
  EXPECT_EQ(
      Write([&](WriteTx& tx) { return tx.cases().InsertCase(counter_with_details); }).code(),
      Status::Code::kInternal);
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cases"), 1);
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM remote_cases"), 1);
}

TEST_F(RemoteStoreTest, CasesInAStateComeOldestFirstUpToTheLimit) {
  std::vector<int64_t> review;
  for (int i = 0; i < 4; ++i) {
    SimCase c = RemoteValue("ref-review-" + std::to_string(i), "+7916000000" + std::to_string(i));
    review.push_back(InsertRemote(c));
  }
  SimCase dispatch = RemoteValue("ref-dispatch", "+79160000009");
  dispatch.state = CaseState::kAwaitingDispatch;
  InsertRemote(dispatch);
  NewCounterCase();  // never listed

  EXPECT_EQ(Ids(InState(CaseState::kAwaitingReview, 10)), review);
  EXPECT_EQ(Ids(InState(CaseState::kAwaitingReview, 2)),
            (std::vector<int64_t>{review[0], review[1]}));
  EXPECT_EQ(Ids(InState(CaseState::kAwaitingDispatch, 10)),
            (std::vector<int64_t>{dispatch.case_id}));
  EXPECT_TRUE(InState(CaseState::kAwaitingActivation, 10).empty());
  EXPECT_TRUE(InState(CaseState::kAwaitingForm, 10).empty()) << "a counter case is not listed";

  // The second application is rejected: it leaves the review queue and is
  // listed among the cancelled ones (finished states are listed too).
  auto second = GetRemote(review[1]);
  ASSERT_TRUE(second);
  second->state = CaseState::kCancelled;
  second->finished = kT0 + absl::Hours(2);
  ASSERT_TRUE(Update(*second, CaseState::kAwaitingReview).ok());
  EXPECT_EQ(Ids(InState(CaseState::kAwaitingReview, 10)),
            (std::vector<int64_t>{review[0], review[2], review[3]}));
  auto cancelled = InState(CaseState::kCancelled, 10);
  ASSERT_EQ(cancelled.size(), 1u);
  ExpectSameCase(cancelled[0], *second);
  // One branch's (the pickup shop's list): open and finished states alike.
  EXPECT_EQ(Ids(InState(CaseState::kAwaitingReview, 10, "test")),
            (std::vector<int64_t>{review[0], review[2], review[3]}));
  EXPECT_TRUE(InState(CaseState::kAwaitingReview, 10, "elsewhere").empty());
  EXPECT_EQ(InState(CaseState::kCancelled, 10, "test").size(), 1u);
  EXPECT_TRUE(InState(CaseState::kCancelled, 10, "elsewhere").empty());
}

TEST_F(RemoteStoreTest, ExpiredCasesAreTheUnfinishedOnesDueSoonestFirst) {
  auto insert = [&](const std::string& ref, absl::Duration after, CaseState state) {
    SimCase c = RemoteValue(ref);
    c.state = state;
    c.remote->expires = kT0 + after;
    if (CaseFinished(state)) c.finished = kT0;
    return InsertRemote(c);
  };
  const int64_t late = insert("ref-late", absl::Hours(3), CaseState::kAwaitingReview);
  const int64_t soon = insert("ref-soon", absl::Hours(1), CaseState::kAwaitingActivation);
  const int64_t due = insert("ref-due", absl::Hours(2), CaseState::kAwaitingDispatch);
  insert("ref-closed", absl::Hours(0), CaseState::kClosed);
  insert("ref-cancelled", absl::Hours(0), CaseState::kCancelled);
  SimCase never = RemoteValue("ref-never", "+79160000008");
  never.remote->expires = absl::InfiniteFuture();
  InsertRemote(never);
  NewCounterCase();

  EXPECT_TRUE(Expired(kT0, 10).empty());
  // At or before `now`: the one due exactly now is included.
  EXPECT_EQ(Ids(Expired(kT0 + absl::Hours(2), 10)), (std::vector<int64_t>{soon, due}));
  EXPECT_EQ(Ids(Expired(kT0 + absl::Hours(2), 1)), (std::vector<int64_t>{soon}));
  EXPECT_EQ(Ids(Expired(kT0 + absl::Hours(24 * 365), 10)),
            (std::vector<int64_t>{soon, due, late}));
  // The sweep cancels one: it is no longer listed.
  auto first = GetRemote(soon);
  ASSERT_TRUE(first);
  first->state = CaseState::kCancelled;
  first->finished = kT0 + absl::Hours(2);
  ASSERT_TRUE(Update(*first, CaseState::kAwaitingActivation).ok());
  EXPECT_EQ(Ids(Expired(kT0 + absl::Hours(2), 10)), (std::vector<int64_t>{due}));
}

TEST_F(RemoteStoreTest, PhotosAreStoredOncePerKindByteForByte) {
  SimCase c = RemoteValue("ref-hash-1");
  InsertRemote(c);
  SimCase other = RemoteValue("ref-hash-2", "+79162345678");
  InsertRemote(other);
  // The largest upload sealed (a little over 5 MiB) and a small one.
  const std::string document = Bytes(kMaxPhotoBytes + 40, 1);
  const std::string selfie = Bytes(2000, 2);
  ASSERT_NE(document.find('\0'), std::string::npos);
  ASSERT_TRUE(Write([&](WriteTx& tx) {
                return tx.cases().SavePhoto({c.case_id, "selfie", ImageType::kPng, selfie});
              }).ok());
  ASSERT_TRUE(Write([&](WriteTx& tx) {
                return tx.cases().SavePhoto({c.case_id, "document", ImageType::kJpeg, document});
              }).ok());

  auto photos = Photos(c.case_id);
  ASSERT_EQ(photos.size(), 2u);
  EXPECT_EQ(photos[0].case_id, c.case_id);
  EXPECT_EQ(photos[0].kind, "document");
  EXPECT_EQ(photos[0].type, ImageType::kJpeg);
  EXPECT_TRUE(photos[0].sealed == document) << "the sealed bytes changed on the way";
  EXPECT_EQ(photos[1].kind, "selfie");
  EXPECT_EQ(photos[1].type, ImageType::kPng);
  EXPECT_TRUE(photos[1].sealed == selfie);
  EXPECT_TRUE(Photos(other.case_id).empty());

  // A second photo of a kind the case has is refused; the first stays.
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().SavePhoto({c.case_id, "selfie", ImageType::kJpeg, "other"});
            }).code(),
            Status::Code::kAlreadyExists);
  photos = Photos(c.case_id);
  ASSERT_EQ(photos.size(), 2u);
  EXPECT_TRUE(photos[1].sealed == selfie);
  // Photos belong to remote cases only.
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().SavePhoto({c.case_id + 1000, "selfie", ImageType::kJpeg, "x"});
            }).code(),
            Status::Code::kNotFound);
  SimCase counter = NewCounterCase();
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().SavePhoto({counter.case_id, "selfie", ImageType::kJpeg, "x"});
            }).code(),
            Status::Code::kNotFound);
}

TEST_F(RemoteStoreTest, AnOpenRemoteCaseIsTheNumbersOpenCase) {
  SimCase c = RemoteValue("ref-hash-1");
  InsertRemote(c);
  for (CaseState s : {CaseState::kAwaitingReview, CaseState::kAwaitingDispatch,
                      CaseState::kAwaitingActivation, CaseState::kAwaitingPickup}) {
    const CaseState before = c.state;
    c.state = s;
    if (s != before) {
      ASSERT_TRUE(Update(c, before).ok());
    }
    auto open = OpenCaseOf("+79161234567");
    ASSERT_TRUE(open) << CaseStateName(s);
    EXPECT_EQ(open->case_id, c.case_id);
    EXPECT_EQ(open->route, CaseRoute::kRemote);
    EXPECT_FALSE(OpenCaseOf("+79161234567", c.case_id)) << "the case itself is left out";
  }
  // A counter case on the same number sees it too (and it the counter case).
  SimCase counter = NewCounterCase();
  counter.form = SampleForm();
  counter.state = CaseState::kAwaitingIdentity;
  ASSERT_TRUE(Update(counter, CaseState::kAwaitingForm).ok());
  auto seen = OpenCaseOf("+79161234567", counter.case_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->case_id, c.case_id);
  seen = OpenCaseOf("+79161234567", c.case_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->case_id, counter.case_id);

  // Once cancelled the remote case is open no more.
  const CaseState before = c.state;
  c.state = CaseState::kCancelled;
  c.finished = kT0 + absl::Hours(1);
  ASSERT_TRUE(Update(c, before).ok());
  EXPECT_FALSE(OpenCaseOf("+79161234567", counter.case_id));
}

TEST_F(RemoteStoreTest, ErasureDeletesThePhotosAndTheTrackingNumber) {
  SimCase done = RemoteValue("ref-done");
  InsertRemote(done);
  SimCase open = RemoteValue("ref-open", "+79162345678");
  InsertRemote(open);
  for (int64_t id : {done.case_id, open.case_id}) {
    ASSERT_TRUE(Write([&](WriteTx& tx) {
                  QUEUE_RETURN_IF_ERROR(
                      tx.cases().SavePhoto({id, "document", ImageType::kJpeg, Bytes(3000, 3)}));
                  return tx.cases().SavePhoto({id, "selfie", ImageType::kPng, Bytes(3000, 4)});
                }).ok());
  }
  done.state = CaseState::kClosed;
  done.finished = kT0 + absl::Hours(1);
  done.remote->tracking_number = "RA123456789RU";
  done.remote->activation_code_hash = "sha256:code";
  ASSERT_TRUE(Update(done, CaseState::kAwaitingReview).ok());

  int erased = -1;
  ASSERT_TRUE(Write([&](WriteTx& tx) -> Status {
                auto n = tx.cases().EraseFinishedCases(kT0 + absl::Hours(2), 100);
                if (!n.ok()) return n.status();
                erased = *n;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(erased, 1);
  EXPECT_TRUE(Photos(done.case_id).empty());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM case_photos WHERE case_id = " +
                         std::to_string(done.case_id)),
            0);
  EXPECT_EQ(Photos(open.case_id).size(), 2u) << "an open application keeps its photos";

  auto got = GetRemote(done.case_id);
  ASSERT_TRUE(got && got->form);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->form->phone, "");
  EXPECT_EQ(got->form->full_name, "");
  EXPECT_EQ(got->remote->tracking_number, "");
  // The status page still finds the case by its reference ("erased").
  EXPECT_EQ(got->remote->reference_hash, "ref-done");
  ASSERT_TRUE(ByReference("ref-done"));
  EXPECT_EQ(got->remote->activation_code_hash, "sha256:code");
  EXPECT_EQ(got->state, CaseState::kClosed);

  // A write from a copy taken before erasure brings nothing back.
  SimCase stale = done;
  stale.refunded = true;
  ASSERT_TRUE(Update(stale, CaseState::kClosed).ok());
  got = GetRemote(done.case_id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->refunded);
  EXPECT_EQ(got->remote->tracking_number, "");
  EXPECT_EQ(got->form->phone, "");
}

TEST_F(RemoteStoreTest, TheSubscribersContactAndAddressRoundTrip) {
  Subscriber s;
  s.phone = "+79161234567";
  s.operator_id = "megafon";
  s.holder_name = "Ivanova Maria";
  s.document_type = DocumentType::kRuPassport;
  s.document_hash = "h:654321";
  s.document_last4 = "4321";
  s.active_iccid = "8970102000400000017";
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  auto got = Read<std::optional<Subscriber>>(
      [&](ReadTx& tx) { return tx.cases().GetSubscriber(s.phone); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->contact, "");
  EXPECT_EQ(got->address, "");
  EXPECT_EQ(got->contact_changed, absl::InfinitePast());

  s.contact = "ivanova@example.com";
  s.address = "ул. Тестовая, д. 1, кв. 2, Москва, 101000";
  s.contact_changed = kT0 - absl::Hours(24 * 3) + absl::Microseconds(5);
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  got = Read<std::optional<Subscriber>>(
      [&](ReadTx& tx) { return tx.cases().GetSubscriber(s.phone); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->contact, "ivanova@example.com");
  EXPECT_EQ(got->address, "ул. Тестовая, д. 1, кв. 2, Москва, 101000");
  EXPECT_EQ(got->contact_changed, s.contact_changed);
  EXPECT_EQ(got->holder_name, "Ivanova Maria");
  EXPECT_EQ(got->active_iccid, "8970102000400000017");

  s.contact = "+79035550011";
  s.address = "";
  s.contact_changed = absl::InfinitePast();
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  got = Read<std::optional<Subscriber>>(
      [&](ReadTx& tx) { return tx.cases().GetSubscriber(s.phone); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->contact, "+79035550011");
  EXPECT_EQ(got->address, "");
  EXPECT_EQ(got->contact_changed, absl::InfinitePast());
}

TEST_F(RemoteStoreTest, ACounterCaseKeepsItsTicketBesideRemoteCases) {
  SimCase r1 = RemoteValue("ref-hash-1");
  InsertRemote(r1);
  SimCase counter = NewCounterCase();
  SimCase r2 = RemoteValue("ref-hash-2", "+79162345678");
  InsertRemote(r2);  // two cases without a ticket do not collide

  auto got = Get(counter.case_id);
  ASSERT_TRUE(got);
  ExpectSameCase(*got, counter);
  EXPECT_GT(got->ticket_id, 0);
  auto of_ticket = Read<std::optional<SimCase>>(
      [&](ReadTx& tx) { return tx.cases().CaseOfTicket("test", counter.ticket_id); });
  ASSERT_TRUE(of_ticket);
  EXPECT_EQ(of_ticket->case_id, counter.case_id);
  EXPECT_EQ(of_ticket->route, CaseRoute::kCounter);
  SimCase second = counter;
  second.case_id = 0;
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().InsertCase(second); }).code(),
            Status::Code::kAlreadyExists);

  // The schema itself: one case per ticket still, a ticket exactly on the
  // counter route, none on the remote one.
  const std::string t = std::to_string(counter.ticket_id);
  EXPECT_FALSE(db_.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                        "opened_us, state) VALUES ('test', " + t + ", '1', 'x', 0, 1)")
                   .ok());
  EXPECT_FALSE(db_.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                        "opened_us, state, route) VALUES ('test', NULL, '1', 'x', 0, 1, 1)")
                   .ok());
  EXPECT_FALSE(db_.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                        "opened_us, state, route) VALUES ('test', " + std::to_string(NewTicket()) +
                        ", '', 'x', 0, 9, 2)")
                   .ok());
  EXPECT_TRUE(db_.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                       "opened_us, state, route) VALUES ('test', NULL, '', 'x', 0, 9, 2)")
                  .ok());
  // The counter case moves on as before.
  counter.form = SampleForm("+79163456789");
  counter.state = CaseState::kAwaitingIdentity;
  ASSERT_TRUE(Update(counter, CaseState::kAwaitingForm).ok());
  got = Get(counter.case_id);
  ASSERT_TRUE(got);
  ExpectSameCase(*got, counter);
}

// SQLite's plan for the review queue and the expiry sweep: the partial index
// of unfinished remote cases, not a scan of every case.
TEST_F(RemoteStoreTest, TheQueuesUseTheIndexOfUnfinishedRemoteCases) {
  SKIP_ON_POSTGRES("SQLite's query plan");
  auto plan = db_.Query(
      "EXPLAIN QUERY PLAN SELECT c.case_id FROM sim_cases c JOIN remote_cases r "
      "ON r.case_id = c.case_id WHERE c.route = 2 AND c.state NOT IN (7, 8) AND c.state = 9 "
      "ORDER BY c.case_id LIMIT 10");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::string text;
  for (const auto& row : *plan) text += row.back() + "\n";
  EXPECT_NE(text.find("sim_cases_remote_open"), std::string::npos) << text;
  EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << text;
}

// A database as the previous release left it (SQLite 14, PostgreSQL 2), with
// a counter case, its record, its issued card and a subscriber: it migrates,
// and everything is still there and still checked.
TEST(RemoteStoreMigration, APreviousVersionDatabaseMigratesWithItsCounterCase) {
  TempDir dir;
  testing::TestDb db(dir);
  const bool pg = TestOnPostgres();
  // The last versions without the remote route.
  const int previous = pg ? 2 : 14;
  const int latest = pg ? pg::LatestSchemaVersion() : sqlite::LatestSchemaVersion();
  ASSERT_GT(latest, previous);
  std::string old = "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                    "INSERT INTO schema_version VALUES (" + std::to_string(previous) + ");";
  for (int i = 0; i < previous; ++i) old += pg ? pg::MigrationSql(i) : sqlite::MigrationSql(i);
  old +=
      "INSERT INTO branches VALUES ('test', 'Test shop', 'Europe/Moscow');"
      "INSERT INTO services VALUES ('test', 'R', 'r', 'r', 'r');"
      "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
      "state, priority, origin, language, issue_us) "
      "VALUES ('test', 'R', 1, '2027-01-15', 'R', 3, 0, 1, 1, 0);"
      "INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, state, "
      "phone, operator_id, reason, full_name, document_type, document_hash, document_last4, "
      "contact) SELECT 'test', ticket_id, '1', 'anna', 1800000000000000, 2, '+79161234567', "
      "'megafon', 2, 'Ivanova Maria', 1, 'h:654321', '4321', 'ivanova@example.com' "
      "FROM tickets;"
      "INSERT INTO sim_case_records (case_id, seq, time_us, step, outcome, actor, supervisor, "
      "detail) SELECT case_id, 1, 1800000000000000, 'open', 'opened', 'clerk:anna', '', '' "
      "FROM sim_cases;"
      "INSERT INTO subscribers (phone, operator_id, holder_name, document_type, document_hash, "
      "document_last4) VALUES ('+79161234567', 'megafon', 'Ivanova Maria', 1, 'h:654321', "
      "'4321');"
      "INSERT INTO sim_stock (iccid, branch_id, operator_id, state, case_id) "
      "SELECT '8970102000500000016', 'test', 'megafon', 2, case_id FROM sim_cases;";
  ASSERT_TRUE(db.Exec(old).ok());
  const int64_t ticket_id = db.QueryInt("SELECT ticket_id FROM tickets");
  const int64_t case_id = db.QueryInt("SELECT case_id FROM sim_cases");
  ASSERT_GT(case_id, 0);

  auto store = db.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
  EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), latest);

  std::optional<SimCase> c, of_ticket;
  std::vector<CaseRecord> records;
  std::optional<StockCard> card;
  std::optional<Subscriber> sub;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                c = *tx.cases().GetCase("test", case_id);
                of_ticket = *tx.cases().CaseOfTicket("test", ticket_id);
                records = *tx.cases().CaseRecords(case_id);
                card = *tx.cases().GetStockCard("8970102000500000016");
                sub = *tx.cases().GetSubscriber("+79161234567");
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(c && c->form);
  EXPECT_EQ(c->route, CaseRoute::kCounter);
  EXPECT_EQ(c->ticket_id, ticket_id);
  EXPECT_EQ(c->counter_id, "1");
  EXPECT_EQ(c->state, CaseState::kAwaitingIdentity);
  EXPECT_EQ(c->opened, kT0);
  EXPECT_EQ(c->form->phone, "+79161234567");
  EXPECT_EQ(c->form->full_name, "Ivanova Maria");
  EXPECT_EQ(c->form->contact, "ivanova@example.com");
  EXPECT_FALSE(c->remote);
  ASSERT_TRUE(of_ticket);
  EXPECT_EQ(of_ticket->case_id, case_id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].step, "open");
  ASSERT_TRUE(card);
  EXPECT_EQ(card->case_id, case_id);
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->contact, "");
  EXPECT_EQ(sub->address, "");
  EXPECT_EQ(sub->contact_changed, absl::InfinitePast());

  // ticket_id may be NULL now; the rest of the schema holds as before.
  if (pg) {
    EXPECT_EQ(db.Query("SELECT is_nullable FROM information_schema.columns "
                       "WHERE table_name = 'sim_cases' AND column_name = 'ticket_id'")
                  .value(),
              (std::vector<std::vector<std::string>>{{"YES"}}));
  } else {
    EXPECT_EQ(db.QueryInt("SELECT \"notnull\" FROM pragma_table_info('sim_cases') "
                          "WHERE name = 'ticket_id'"),
              0);
    EXPECT_EQ(db.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                       "tbl_name = 'sim_cases' AND sql IS NOT NULL ORDER BY name")
                  .value(),
              (std::vector<std::vector<std::string>>{{"sim_cases_one_per_ticket"},
                                                     {"sim_cases_open_by_phone"},
                                                     {"sim_cases_remote_open"},
                                                     {"sim_cases_to_erase"}}));
    EXPECT_EQ(db.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sim_cases_new'"), 0);
    EXPECT_TRUE(db.Query("PRAGMA foreign_key_check").value().empty());
    EXPECT_EQ(db.Query("PRAGMA integrity_check").value(),
              (std::vector<std::vector<std::string>>{{"ok"}}));
  }
  EXPECT_FALSE(db.Exec("UPDATE sim_case_records SET detail = 'x'").ok())
      << "case records stay immutable";
  EXPECT_FALSE(db.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                       "opened_us, state) VALUES ('test', " + std::to_string(ticket_id) +
                       ", '1', 'x', 0, 1)")
                   .ok())
      << "one case per ticket";
  // The store's own connection checks foreign keys again after migrating.
  EXPECT_FALSE((*store)
                   ->Write([&](WriteTx& tx) {
                     CaseRecord r;
                     r.case_id = case_id + 1000;
                     r.time = kT0;
                     r.step = "open";
                     return tx.cases().AppendCaseRecord(r);
                   })
                   .ok());
  // And the remote route works on the migrated database.
  SimCase remote;
  remote.branch_id = "test";
  remote.route = CaseRoute::kRemote;
  remote.opened_by = "web";
  remote.opened = kT0;
  remote.state = CaseState::kAwaitingReview;
  remote.form = SampleForm("+79162345678");
  remote.remote = SampleDetails("ref-after-migration");
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.cases().InsertCase(remote); }).ok());
  EXPECT_GT(remote.case_id, case_id);
}

}  // namespace
}  // namespace shop::queue
