// ReportReader on SQLite (server/domain/report/report_repo.h): the rows of a
// report's period in the read transaction's snapshot. One object per
// transaction, over its connection. Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/report/report_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteReportRepo final : public ReportReader {
 public:
  explicit SqliteReportRepo(Db& db) : db_(db) {}

  Result<ReportRows> ReadReportRows(const ReportQuery& q) override;

 private:
  Db& db_;
};

}  // namespace shop::queue::sqlite
