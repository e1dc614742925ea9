#include "server/domain/common/status.h"

namespace shop::queue {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "INVALID_ARGUMENT";
    case Status::Code::kNotFound: return "NOT_FOUND";
    case Status::Code::kAlreadyExists: return "ALREADY_EXISTS";
    case Status::Code::kFailedPrecondition: return "FAILED_PRECONDITION";
    case Status::Code::kAborted: return "ABORTED";
    case Status::Code::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case Status::Code::kUnavailable: return "UNAVAILABLE";
    case Status::Code::kInternal: return "INTERNAL";
    case Status::Code::kUnauthenticated: return "UNAUTHENTICATED";
    case Status::Code::kPermissionDenied: return "PERMISSION_DENIED";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = CodeName(code_);
  s += ": ";
  s += message_;
  return s;
}

}  // namespace shop::queue

namespace shop::queue {

Status Status::InvalidFields(std::vector<FieldViolation> v) {
  std::string msg;
  for (const auto& f : v) {
    if (!msg.empty()) msg += "; ";
    msg += f.field + ": " + f.description;
  }
  Status st(Code::kInvalidArgument, std::move(msg), v.empty() ? "" : v.front().field);
  st.violations_ = std::move(v);
  return st;
}

std::vector<FieldViolation> Status::violations() const {
  if (!violations_.empty()) return violations_;
  if (code_ == Code::kInvalidArgument && !field_.empty()) {
    std::string prefix = field_ + ": ";
    std::string d = message_.rfind(prefix, 0) == 0 ? message_.substr(prefix.size()) : message_;
    return {{field_, d}};
  }
  return {};
}

}  // namespace shop::queue

namespace shop::queue {

std::string Quoted(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  size_t shown = 0;
  for (unsigned char c : value) {
    if (shown == kMaxQuotedChars) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    ++shown;
  }
  return out + "'";
}

}  // namespace shop::queue
