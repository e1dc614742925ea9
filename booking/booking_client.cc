#include "booking/booking_client.h"

#include <chrono>
#include <utility>

namespace shop::queue::booking {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds toward -infinity
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

BookingClient::BookingClient(std::shared_ptr<grpc::ChannelInterface> channel,
                             std::string branch_id, client::CallOptions options)
    : BookingClient(v1::BookingService::NewStub(channel), std::move(branch_id),
                    std::move(options)) {}

BookingClient::BookingClient(std::unique_ptr<Stub> stub, std::string branch_id,
                             client::CallOptions options)
    : stub_(std::move(stub)), branch_id_(std::move(branch_id)), options_(std::move(options)) {}

template <typename Request, typename Response>
grpc::Status BookingClient::SendOnce(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, Response* response) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  context.set_wait_for_ready(true);  // sent once: wait for a connection, do not retry
  client::AddCredentials(&context, options_);
  return ((*stub_).*method)(&context, request, response);
}

grpc::Status BookingClient::ListSlots(const SlotQuery& query, v1::ListSlotsResponse* out) const {
  v1::ListSlotsRequest request;
  request.set_branch_id(branch_id_);
  request.set_service_prefix(query.service_prefix);
  request.set_from_date(query.from_date);
  request.set_to_date(query.to_date);
  request.set_only_free(query.only_free);
  v1::ListSlotsResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::ListSlots, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status BookingClient::Book(const NewBooking& booking, v1::Booking* out) const {
  v1::CreateBookingRequest request;
  request.set_branch_id(branch_id_);
  request.set_service_prefix(booking.service_prefix);
  *request.mutable_start_time() = ToTimestamp(booking.start);
  request.set_name(booking.name);
  request.set_phone(booking.phone);
  request.set_email(booking.email);
  request.set_language(booking.language);
  // One id for every attempt of this call: a retry returns the first booking.
  request.set_request_id(booking.request_id.empty() ? client::NewRequestId()
                                                    : booking.request_id);
  v1::CreateBookingResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::CreateBooking, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_booking());
  return status;
}

grpc::Status BookingClient::Get(std::string_view code, std::string_view phone,
                                v1::Booking* out) const {
  v1::GetBookingRequest request;
  request.set_code(std::string(code));
  request.set_phone(std::string(phone));
  v1::GetBookingResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::GetBooking, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_booking());
  return status;
}

grpc::Status BookingClient::Cancel(std::string_view code, std::string_view phone,
                                   v1::Booking* out) const {
  v1::CancelBookingRequest request;
  request.set_code(std::string(code));
  request.set_phone(std::string(phone));
  v1::CancelBookingResponse response;
  grpc::Status status = SendOnce(&Stub::CancelBooking, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_booking());
  return status;
}

grpc::Status BookingClient::Reschedule(std::string_view code, std::string_view phone,
                                       absl::Time start, v1::Booking* out) const {
  v1::RescheduleBookingRequest request;
  request.set_code(std::string(code));
  request.set_phone(std::string(phone));
  *request.mutable_start_time() = ToTimestamp(start);
  v1::RescheduleBookingResponse response;
  grpc::Status status = SendOnce(&Stub::RescheduleBooking, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_booking());
  return status;
}

}  // namespace shop::queue::booking
