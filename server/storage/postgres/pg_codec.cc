#include "server/storage/postgres/pg_codec.h"

#include <sstream>

namespace shop::queue::pg::codec {

Param Micros(absl::Time t) { return Param(absl::ToUnixMicros(t)); }

Param OptMicros(absl::Time t) {
  if (t == absl::InfinitePast()) return Param();
  return Micros(t);
}

Param TextOrNull(const std::string& s) { return s.empty() ? Param() : Param(s); }

Param Limit(int limit) { return limit < 0 ? Param() : Param(limit); }

absl::Time ColTime(const Rows& rows, int row, std::string_view col) {
  return absl::FromUnixMicros(rows.Int(row, col));
}

absl::Time ColOptTime(const Rows& rows, int row, std::string_view col) {
  return rows.IsNull(row, col) ? absl::InfinitePast() : ColTime(rows, row, col);
}

bool ColFlag(const Rows& rows, int row, std::string_view col) { return rows.Int(row, col) != 0; }

std::string JoinPrefixes(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& p : v) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPrefixes(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace shop::queue::pg::codec
