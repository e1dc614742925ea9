#include "server/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string_view>

namespace shop::queue::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The canonical text of an IP address ("::ffff:1.2.3.4" stays as given),
// or "" for anything else.
std::string Canonical(std::string_view text) {
  if (text.size() > 45) return "";
  std::string s(text);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1)
    return inet_ntop(AF_INET, buf, out, sizeof out) ? out : "";
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1)
    return inet_ntop(AF_INET6, buf, out, sizeof out) ? out : "";
  return "";
}

}  // namespace

std::string ClientAddressOf(const std::string& peer, const std::string& forwarded_for,
                            const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& address) {
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                       [&](const std::string& p) { return Canonical(p) == address; });
  };
  std::string client = Canonical(peer);
  if (client.empty()) client = peer;
  if (!trusted(client) || forwarded_for.empty()) return client;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    std::string_view item =
        Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const std::string address = Canonical(item);
    if (address.empty()) break;
    client = address;
    if (!trusted(address)) break;
  }
  return client;
}

}  // namespace shop::queue::http
