// ReportReader on PostgreSQL (server/domain/report/report_repo.h): the rows
// of a report's period in the read transaction's snapshot. One object per
// transaction, over its connection. Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/report/report_repo.h"

namespace shop::queue::pg {

class Conn;

class PgReportRepo final : public ReportReader {
 public:
  explicit PgReportRepo(Conn& conn) : conn_(conn) {}

  Result<ReportRows> ReadReportRows(const ReportQuery& q) override;

 private:
  Conn& conn_;
};

}  // namespace shop::queue::pg
