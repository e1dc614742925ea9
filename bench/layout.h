// Layout: the branches and counters the benchmark loads, and the TOML
// configuration that gives a queue-server exactly that layout. A plain value
// type; thread-safe to read.
#pragma once

#include <string>
#include <vector>

namespace shop::bench {

// Every branch offers these services, and every counter serves all of them.
inline const std::vector<std::string> kServicePrefixes = {"R", "N", "P", "C"};

struct Layout {
  int branches = 10;
  int counters_per_branch = 20;
  std::string branch_prefix = "b";

  std::string BranchId(int b) const { return branch_prefix + std::to_string(b); }
  static std::string CounterId(int c) { return std::to_string(c + 1); }  // "1".."K"
  int total_counters() const { return branches * counters_per_branch; }
};

// The queue-server configuration (format of server/config/demo.toml): each
// branch in Europe/Moscow, open 00:00-24:00 every day, max_recalls 2, the four
// services, counters "1".."K" serving all four.
std::string ConfigToml(const Layout& layout);

}  // namespace shop::bench
