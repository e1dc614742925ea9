// BuildReport: a report's use case over the Store: checks the request, reads
// the period's rows in one snapshot and computes (report.h). What the
// ReportService and `queue-server report` share. Thread-safe as the Store is.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/report/report.h"
#include "server/domain/store.h"

namespace shop::queue {

struct ReportRequest {
  std::string branch_id;
  std::string from_date;  // "YYYY-MM-DD", the branch's local date
  std::string to_date;    // inclusive
  ReportBy by = ReportBy::kDay;
};

// kInvalidArgument naming branch_id, from_date, to_date (malformed, before
// from_date, longer than kMaxReportDays) or granularity; kNotFound for a
// branch the configuration does not have; else the report at `now`.
Result<Report> BuildReport(Store& store, const ServerConfig& config, const ReportRequest& req,
                           absl::Time now);

enum class ReportFormat { kCsv = 1, kHtml = 2 };

// A report written out, with what to call and label it.
struct RenderedReport {
  std::string content_type;  // "text/csv; charset=utf-8", "text/html; charset=utf-8"
  std::string file_name;     // "report-demo-2026-03-02-2026-03-08-day.csv"
  std::string content;
};
RenderedReport RenderReport(const Report& r, ReportFormat format);

}  // namespace shop::queue
