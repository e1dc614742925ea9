// BookingClient: what the shop's web site does with online bookings, over the
// public BookingService: list the slots of a service with the seats left,
// book a slot, and look up, cancel or move a booking by its code and phone.
// It holds no UI: the `booking` program drives it; a web back end could too.
//
// No credentials are sent (the service is public); the server limits calls
// per client address and answers RESOURCE_EXHAUSTED, with a message saying
// when to retry, beyond the limit. That is returned as is, never retried.
//
// Every method returns the server's grpc::Status (or the last one after
// retries) and fills its out-parameter only when the status is OK. Refusals
// come back unchanged: INVALID_ARGUMENT carries a google.rpc.BadRequest with
// every bad field (see client::FieldErrors in common/client/errors.h).
//
// Retries: ListSlots and Get are retried on UNAVAILABLE and DEADLINE_EXCEEDED
// as CallOptions says. Book is retried too, with ONE request_id per call of
// Book sent on every attempt, so a retry returns the first booking instead of
// booking twice. Cancel and Reschedule carry no request id and are sent
// exactly once (waiting, up to the deadline, for the channel to connect):
// a retry after a lost answer would be refused as "not active" or move twice.
//
// Personal data (name, phone, e-mail) passes through to the request and is
// kept nowhere else; bookings come back with them masked.
//
// Thread-safety: thread-safe; immutable after construction.
// Ownership: owns its stub, which shares the channel given.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/channel.h>

#include "absl/time/time.h"
#include "common/client/rpc.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"

namespace shop::queue::booking {

namespace v1 = ::shop::queue::v1;

// What ListSlots asks for.
struct SlotQuery {
  std::string service_prefix;
  std::string from_date;  // "YYYY-MM-DD" local to the branch; empty: today
  std::string to_date;    // empty: from_date + 6 days
  bool only_free = false;
};

// What a customer fills in to book.
struct NewBooking {
  std::string service_prefix;
  absl::Time start;  // the slot's start, an instant
  std::string name;
  std::string phone;
  std::string email;  // optional
  v1::Language language = v1::LANGUAGE_UNSPECIFIED;
  // Empty: Book makes a fresh one. Give one to make a retry from another
  // process (after a crash) return the first booking.
  std::string request_id;
};

class BookingClient {
 public:
  BookingClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
                client::CallOptions options = {});
  // For tests: any stub (for example a mock).
  BookingClient(std::unique_ptr<v1::BookingService::StubInterface> stub, std::string branch_id,
                client::CallOptions options = {});

  const std::string& branch_id() const { return branch_id_; }

  // The slots (time order) and the branch's time zone.
  grpc::Status ListSlots(const SlotQuery& query, v1::ListSlotsResponse* out) const;

  // Books a seat; `out` gets the booking with its code.
  grpc::Status Book(const NewBooking& booking, v1::Booking* out) const;

  grpc::Status Get(std::string_view code, std::string_view phone, v1::Booking* out) const;
  grpc::Status Cancel(std::string_view code, std::string_view phone, v1::Booking* out) const;
  // Moves the booking to the slot starting at `start`.
  grpc::Status Reschedule(std::string_view code, std::string_view phone, absl::Time start,
                          v1::Booking* out) const;

 private:
  using Stub = v1::BookingService::StubInterface;

  // Sends `request` exactly once (see the retry note above).
  template <typename Request, typename Response>
  grpc::Status SendOnce(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const Request& request, Response* response) const;

  std::unique_ptr<Stub> stub_;
  std::string branch_id_;
  client::CallOptions options_;
};

// `t` as a protobuf Timestamp.
google::protobuf::Timestamp ToTimestamp(absl::Time t);
// A Timestamp as an absl::Time.
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

}  // namespace shop::queue::booking
