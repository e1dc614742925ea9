// SHA-256 through libsodium. Thread-safe (libsodium is initialised once).
#pragma once

#include <string>
#include <string_view>

namespace shop::queue::crypto {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace shop::queue::crypto
