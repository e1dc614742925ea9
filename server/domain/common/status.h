// Status: the result of a domain operation, as a value (LevelDB style).
//
// A Status is OK or carries a Code, a message for people, and optionally the
// name of the request field at fault. The codes mirror the gRPC status codes we
// use so the service layer can map them one to one, but this header knows
// nothing of gRPC. Result<T> holds either a value or a non-OK Status.
//
// Thread-safety: values; copy freely.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace shop::queue {

// One bad request field and what is wrong with it.
struct FieldViolation {
  std::string field;
  std::string description;
};

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,    // bad input, whatever the state; field() names it
    kNotFound,           // an id that does not exist
    kAlreadyExists,      // a create that collides
    kFailedPrecondition, // the wrong state for this transition
    kAborted,            // a lost race; the caller may retry the whole thing
    kResourceExhausted,  // out of space or a limit reached
    kUnavailable,        // transient; a retry can help
    kInternal,           // a bug or a broken invariant
    kUnauthenticated,    // no valid credentials
    kPermissionDenied,   // valid credentials, wrong role
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string field, std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  // Several bad fields at once (a form): field() is the first, message()
  // lists them all, violations() has each. `v` must not be empty.
  static Status InvalidFields(std::vector<FieldViolation> v);
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) {
    return Status(Code::kAlreadyExists, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }
  static Status ResourceExhausted(std::string msg) {
    return Status(Code::kResourceExhausted, std::move(msg));
  }
  static Status Unavailable(std::string msg) {
    return Status(Code::kUnavailable, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Unauthenticated(std::string msg) {
    return Status(Code::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The request field at fault (for kInvalidArgument), else empty.
  const std::string& field() const { return field_; }
  // Every bad field (for kInvalidArgument); one entry when made by
  // InvalidArgument.
  std::vector<FieldViolation> violations() const;
  std::string ToString() const;

 private:
  Status(Code code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  std::vector<FieldViolation> violations_;  // set by InvalidFields only
};

const char* CodeName(Status::Code code);

// A value from a request, for quoting in a message: at most
// kMaxQuotedChars characters between single quotes, printable ASCII as is,
// every other byte as \xNN, and "..." when cut. Only for identifiers
// (branch, service, counter ids): never pass personal data, which messages
// name masked or not at all. A message quoting a whole 70 kB field could not
// even reach the client (gRPC caps the status size).
inline constexpr size_t kMaxQuotedChars = 32;
std::string Quoted(std::string_view value);

// Either a T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace shop::queue

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define QUEUE_RETURN_IF_ERROR(expr)                 \
  do {                                              \
    ::shop::queue::Status _st = (expr);             \
    if (!_st.ok()) return _st;                      \
  } while (0)
