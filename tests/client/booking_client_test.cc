// The online booking client against a fake BookingService: what each request
// carries, which calls are retried (and that a retried booking keeps its
// request_id), the branch's local time turned into the right instant (Moscow,
// New York across both DST changes), the `booking` commands end to end, the
// text of slots and bookings, and refusals with every bad field.
#include "booking/booking_client.h"

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "booking/booking_commands.h"
#include "booking/booking_format.h"
#include "common/client/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/client/in_process_server.h"

namespace shop::queue::booking {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// An instant given as UTC civil time.
absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

google::protobuf::Timestamp Ts(absl::Time t) { return ToTimestamp(t); }

// INVALID_ARGUMENT as the real server makes it: every violation in a
// google.rpc.BadRequest packed into a google.rpc.Status.
grpc::Status BadFields(const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::BadRequest bad;
  std::string message;
  for (const auto& [field, description] : violations) {
    auto* v = bad.add_field_violations();
    v->set_field(field);
    v->set_description(description);
    message += (message.empty() ? "" : "; ") + field + ": " + description;
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message, details.SerializeAsString());
}

v1::Slot MakeSlot(absl::Time start, absl::Duration length, int seats, int left) {
  v1::Slot slot;
  slot.set_service_prefix("R");
  *slot.mutable_start_time() = Ts(start);
  *slot.mutable_end_time() = Ts(start + length);
  slot.set_seats(seats);
  slot.set_seats_left(left);
  return slot;
}

// A booking as the server returns it (personal data masked).
v1::Booking SampleBooking(absl::Time start) {
  v1::Booking b;
  b.set_code("K7M2-QX9D");
  b.set_branch_id("demo");
  b.set_service_prefix("R");
  *b.mutable_start_time() = Ts(start);
  *b.mutable_end_time() = Ts(start + absl::Minutes(20));
  b.set_state(v1::BOOKING_STATE_ACTIVE);
  b.set_name_masked("I*** P****");
  b.set_phone_masked("+7******4567");
  b.set_language(v1::LANGUAGE_EN);
  *b.mutable_check_in_from() = Ts(start - absl::Minutes(30));
  *b.mutable_check_in_until() = Ts(start + absl::Minutes(15));
  return b;
}

// A BookingService that records every request and answers from its settings.
class FakeBookingService final : public v1::BookingService::Service {
 public:
  std::string time_zone = "Europe/Moscow";
  std::vector<v1::Slot> slots;                  // what ListSlots returns
  std::atomic<int> unavailable_creates{0};      // CreateBooking fails this many times first
  std::atomic<int> unavailable_lists{0};        // ListSlots fails this many times first
  std::atomic<bool> reject_create{false};       // CreateBooking: every bad field
  std::atomic<bool> exhausted{false};           // every call: RESOURCE_EXHAUSTED
  std::atomic<bool> cancel_unavailable{false};  // CancelBooking always UNAVAILABLE
  std::atomic<bool> dated_lists_invalid{false};  // ListSlots with a date: INVALID_ARGUMENT
  std::atomic<bool> slot_full{false};            // CreateBooking: the slot is full

  grpc::Status ListSlots(grpc::ServerContext*, const v1::ListSlotsRequest* request,
                         v1::ListSlotsResponse* response) override {
    Record("ListSlots", *request);
    if (exhausted) return Exhausted();
    if (unavailable_lists.fetch_sub(1) > 0) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "");
    if (dated_lists_invalid && !request->from_date().empty()) {
      return BadFields({{"from_date", "before today"}});
    }
    for (const v1::Slot& slot : slots) *response->add_slots() = slot;
    response->set_time_zone(time_zone);
    return grpc::Status::OK;
  }

  grpc::Status CreateBooking(grpc::ServerContext*, const v1::CreateBookingRequest* request,
                             v1::CreateBookingResponse* response) override {
    Record("CreateBooking", *request);
    if (exhausted) return Exhausted();
    if (unavailable_creates.fetch_sub(1) > 0) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    }
    if (slot_full) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "the slot at 2024-05-01 14:30 is full; choose another time");
    }
    if (reject_create) {
      return BadFields({{"name", "the name is required"},
                        {"phone", "not a Russian mobile number"},
                        {"email", "not an e-mail address"}});
    }
    *response->mutable_booking() = SampleBooking(FromTimestamp(request->start_time()));
    return grpc::Status::OK;
  }

  grpc::Status GetBooking(grpc::ServerContext*, const v1::GetBookingRequest* request,
                          v1::GetBookingResponse* response) override {
    Record("GetBooking", *request);
    if (exhausted) return Exhausted();
    if (request->code() != "K7M2-QX9D") return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such booking");
    *response->mutable_booking() = SampleBooking(Utc(2024, 5, 1, 11, 30));
    return grpc::Status::OK;
  }

  grpc::Status CancelBooking(grpc::ServerContext*, const v1::CancelBookingRequest* request,
                             v1::CancelBookingResponse* response) override {
    Record("CancelBooking", *request);
    if (cancel_unavailable) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy");
    *response->mutable_booking() = SampleBooking(Utc(2024, 5, 1, 11, 30));
    response->mutable_booking()->set_state(v1::BOOKING_STATE_CANCELLED);
    return grpc::Status::OK;
  }

  grpc::Status RescheduleBooking(grpc::ServerContext*, const v1::RescheduleBookingRequest* request,
                                 v1::RescheduleBookingResponse* response) override {
    Record("RescheduleBooking", *request);
    *response->mutable_booking() = SampleBooking(FromTimestamp(request->start_time()));
    return grpc::Status::OK;
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> names;
    for (const auto& [name, bytes] : raw_) names.push_back(name);
    return names;
  }
  template <typename Request>
  std::vector<Request> All(const std::string& method) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Request> out;
    for (const auto& [name, bytes] : raw_) {
      if (name != method) continue;
      out.emplace_back();
      out.back().ParseFromString(bytes);
    }
    return out;
  }
  template <typename Request>
  bool Last(const std::string& method, Request* out) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = raw_.rbegin(); it != raw_.rend(); ++it) {
      if (it->first == method) return out->ParseFromString(it->second);
    }
    return false;
  }

 private:
  static grpc::Status Exhausted() {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "too many requests from this address; retry in 3 s");
  }
  void Record(const std::string& method, const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(mu_);
    raw_.emplace_back(method, request.SerializeAsString());
  }

  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> raw_;
};

class BookingClientTest : public ::testing::Test {
 protected:
  BookingClientTest() : server_({&fake_}) {}

  BookingClient NewClient() {
    client::CallOptions options;
    options.deadline = 2000ms;
    options.first_backoff = 1ms;
    return BookingClient(server_.NewChannel(), "demo", options);
  }

  // Runs a `booking` command line against the fake; returns the exit code.
  int Run(const std::string& command_line) {
    out_.str("");
    err_.str("");
    CLI::App app{"booking"};
    BookingFlags flags;
    BookingCommand command;
    AddBookingCommands(app, flags, command);
    try {
      app.parse(command_line, /*program_name_included=*/false);
    } catch (const CLI::ParseError& e) {
      err_ << e.what();
      return kExitUsageOrConnection;
    }
    BookingIo io{out_, err_};
    return command(NewClient(), io);
  }

  FakeBookingService fake_;
  test_support::InProcessServer server_;
  std::ostringstream out_;
  std::ostringstream err_;
};

NewBooking Customer(absl::Time start) {
  NewBooking b;
  b.service_prefix = "R";
  b.start = start;
  b.name = "Ivan Petrov";
  b.phone = "+7 916 123-45-67";
  b.email = "ivan@example.com";
  b.language = v1::LANGUAGE_EN;
  return b;
}

// --- requests ----------------------------------------------------------------

TEST_F(BookingClientTest, BookCarriesEveryField) {
  ASSERT_TRUE(server_.started());
  v1::Booking booked;
  ASSERT_TRUE(NewClient().Book(Customer(Utc(2024, 5, 1, 11, 30)), &booked).ok());
  EXPECT_EQ(booked.code(), "K7M2-QX9D");
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.branch_id(), "demo");
  EXPECT_EQ(request.service_prefix(), "R");
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 5, 1, 11, 30)));
  EXPECT_EQ(request.start_time().nanos(), 0);
  EXPECT_EQ(request.name(), "Ivan Petrov");
  EXPECT_EQ(request.phone(), "+7 916 123-45-67");
  EXPECT_EQ(request.email(), "ivan@example.com");
  EXPECT_EQ(request.language(), v1::LANGUAGE_EN);
  EXPECT_EQ(request.request_id().size(), 32u);
}

TEST_F(BookingClientTest, RetriedBookingKeepsItsRequestIdAndANewBookingGetsANewOne) {
  fake_.unavailable_creates = 2;
  const BookingClient client = NewClient();
  v1::Booking booked;
  grpc::Status status = client.Book(Customer(Utc(2024, 5, 1, 11, 30)), &booked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto requests = fake_.All<v1::CreateBookingRequest>("CreateBooking");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].request_id(), requests[0].request_id());
  EXPECT_EQ(requests[2].request_id(), requests[0].request_id());

  ASSERT_TRUE(client.Book(Customer(Utc(2024, 5, 1, 11, 50)), &booked).ok());
  requests = fake_.All<v1::CreateBookingRequest>("CreateBooking");
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[3].request_id(), requests[0].request_id());
}

TEST_F(BookingClientTest, AGivenRequestIdIsSentAsIs) {
  NewBooking b = Customer(Utc(2024, 5, 1, 11, 30));
  b.request_id = "site-order-17";
  v1::Booking booked;
  ASSERT_TRUE(NewClient().Book(b, &booked).ok());
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.request_id(), "site-order-17");
}

TEST_F(BookingClientTest, ListSlotsIsRetriedAndCarriesTheQuery) {
  fake_.unavailable_lists = 1;
  v1::ListSlotsResponse response;
  ASSERT_TRUE(NewClient().ListSlots({"N", "2024-05-01", "2024-05-03", true}, &response).ok());
  EXPECT_EQ(response.time_zone(), "Europe/Moscow");
  const auto requests = fake_.All<v1::ListSlotsRequest>("ListSlots");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].branch_id(), "demo");
  EXPECT_EQ(requests[1].service_prefix(), "N");
  EXPECT_EQ(requests[1].from_date(), "2024-05-01");
  EXPECT_EQ(requests[1].to_date(), "2024-05-03");
  EXPECT_TRUE(requests[1].only_free());
}

TEST_F(BookingClientTest, CancelIsSentOnce) {
  fake_.cancel_unavailable = true;
  v1::Booking b;
  EXPECT_EQ(NewClient().Cancel("K7M2-QX9D", "+79161234567", &b).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"CancelBooking"});
  v1::CancelBookingRequest request;
  ASSERT_TRUE(fake_.Last("CancelBooking", &request));
  EXPECT_EQ(request.code(), "K7M2-QX9D");
  EXPECT_EQ(request.phone(), "+79161234567");
}

TEST_F(BookingClientTest, RescheduleCarriesTheNewStart) {
  v1::Booking b;
  ASSERT_TRUE(NewClient().Reschedule("K7M2QX9D", "+79161234567", Utc(2024, 5, 2, 7, 0), &b).ok());
  v1::RescheduleBookingRequest request;
  ASSERT_TRUE(fake_.Last("RescheduleBooking", &request));
  EXPECT_EQ(request.code(), "K7M2QX9D");
  EXPECT_EQ(request.phone(), "+79161234567");
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 5, 2, 7, 0)));
}

// --- local time -> instant ----------------------------------------------------

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << "tzdata missing for " << name;
  return zone;
}

TEST(LocalTimeTest, ParsesTheUsualForms) {
  auto t = ParseLocalTime("2024-05-01 14:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->civil, absl::CivilMinute(2024, 5, 1, 14, 30));
  EXPECT_FALSE(t->utc_offset);
  ASSERT_TRUE(ParseLocalTime(" 2024-05-01T14:30 "));
  t = ParseLocalTime("2024-11-03 01:30 -04:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->utc_offset, absl::Hours(-4));
  t = ParseLocalTime("2024-11-03 01:30+0530");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->utc_offset, absl::Hours(5) + absl::Minutes(30));
  EXPECT_EQ(*ParseLocalTime("2024-11-03 01:30Z")->utc_offset, absl::ZeroDuration());

  for (const char* bad : {"", "2024-05-01", "14:30", "2024-5-1 14:30", "2024-02-30 10:00",
                          "2024-05-01 24:00", "2024-05-01 14:60", "2024-05-01 14:30 moscow",
                          "2024/05/01 14:30", "2024-05-01 14:30 +3"}) {
    EXPECT_FALSE(ParseLocalTime(bad)) << bad;
  }
  EXPECT_TRUE(IsDate("2024-02-29"));
  EXPECT_FALSE(IsDate("2023-02-29"));
  EXPECT_FALSE(IsDate("2024-05-01 10:00"));
}

TEST(LocalTimeTest, MoscowIsThreeHoursAheadOfUtc) {
  const Instant i = ToInstant(*ParseLocalTime("2024-05-01 14:30"), Zone("Europe/Moscow"),
                              "Europe/Moscow");
  ASSERT_TRUE(i.time) << i.error;
  EXPECT_EQ(*i.time, Utc(2024, 5, 1, 11, 30));
}

TEST(LocalTimeTest, NewYorkAcrossTheSpringChange) {
  const absl::TimeZone ny = Zone("America/New_York");
  // The clocks go forward on 2024-03-10 at 02:00 (EST -5 -> EDT -4).
  Instant before = ToInstant(*ParseLocalTime("2024-03-09 09:00"), ny, "America/New_York");
  Instant after = ToInstant(*ParseLocalTime("2024-03-11 09:00"), ny, "America/New_York");
  ASSERT_TRUE(before.time && after.time);
  EXPECT_EQ(*before.time, Utc(2024, 3, 9, 14, 0));
  EXPECT_EQ(*after.time, Utc(2024, 3, 11, 13, 0));
  // Same day, either side of the change.
  EXPECT_EQ(*ToInstant(*ParseLocalTime("2024-03-10 01:30"), ny, "").time, Utc(2024, 3, 10, 6, 30));
  EXPECT_EQ(*ToInstant(*ParseLocalTime("2024-03-10 03:30"), ny, "").time, Utc(2024, 3, 10, 7, 30));

  const Instant skipped = ToInstant(*ParseLocalTime("2024-03-10 02:30"), ny, "America/New_York");
  EXPECT_FALSE(skipped.time);
  EXPECT_THAT(skipped.error, HasSubstr("2024-03-10 02:30 does not exist in America/New_York"));
}

TEST(LocalTimeTest, NewYorkAutumnTimeThatHappensTwice) {
  const absl::TimeZone ny = Zone("America/New_York");
  const LocalTime twice = *ParseLocalTime("2024-11-03 01:30");
  const absl::Time first = Utc(2024, 11, 3, 5, 30);   // EDT, -04:00
  const absl::Time second = Utc(2024, 11, 3, 6, 30);  // EST, -05:00

  const Instant unsettled = ToInstant(twice, ny, "America/New_York");
  EXPECT_FALSE(unsettled.time);
  EXPECT_THAT(unsettled.error, HasSubstr("happens twice in America/New_York"));
  EXPECT_THAT(unsettled.error, HasSubstr("\"2024-11-03 01:30 -04:00\""));
  EXPECT_THAT(unsettled.error, HasSubstr("\"2024-11-03 01:30 -05:00\""));

  // The day's slots settle it when only one occurrence starts a slot.
  const std::vector<v1::Slot> only_second = {MakeSlot(second, absl::Minutes(30), 2, 2)};
  EXPECT_EQ(*ToInstant(twice, ny, "America/New_York", only_second).time, second);
  const std::vector<v1::Slot> both = {MakeSlot(first, absl::Minutes(30), 2, 2),
                                      MakeSlot(second, absl::Minutes(30), 2, 2)};
  EXPECT_FALSE(ToInstant(twice, ny, "America/New_York", both).time);

  // So does a typed offset, if the zone has it then.
  EXPECT_EQ(*ToInstant(*ParseLocalTime("2024-11-03 01:30 -04:00"), ny, "").time, first);
  EXPECT_EQ(*ToInstant(*ParseLocalTime("2024-11-03 01:30 -05:00"), ny, "").time, second);
  const Instant wrong = ToInstant(*ParseLocalTime("2024-11-03 01:30 +03:00"), ny, "America/New_York");
  EXPECT_FALSE(wrong.time);
  EXPECT_THAT(wrong.error, HasSubstr("is not a local time in America/New_York"));
  // The day after, 09:00 is EST again.
  EXPECT_EQ(*ToInstant(*ParseLocalTime("2024-11-04 09:00"), ny, "").time, Utc(2024, 11, 4, 14, 0));
}

// --- the commands --------------------------------------------------------------

TEST_F(BookingClientTest, BookCommandPlacesTheLocalTimeInTheZoneListSlotsNames) {
  fake_.time_zone = "America/New_York";
  ASSERT_EQ(Run("book --service R --at \"2024-03-11 09:00\" --name \"Ivan Petrov\" "
                "--phone \"+7 916 123-45-67\" --lang zh"),
            0)
      << err_.str();
  const auto lists = fake_.All<v1::ListSlotsRequest>("ListSlots");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].from_date(), "2024-03-11");
  EXPECT_EQ(lists[0].to_date(), "2024-03-11");
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 3, 11, 13, 0)));
  EXPECT_EQ(request.language(), v1::LANGUAGE_ZH);
  EXPECT_EQ(request.email(), "");
  // Shown back in the branch's zone, with the code prominent.
  EXPECT_THAT(out_.str(), HasSubstr("Booked: service R, Mon 2024-03-11 09:00-09:20 "
                                    "(America/New_York)"));
  EXPECT_THAT(out_.str(), HasSubstr("YOUR BOOKING CODE:  K7M2-QX9D"));
  EXPECT_THAT(out_.str(), HasSubstr("from 08:30 until 09:15"));
  // Nothing personal is printed but what the server masked.
  EXPECT_THAT(out_.str() + err_.str(), Not(HasSubstr("916 123")));
  EXPECT_THAT(out_.str() + err_.str(), Not(HasSubstr("Petrov")));
}

TEST_F(BookingClientTest, BookCommandBeforeTheSpringChangeUsesStandardTime) {
  fake_.time_zone = "America/New_York";
  ASSERT_EQ(Run("book --service R --at \"2024-03-09 09:00\" --name N --phone P"), 0) << err_.str();
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 3, 9, 14, 0)));
}

TEST_F(BookingClientTest, BookCommandInMoscow) {
  ASSERT_EQ(Run("book --service R --at 2024-05-01T14:30 --name N --phone P"), 0) << err_.str();
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 5, 1, 11, 30)));
}

TEST_F(BookingClientTest, BookCommandSettlesARepeatedHourWithTheDaysSlots) {
  fake_.time_zone = "America/New_York";
  fake_.slots = {MakeSlot(Utc(2024, 11, 3, 6, 30), absl::Minutes(20), 2, 1)};  // 01:30 EST
  ASSERT_EQ(Run("book --service R --at \"2024-11-03 01:30\" --name N --phone P"), 0) << err_.str();
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 11, 3, 6, 30)));
}

TEST_F(BookingClientTest, BookCommandRefusesATimeThatDoesNotExist) {
  fake_.time_zone = "America/New_York";
  EXPECT_EQ(Run("book --service R --at \"2024-03-10 02:30\" --name N --phone P"),
            kExitUsageOrConnection);
  EXPECT_THAT(err_.str(), HasSubstr("does not exist in America/New_York"));
  EXPECT_THAT(fake_.calls(), Not(::testing::Contains("CreateBooking")));
}

TEST_F(BookingClientTest, BookCommandGetsTheZoneEvenWhenTheDateIsRefusedForListing) {
  fake_.dated_lists_invalid = true;
  ASSERT_EQ(Run("book --service R --at \"2024-05-01 14:30\" --name N --phone P"), 0) << err_.str();
  const auto lists = fake_.All<v1::ListSlotsRequest>("ListSlots");
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[1].from_date(), "");
  v1::CreateBookingRequest request;
  ASSERT_TRUE(fake_.Last("CreateBooking", &request));
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 5, 1, 11, 30)));
}

TEST_F(BookingClientTest, BookCommandPrintsEveryBadField) {
  fake_.reject_create = true;
  EXPECT_EQ(Run("book --service R --at \"2024-05-01 14:30\""), kExitRefused);
  EXPECT_EQ(err_.str(),
            "Please check what you entered:\n"
            "  name: the name is required\n"
            "  phone: not a Russian mobile number\n"
            "  email: not an e-mail address\n");
}

TEST_F(BookingClientTest, RateLimitIsARefusalWithTheServersAdvice) {
  fake_.exhausted = true;
  EXPECT_EQ(Run("slots --service R"), kExitRefused);
  EXPECT_EQ(err_.str(), "Too many requests. Please try again in 3 s.\n");
  EXPECT_EQ(fake_.calls().size(), 1u);  // not retried
}

TEST_F(BookingClientTest, UsageErrors) {
  EXPECT_EQ(Run("book --service R --at \"tomorrow 10:00\" --name N --phone P"),
            kExitUsageOrConnection);
  EXPECT_THAT(err_.str(), HasSubstr("YYYY-MM-DD HH:MM"));
  EXPECT_EQ(Run("slots --service R --from 2024-13-01"), kExitUsageOrConnection);
  EXPECT_EQ(Run("show --code K7M2-QX9D"), kExitUsageOrConnection);  // no --phone
  EXPECT_EQ(Run("book --at \"2024-05-01 14:30\""), kExitUsageOrConnection);  // no --service
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(BookingClientTest, UnreachableServerIsExitCodeTwo) {
  std::ostringstream out, err;
  BookingIo io{out, err};
  const auto refused = [&io](grpc::StatusCode code, const std::string& message) {
    return Refused(io, grpc::Status(code, message), client::CustomerAction::kShowBooking,
                   v1::LANGUAGE_EN);
  };
  EXPECT_EQ(refused(grpc::StatusCode::UNAVAILABLE, "down"), kExitUsageOrConnection);
  EXPECT_EQ(refused(grpc::StatusCode::DEADLINE_EXCEEDED, ""), kExitUsageOrConnection);
  EXPECT_EQ(refused(grpc::StatusCode::NOT_FOUND, "no"), kExitRefused);
  EXPECT_EQ(refused(grpc::StatusCode::FAILED_PRECONDITION, "full"), kExitRefused);
}

TEST_F(BookingClientTest, SlotsCommandPassesTheQueryAndPrintsLocalTimes) {
  const absl::Time start = Utc(2024, 5, 1, 11, 0);  // 14:00 Moscow
  fake_.slots = {MakeSlot(start, absl::Minutes(20), 2, 2),
                 MakeSlot(start + absl::Minutes(20), absl::Minutes(20), 2, 0)};
  ASSERT_EQ(Run("slots --service R --from 2024-05-01 --to 2024-05-02 --free"), 0) << err_.str();
  v1::ListSlotsRequest request;
  ASSERT_TRUE(fake_.Last("ListSlots", &request));
  EXPECT_EQ(request.from_date(), "2024-05-01");
  EXPECT_EQ(request.to_date(), "2024-05-02");
  EXPECT_TRUE(request.only_free());
  EXPECT_THAT(out_.str(), HasSubstr("14:00-14:20  2 of 2 seats left\n"));
}

TEST_F(BookingClientTest, ShowCancelAndMove) {
  ASSERT_EQ(Run("show --code K7M2-QX9D --phone +79161234567"), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Booking K7M2-QX9D: active\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Wed 2024-05-01 14:30-14:50 (Europe/Moscow)"));

  ASSERT_EQ(Run("cancel --code K7M2-QX9D --phone +79161234567"), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Cancelled.\nBooking K7M2-QX9D: cancelled\n"));

  fake_.time_zone = "America/New_York";
  ASSERT_EQ(Run("move --code K7M2-QX9D --phone +79161234567 --at \"2024-11-04 09:00\""), 0)
      << err_.str();
  v1::RescheduleBookingRequest request;
  ASSERT_TRUE(fake_.Last("RescheduleBooking", &request));
  EXPECT_EQ(request.code(), "K7M2-QX9D");
  EXPECT_EQ(request.start_time().seconds(), absl::ToUnixSeconds(Utc(2024, 11, 4, 14, 0)));
  v1::ListSlotsRequest list;
  ASSERT_TRUE(fake_.Last("ListSlots", &list));
  EXPECT_EQ(list.service_prefix(), "R");  // the booking's service, from GetBooking
  EXPECT_EQ(list.from_date(), "2024-11-04");
  EXPECT_THAT(out_.str(), HasSubstr("Moved: service R, Mon 2024-11-04 09:00-09:20"));

  EXPECT_EQ(Run("show --code WRONG --phone +79161234567"), kExitRefused);
  EXPECT_EQ(err_.str(),
            "No booking was found with this code and phone number. Please check both and try "
            "again.\n");
}

// Customers read a sentence in their language (--lang) and what to do, not
// the code and the server's message (issue 11).
TEST_F(BookingClientTest, RefusalsAreSentencesInTheCustomersLanguage) {
  fake_.slot_full = true;
  EXPECT_EQ(Run("book --service R --at \"2024-05-01 14:30\" --name N --phone P --lang zh"),
            kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("该时段已约满。请选择其他时间。"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("FAILED_PRECONDITION")));
  EXPECT_THAT(err_.str(), Not(HasSubstr("is full")));

  EXPECT_EQ(Run("show --code WRONG --phone +79161234567 --lang ru"), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("Запись с таким кодом и номером телефона не найдена."));
  EXPECT_THAT(err_.str(), Not(HasSubstr("NOT_FOUND")));

  // Without --lang: English, like the rest of the program's text.
  EXPECT_EQ(Run("show --code WRONG --phone +79161234567"), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("No booking was found with this code and phone number."));
}

TEST(BookingCommandsTest, UnreachableServerIsASentenceForTheCustomer) {
  client::CallOptions options;
  options.deadline = 500ms;
  options.first_backoff = 1ms;
  options.max_attempts = 2;
  const BookingClient client(client::MakeChannel("127.0.0.1:1"), "demo", options);
  CLI::App app{"booking"};
  BookingFlags flags;
  BookingCommand command;
  AddBookingCommands(app, flags, command);
  app.parse("slots --service R --lang zh", /*program_name_included=*/false);
  std::ostringstream out, err;
  BookingIo io{out, err};
  EXPECT_EQ(command(client, io), kExitUsageOrConnection);
  EXPECT_THAT(err.str(), HasSubstr("系统暂时无法使用。请一分钟后再试，或咨询工作人员。"));
  EXPECT_THAT(err.str(), Not(HasSubstr("UNAVAILABLE")));
}

// --- text ----------------------------------------------------------------------

TEST(BookingFormatTest, SlotsGroupedByLocalDay) {
  v1::ListSlotsResponse r;
  r.set_time_zone("Europe/Moscow");
  const absl::Time day1 = Utc(2024, 5, 1, 20, 20);  // 23:20 Moscow, Wednesday
  *r.add_slots() = MakeSlot(day1, absl::Minutes(20), 2, 2);
  *r.add_slots() = MakeSlot(day1 + absl::Minutes(20), absl::Minutes(20), 2, 0);
  *r.add_slots() = MakeSlot(day1 + absl::Minutes(40), absl::Minutes(20), 1, 1);
  EXPECT_EQ(FormatSlots(r, "R", false),
            "Service R, times in Europe/Moscow\n"
            "Wed 2024-05-01\n"
            "  23:20-23:40  2 of 2 seats left\n"
            "  23:40-00:00  full\n"
            "Thu 2024-05-02\n"
            "  00:00-00:20  1 of 1 seat left\n");
  EXPECT_EQ(FormatSlots(v1::ListSlotsResponse(), "R", true),
            "Service R: no free slots between those dates\n");
  EXPECT_EQ(FormatSlots(v1::ListSlotsResponse(), "R", false),
            "Service R: no slots between those dates\n");
}

TEST(BookingFormatTest, SlotsInAZoneThisMachineDoesNotKnowAreShownInUtc) {
  v1::ListSlotsResponse r;
  r.set_time_zone("Mars/Olympus_Mons");
  *r.add_slots() = MakeSlot(Utc(2024, 5, 1, 11, 0), absl::Minutes(20), 2, 2);
  const std::string text = FormatSlots(r, "R", false);
  EXPECT_THAT(text, HasSubstr("times in UTC (the zone Mars/Olympus_Mons is unknown here)"));
  EXPECT_THAT(text, HasSubstr("  11:00-11:20"));
}

TEST(BookingFormatTest, Confirmation) {
  const v1::Booking b = SampleBooking(Utc(2024, 5, 1, 11, 30));
  EXPECT_EQ(FormatConfirmation(b, "Europe/Moscow", "Booked"),
            "Booked: service R, Wed 2024-05-01 14:30-14:50 (Europe/Moscow)\n"
            "\n"
            "  =====================================\n"
            "      YOUR BOOKING CODE:  K7M2-QX9D\n"
            "  =====================================\n"
            "\n"
            "Check in at the kiosk in the branch from 14:00 until 14:45 (Wed 2024-05-01): "
            "type the code there to get your ticket.\n"
            "After 14:45 the kiosk gives an ordinary walk-in ticket.\n"
            "Bring this code with you. To see, move or cancel the booking, give the code and "
            "the phone it was booked with (+7******4567).\n");
}

TEST(BookingFormatTest, CheckInWindowOverMidnightNamesTheDay) {
  const v1::Booking b = SampleBooking(Utc(2024, 5, 1, 21, 10));  // 00:10 Moscow on 05-02
  EXPECT_THAT(FormatBooking(b, "Europe/Moscow"),
              HasSubstr("check-in at the kiosk from Wed 2024-05-01 23:40 until 00:25\n"));
}

TEST(BookingFormatTest, BookingByState) {
  v1::Booking b = SampleBooking(Utc(2024, 5, 1, 11, 30));
  EXPECT_EQ(FormatBooking(b, "Europe/Moscow"),
            "Booking K7M2-QX9D: active\n"
            "  service R, Wed 2024-05-01 14:30-14:50 (Europe/Moscow)\n"
            "  check-in at the kiosk from 14:00 until 14:45\n"
            "  name I*** P****  phone +7******4567  language en\n");
  b.set_state(v1::BOOKING_STATE_CHECKED_IN);
  b.set_ticket_id(42);
  EXPECT_EQ(FormatBooking(b, "Europe/Moscow"),
            "Booking K7M2-QX9D: checked in\n"
            "  service R, Wed 2024-05-01 14:30-14:50 (Europe/Moscow)\n"
            "  name I*** P****  phone +7******4567  language en\n"
            "  ticket id 42\n");
  b.set_state(v1::BOOKING_STATE_NO_SHOW);
  EXPECT_THAT(FormatBooking(b, ""), HasSubstr("Booking K7M2-QX9D: no-show\n"));
  EXPECT_THAT(FormatBooking(b, ""), HasSubstr("(this machine's zone)"));
}

TEST(BookingFormatTest, ClientFieldErrorsMatchTheCounters) {
  const grpc::Status status = BadFields({{"phone", "not a Russian mobile number"},
                                         {"start_time", "not a slot"}});
  EXPECT_EQ(client::FieldErrors(status),
            "  phone: not a Russian mobile number\n  start_time: not a slot");
  EXPECT_EQ(client::DescribeRefusal(status),
            "INVALID_ARGUMENT: correct these fields:\n" + client::FieldErrors(status));
  EXPECT_EQ(client::DescribeRefusal(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such booking")),
            "NOT_FOUND: no such booking");
  EXPECT_EQ(client::FieldErrors(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such booking")),
            "  no such booking");
}

}  // namespace
}  // namespace shop::queue::booking
