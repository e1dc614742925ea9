#include "server/domain/outbox/delivery.h"

#include <algorithm>
#include <cctype>

namespace shop::queue {

Status RetryPolicy::Validate() const {
  if (max_attempts < 1) return Status::InvalidArgument("notify.max_attempts", "must be at least 1");
  if (base <= absl::ZeroDuration())
    return Status::InvalidArgument("notify.retry_base", "must be positive");
  if (cap < base) return Status::InvalidArgument("notify.retry_cap", "must not be below retry_base");
  return Status::Ok();
}

absl::Duration BackoffDelay(const RetryPolicy& policy, int attempts, double unit) {
  absl::Duration delay = policy.base;
  for (int i = 1; i < attempts && delay < policy.cap; ++i) delay *= 2;
  delay = std::min(delay, policy.cap);
  if (!policy.jitter) return delay;
  unit = std::clamp(unit, 0.0, 1.0);
  return delay / 2 + (delay / 2) * unit;
}

AfterFailure NextAfterFailure(const RetryPolicy& policy, int attempts_before, FailureKind kind,
                              absl::Time now, double unit) {
  AfterFailure out;
  out.attempts = std::max(attempts_before, 0) + 1;
  out.dead = kind == FailureKind::kPermanent || out.attempts >= policy.max_attempts;
  out.next_try = out.dead ? now : now + BackoffDelay(policy, out.attempts, unit);
  return out;
}

std::string IdempotencyKey(int64_t id, absl::Time created) {
  return "outbox-" + std::to_string(id) + "-" + std::to_string(absl::ToUnixMicros(created));
}

std::string SafeError(std::string_view raw) {
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
      continue;
    }
    // A word (up to whitespace) with '@' in it: an address.
    if (!std::isspace(static_cast<unsigned char>(c))) {
      size_t end = i;
      while (end < raw.size() && !std::isspace(static_cast<unsigned char>(raw[end]))) ++end;
      const std::string_view word = raw.substr(i, end - i);
      if (word.find('@') != std::string_view::npos) {
        out += "<address>";
        i = end;
        continue;
      }
      // Within the word, long digit runs (phones) go.
      for (size_t j = i; j < end;) {
        if (std::isdigit(static_cast<unsigned char>(raw[j]))) {
          size_t k = j;
          while (k < end && std::isdigit(static_cast<unsigned char>(raw[k]))) ++k;
          if (k - j >= 5)
            out += '#';
          else
            out.append(raw.substr(j, k - j));
          j = k;
        } else {
          out += raw[j++];
        }
      }
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  if (out.size() > kMaxErrorBytes) {
    size_t cut = kMaxErrorBytes;
    // Back off continuation bytes (10xxxxxx) so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace shop::queue
