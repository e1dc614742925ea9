#include "server/notify/curl_channels.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/clock.h"
#include "server/notify/text_codec.h"

namespace shop::queue::notify {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

void Append(List& list, const std::string& line) {
  curl_slist* l = curl_slist_append(list.get(), line.c_str());
  if (l) {
    (void)list.release();
    list.reset(l);
  }
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// Aborts a transfer once the sender stops.
int Progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

void CommonOptions(CURL* c, absl::Duration connect_timeout, absl::Duration timeout,
                   const std::atomic<bool>& cancel) {
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));
}

// curl's own words for `rc` (no URL, no address: those may be personal).
std::string CurlError(CURLcode rc) { return std::string("curl: ") + curl_easy_strerror(rc); }

class HttpSmsChannel final : public Channel {
 public:
  explicit HttpSmsChannel(SmsGatewayConfig config) : config_(std::move(config)) { GlobalInit(); }

  SendResult Send(const Delivery& d, const std::atomic<bool>& cancel) override {
    const std::map<std::string, std::string> vars = {
        {"to", d.to}, {"text", d.text}, {"key", d.key}, {"language", d.language},
        {"token", config_.token}};
    const std::string url = FillPlaceholders(config_.url, vars, UrlEncode);
    const bool get = config_.method == "GET";
    const std::string body =
        get ? "" : FillPlaceholders(config_.body, vars, EscapeFor(config_.content_type));

    Easy c(curl_easy_init());
    if (!c) return SendResult::Transient("curl: cannot make a handle");
    CommonOptions(c.get(), config_.connect_timeout, config_.timeout, cancel);
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, &Discard);
    List headers;
    Append(headers, "Idempotency-Key: " + d.key);
    if (!get) Append(headers, "Content-Type: " + config_.content_type);
    for (const auto& [name, value] : config_.headers)
      Append(headers, name + ": " + HeaderSafe(FillPlaceholders(value, vars, nullptr)));
    Append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    if (get) {
      curl_easy_setopt(c.get(), CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      if (config_.method != "POST")
        curl_easy_setopt(c.get(), CURLOPT_CUSTOMREQUEST, config_.method.c_str());
    }
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return SendResult::Transient(CurlError(rc));
    long status = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return SendResult::Ok();
    const std::string why = "gateway answered HTTP " + std::to_string(status);
    return GatewayFailure(status) == FailureKind::kTransient ? SendResult::Transient(why)
                                                             : SendResult::Permanent(why);
  }

 private:
  const SmsGatewayConfig config_;
};

// Feeds the message to libcurl's upload.
struct Upload {
  const std::string* data;
  size_t offset = 0;
};
size_t ReadUpload(char* buf, size_t size, size_t n, void* userdata) {
  auto* u = static_cast<Upload*>(userdata);
  const size_t len = std::min(size * n, u->data->size() - u->offset);
  std::copy_n(u->data->data() + u->offset, len, buf);
  u->offset += len;
  return len;
}

class SmtpChannel final : public Channel {
 public:
  explicit SmtpChannel(SmtpConfig config) : config_(std::move(config)) { GlobalInit(); }

  SendResult Send(const Delivery& d, const std::atomic<bool>& cancel) override {
    if (d.to.find('@') == std::string::npos || d.to.find_first_of("<>\r\n ") != std::string::npos)
      return SendResult::Permanent("not an e-mail address");
    const std::string message = MimeMessage({config_.from, d.to, d.title, d.text,
                                             MessageIdFor(d.key, config_.from), absl::Now()});
    Easy c(curl_easy_init());
    if (!c) return SendResult::Transient("curl: cannot make a handle");
    CommonOptions(c.get(), config_.connect_timeout, config_.timeout, cancel);
    curl_easy_setopt(c.get(), CURLOPT_URL, config_.url.c_str());
    // A login needs TLS: with CURLUSESSL_TRY a server that offers no
    // STARTTLS (or a man in the middle who strips it) would get the password
    // in clear.
    const bool tls = config_.require_tls || !config_.user.empty();
    curl_easy_setopt(c.get(), CURLOPT_USE_SSL,
                     static_cast<long>(tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (!config_.user.empty()) {
      curl_easy_setopt(c.get(), CURLOPT_USERNAME, config_.user.c_str());
      curl_easy_setopt(c.get(), CURLOPT_PASSWORD, config_.password.c_str());
    }
    const std::string from = "<" + config_.from + ">";
    curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
    List rcpt;
    Append(rcpt, "<" + d.to + ">");
    curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt.get());
    Upload upload{&message};
    curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, &ReadUpload);
    curl_easy_setopt(c.get(), CURLOPT_READDATA, &upload);
    curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc == CURLE_OK) return SendResult::Ok();
    long reply = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &reply);
    std::string why = CurlError(rc);
    if (reply > 0) why += " (SMTP " + std::to_string(reply) + ")";
    if (reply >= 550 && reply <= 553) return SendResult::Permanent(why);
    return SendResult::Transient(why);
  }

 private:
  const SmtpConfig config_;
};

}  // namespace

FailureKind GatewayFailure(long status) {
  if (status == 408 || status == 429 || status >= 500) return FailureKind::kTransient;
  if (status == 401 || status == 403 || status == 404) return FailureKind::kTransient;
  return FailureKind::kPermanent;
}

std::unique_ptr<Channel> MakeHttpSmsChannel(const SmsGatewayConfig& config) {
  return std::make_unique<HttpSmsChannel>(config);
}

std::unique_ptr<Channel> MakeSmtpChannel(const SmtpConfig& config) {
  return std::make_unique<SmtpChannel>(config);
}

}  // namespace shop::queue::notify
