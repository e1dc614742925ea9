#include "common/db_uri.h"

#include <regex>

namespace shop::queue {

bool IsPostgresUri(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string DescribeDb(const std::string& db) {
  if (!IsPostgresUri(db)) return db;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db, and
  // a password=... parameter likewise.
  static const std::regex kUserinfo(R"(^(postgres(ql)?://[^:@/]*):[^@/]*@)");
  static const std::regex kParam(R"(([?&]password=)[^&]*)");
  return std::regex_replace(std::regex_replace(db, kUserinfo, "$1:***@"), kParam, "$1***");
}

}  // namespace shop::queue
