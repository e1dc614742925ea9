// Refusals with every bad field, for client programs other than the counter
// (which keeps its own copy in counter/case_format.h; the text is the same).
//
// The server answers bad input with INVALID_ARGUMENT and a google.rpc.Status
// in the details holding a google.rpc.BadRequest with one violation per bad
// field. These functions turn that into lines for people.
//
// Header-only (inline) so that it needs no change to the queue_client
// library's source list; it uses only the generated google.rpc messages that
// queue_proto already carries.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "common/client/rpc.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace shop::queue::client {

// (field, description) for each violation of each google.rpc.BadRequest in
// the status details, in the server's order; empty when there are none (or
// the details do not parse).
inline std::vector<std::pair<std::string, std::string>> FieldViolations(
    const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& violation : bad.field_violations()) {
      out.emplace_back(violation.field(), violation.description());
    }
  }
  return out;
}

// Every field violation, one per line as "  phone: <description>" (no final
// newline). Without such details: "  " + the status message.
inline std::string FieldErrors(const grpc::Status& status) {
  const auto violations = FieldViolations(status);
  if (violations.empty()) return "  " + status.error_message();
  std::string text;
  for (const auto& [field, description] : violations) {
    if (!text.empty()) text += '\n';
    text += "  " + field + ": " + description;
  }
  return text;
}

// A refusal for people: "CODE: message"; when the status carries field
// violations, "CODE: correct these fields:" followed by the FieldErrors
// lines. No final newline.
inline std::string DescribeRefusal(const grpc::Status& status) {
  if (FieldViolations(status).empty()) return DescribeStatus(status);
  return std::string(StatusCodeName(status.error_code())) + ": correct these fields:\n" +
         FieldErrors(status);
}

}  // namespace shop::queue::client
