#include "server/config/notify_config_loader.h"

#include <cstdlib>
#include <fstream>
#include <set>

namespace shop::queue {

namespace {

Status Bad(const std::string& origin, const std::string& key, const std::string& msg) {
  return Status::InvalidArgument(key, origin + ": " + key + ": " + msg);
}

Status OnlyKeys(const toml::table& t, const std::set<std::string>& keys, const std::string& path,
                const std::string& origin) {
  for (const auto& [k, v] : t)
    if (!keys.count(std::string(k.str())))
      return Bad(origin, path + "." + std::string(k.str()), "unknown key");
  return Status::Ok();
}

Status String(const toml::table& t, const char* key, std::string& out, const std::string& path,
              const std::string& origin) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value<std::string>();
  if (!v) return Bad(origin, path + "." + key, "must be a string");
  out = *v;
  return Status::Ok();
}

Status Bool(const toml::table& t, const char* key, bool& out, const std::string& path,
            const std::string& origin) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value_exact<bool>();
  if (!v) return Bad(origin, path + "." + key, "must be true or false");
  out = *v;
  return Status::Ok();
}

// Seconds (an integer or a fraction) in [lo, hi].
Status Seconds(const toml::table& t, const char* key, double lo, double hi, absl::Duration& out,
               const std::string& path, const std::string& origin) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  std::optional<double> v;
  if (auto i = n->value_exact<int64_t>()) v = static_cast<double>(*i);
  if (auto d = n->value_exact<double>()) v = *d;
  if (!v || *v < lo || *v > hi)
    return Bad(origin, path + "." + key,
               "must be a number of seconds " + std::to_string(lo) + ".." + std::to_string(hi));
  out = absl::Seconds(*v);
  return Status::Ok();
}

Status Int(const toml::table& t, const char* key, int lo, int hi, int& out,
           const std::string& path, const std::string& origin) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value_exact<int64_t>();
  if (!v || *v < lo || *v > hi)
    return Bad(origin, path + "." + key,
               "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi));
  out = static_cast<int>(*v);
  return Status::Ok();
}

// `s` without trailing whitespace (spaces, tabs, CR, LF): what an editor or
// `echo` leaves after a secret, and what must not reach a header.
void TrimTrailingSpace(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n' || s.back() == '\v' || s.back() == '\f'))
    s.pop_back();
}

// A secret from `<name>_file` (its first line) or `<name>_env`, without
// trailing whitespace; never inline, so configuration files can be shown and
// kept in version control.
Status Secret(const toml::table& t, const std::string& name, std::string& out,
              const std::string& path, const std::string& origin) {
  if (t.get(name))
    return Bad(origin, path + "." + name,
               "no secrets inline: use " + name + "_file or " + name + "_env");
  std::string file, env;
  QUEUE_RETURN_IF_ERROR(String(t, (name + "_file").c_str(), file, path, origin));
  QUEUE_RETURN_IF_ERROR(String(t, (name + "_env").c_str(), env, path, origin));
  if (!file.empty() && !env.empty())
    return Bad(origin, path + "." + name + "_file", "give " + name + "_file or " + name +
                                                        "_env, not both");
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return Bad(origin, path + "." + name + "_file", "cannot read " + file);
    std::getline(in, out);
    TrimTrailingSpace(out);
    if (out.empty()) return Bad(origin, path + "." + name + "_file", file + " is empty");
  }
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    out = v ? v : "";
    TrimTrailingSpace(out);
    if (out.empty())
      return Bad(origin, path + "." + name + "_env",
                 "environment variable " + env + " is unset or blank");
  }
  return Status::Ok();
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

Status ParseSmtp(const toml::table& t, SmtpConfig& c, const std::string& origin) {
  const std::string path = "notify.smtp";
  QUEUE_RETURN_IF_ERROR(OnlyKeys(t,
                                 {"url", "from", "user", "password_file", "password_env",
                                  "require_tls", "connect_timeout_seconds", "timeout_seconds"},
                                 path, origin));
  QUEUE_RETURN_IF_ERROR(String(t, "url", c.url, path, origin));
  if (!StartsWith(c.url, "smtp://") && !StartsWith(c.url, "smtps://"))
    return Bad(origin, path + ".url", "must be smtp://HOST[:PORT] or smtps://HOST[:PORT]");
  QUEUE_RETURN_IF_ERROR(String(t, "from", c.from, path, origin));
  if (c.from.find('@') == std::string::npos || c.from.find_first_of("<>\r\n ") != std::string::npos)
    return Bad(origin, path + ".from", "must be an e-mail address (queue@shop.ru)");
  QUEUE_RETURN_IF_ERROR(String(t, "user", c.user, path, origin));
  QUEUE_RETURN_IF_ERROR(Secret(t, "password", c.password, path, origin));
  if (!c.password.empty() && c.user.empty())
    return Bad(origin, path + ".user", "a password needs a user");
  QUEUE_RETURN_IF_ERROR(Bool(t, "require_tls", c.require_tls, path, origin));
  QUEUE_RETURN_IF_ERROR(
      Seconds(t, "connect_timeout_seconds", 0.1, 300, c.connect_timeout, path, origin));
  QUEUE_RETURN_IF_ERROR(Seconds(t, "timeout_seconds", 0.1, 600, c.timeout, path, origin));
  return Status::Ok();
}

Status ParseSms(const toml::table& t, SmsGatewayConfig& c, const std::string& origin) {
  const std::string path = "notify.sms";
  QUEUE_RETURN_IF_ERROR(OnlyKeys(t,
                                 {"url", "method", "content_type", "body", "headers",
                                  "token_file", "token_env", "connect_timeout_seconds",
                                  "timeout_seconds"},
                                 path, origin));
  QUEUE_RETURN_IF_ERROR(String(t, "url", c.url, path, origin));
  if (!StartsWith(c.url, "http://") && !StartsWith(c.url, "https://"))
    return Bad(origin, path + ".url", "must be an http:// or https:// address");
  QUEUE_RETURN_IF_ERROR(String(t, "method", c.method, path, origin));
  if (c.method != "GET" && c.method != "POST" && c.method != "PUT")
    return Bad(origin, path + ".method", "must be GET, POST or PUT");
  QUEUE_RETURN_IF_ERROR(String(t, "content_type", c.content_type, path, origin));
  QUEUE_RETURN_IF_ERROR(String(t, "body", c.body, path, origin));
  if (const toml::node* n = t.get("headers")) {
    const toml::table* h = n->as_table();
    if (!h) return Bad(origin, path + ".headers", "must be a table of header = \"value\"");
    for (const auto& [k, v] : *h) {
      auto value = v.value<std::string>();
      const std::string name(k.str());
      if (!value || name.empty() || name.find_first_of(": \r\n") != std::string::npos ||
          value->find_first_of("\r\n") != std::string::npos)
        return Bad(origin, path + ".headers." + name, "must be a header name = \"value\"");
      c.headers.emplace_back(name, *value);
    }
  }
  QUEUE_RETURN_IF_ERROR(Secret(t, "token", c.token, path, origin));
  QUEUE_RETURN_IF_ERROR(
      Seconds(t, "connect_timeout_seconds", 0.1, 300, c.connect_timeout, path, origin));
  QUEUE_RETURN_IF_ERROR(Seconds(t, "timeout_seconds", 0.1, 600, c.timeout, path, origin));
  return Status::Ok();
}

Status ParseTemplates(const toml::table& t, MessageTemplates& templates,
                      const std::string& origin) {
  for (const auto& [key, node] : t) {
    const std::string path = "notify.templates." + std::string(key.str());
    const toml::table* texts = node.as_table();
    if (!texts) return Bad(origin, path, "must be a table with ru, en and/or zh");
    for (const auto& [lang, text] : *texts) {
      Language language;
      if (lang.str() == "ru") language = Language::kRu;
      else if (lang.str() == "en") language = Language::kEn;
      else if (lang.str() == "zh") language = Language::kZh;
      else return Bad(origin, path + "." + std::string(lang.str()), "unknown key (use ru, en, zh)");
      auto v = text.value<std::string>();
      if (!v) return Bad(origin, path + "." + std::string(lang.str()), "must be a string");
      Status st = templates.Set(key.str(), language, *v);
      if (!st.ok()) return Bad(origin, path + "." + std::string(lang.str()), st.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Status ParseNotify(const toml::node* node, ServerConfig& config, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "notify", "must be a table ([notify])");
  const std::string path = "notify";
  NotifyConfig& c = config.notify;
  QUEUE_RETURN_IF_ERROR(OnlyKeys(*t,
                                 {"enabled", "poll_seconds", "batch", "max_attempts",
                                  "retry_base_seconds", "retry_cap_seconds", "jitter", "smtp",
                                  "sms", "templates"},
                                 path, origin));
  QUEUE_RETURN_IF_ERROR(Bool(*t, "enabled", c.enabled, path, origin));
  QUEUE_RETURN_IF_ERROR(Seconds(*t, "poll_seconds", 0.01, 3600, c.poll_interval, path, origin));
  QUEUE_RETURN_IF_ERROR(Int(*t, "batch", 1, 1000, c.batch, path, origin));
  QUEUE_RETURN_IF_ERROR(Int(*t, "max_attempts", 1, 100, c.retry.max_attempts, path, origin));
  QUEUE_RETURN_IF_ERROR(
      Seconds(*t, "retry_base_seconds", 0.001, 86400, c.retry.base, path, origin));
  QUEUE_RETURN_IF_ERROR(
      Seconds(*t, "retry_cap_seconds", 0.001, 7 * 86400, c.retry.cap, path, origin));
  QUEUE_RETURN_IF_ERROR(Bool(*t, "jitter", c.retry.jitter, path, origin));
  if (Status st = c.retry.Validate(); !st.ok()) return Bad(origin, st.field(), st.message());
  for (const char* sub : {"smtp", "sms", "templates"}) {
    const toml::node* n = t->get(sub);
    if (n && !n->as_table())
      return Bad(origin, path + "." + sub, std::string("must be a table ([notify.") + sub + "])");
  }
  if (const toml::table* s = (*t)["smtp"].as_table())
    QUEUE_RETURN_IF_ERROR(ParseSmtp(*s, c.smtp, origin));
  if (const toml::table* s = (*t)["sms"].as_table())
    QUEUE_RETURN_IF_ERROR(ParseSms(*s, c.sms, origin));
  if (const toml::table* s = (*t)["templates"].as_table())
    QUEUE_RETURN_IF_ERROR(ParseTemplates(*s, config.templates, origin));
  if (c.enabled && c.smtp.url.empty() && c.sms.url.empty())
    return Bad(origin, "notify.enabled",
               "nothing to send with: configure [notify.sms] and/or [notify.smtp]");
  return Status::Ok();
}

}  // namespace shop::queue
