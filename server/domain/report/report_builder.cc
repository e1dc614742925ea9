#include "server/domain/report/report_builder.h"

#include <vector>

namespace shop::queue {

Result<Report> BuildReport(Store& store, const ServerConfig& config, const ReportRequest& req,
                           absl::Time now) {
  std::vector<FieldViolation> bad;
  if (req.branch_id.empty()) bad.push_back({"branch_id", "branch_id is required"});
  auto from = ParseReportDay(req.from_date);
  auto to = ParseReportDay(req.to_date);
  if (!from) bad.push_back({"from_date", "from_date must be a date YYYY-MM-DD"});
  if (!to) bad.push_back({"to_date", "to_date must be a date YYYY-MM-DD"});
  if (req.by != ReportBy::kDay && req.by != ReportBy::kHour)
    bad.push_back({"granularity", "granularity must be day or hour"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  ReportPeriod period{*from, *to, req.by};
  QUEUE_RETURN_IF_ERROR(ValidateReportPeriod(period));
  const BranchConfig* branch = config.FindBranch(req.branch_id);
  if (!branch) return Status::NotFound("no branch " + Quoted(req.branch_id));

  ReportRows rows;
  const ReportQuery q = QueryFor(*branch, period);
  QUEUE_RETURN_IF_ERROR(store.Read([&](ReadTx& tx) -> Status {
    auto r = tx.reports().ReadReportRows(q);
    if (!r.ok()) return r.status();
    rows = std::move(r).value();
    return Status::Ok();
  }));
  return ComputeReport(*branch, period, rows, now);
}

RenderedReport RenderReport(const Report& r, ReportFormat format) {
  RenderedReport out;
  const bool html = format == ReportFormat::kHtml;
  out.content_type = html ? "text/html; charset=utf-8" : "text/csv; charset=utf-8";
  out.file_name = "report-" + r.branch_id + "-" + absl::FormatCivilTime(r.period.from) + "-" +
                  absl::FormatCivilTime(r.period.to) + "-" + ReportByName(r.period.by) +
                  (html ? ".html" : ".csv");
  out.content = html ? ReportHtml(r) : ReportCsv(r);
  return out;
}

}  // namespace shop::queue
