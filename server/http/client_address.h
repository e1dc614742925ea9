// Which address a request comes from, for the per-address rate limit.
// Behind a reverse proxy every request comes from the proxy's address; the
// proxy names the client in X-Forwarded-For. The header is believed only
// from the configured proxies (anyone else could write any address into it).
#pragma once

#include <string>
#include <vector>

namespace shop::queue::http {

// The client address of a request from `peer` with this X-Forwarded-For
// value (several headers joined by ","). Without a trusted peer: the peer.
// From a trusted peer: the rightmost address in the header that is not a
// trusted proxy itself (the one the nearest trusted proxy saw), skipping
// nothing that is not an IP address: a malformed entry ends the walk and the
// last good address stands.
std::string ClientAddressOf(const std::string& peer, const std::string& forwarded_for,
                            const std::vector<std::string>& trusted_proxies);

}  // namespace shop::queue::http
