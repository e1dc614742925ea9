// The Luhn check digit (ISO/IEC 7812), as ICCIDs of SIM cards carry it.
// Shared by the server (which refuses a wrong card number) and the counter
// app (which says so before sending). Header-only: no library of either
// side depends on the other.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

namespace shop::queue {

// Whether `digits` (ASCII digits only, the check digit last) passes the Luhn
// check; false when empty or when anything else than a digit is in it.
inline bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;  // every second digit from the right, the check digit excluded
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] < '0' || digits[i] > '9') return false;
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

}  // namespace shop::queue
