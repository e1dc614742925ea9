// ReportService: reports over gRPC. Checks the request's enums, calls
// BuildReport (server/domain/report/report_builder.h) inside Guard
// (authorisation: supervisors and admins; no exceptions out) and returns
// the written report. No rules and no SQL here.
#include <spdlog/spdlog.h>

#include "server/domain/report/report_builder.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {

namespace {
constexpr const char* kGetReport = "/shop.queue.v1.ReportService/GetReport";
}  // namespace

grpc::Status ReportServiceImpl::GetReport(grpc::ServerContext* ctx,
                                          const pb::GetReportRequest* req,
                                          pb::GetReportResponse* resp) {
  return Guard(entry_, ctx, *req, kGetReport, [&]() -> Status {
    std::vector<FieldViolation> bad;
    ReportRequest in{req->branch_id(), req->from_date(), req->to_date(), ReportBy::kDay};
    switch (req->granularity()) {
      case pb::REPORT_GRANULARITY_DAY: in.by = ReportBy::kDay; break;
      case pb::REPORT_GRANULARITY_HOUR: in.by = ReportBy::kHour; break;
      default: bad.push_back({"granularity", "granularity must be DAY or HOUR"});
    }
    ReportFormat format = ReportFormat::kCsv;
    switch (req->format()) {
      case pb::REPORT_FORMAT_CSV: format = ReportFormat::kCsv; break;
      case pb::REPORT_FORMAT_HTML: format = ReportFormat::kHtml; break;
      default: bad.push_back({"format", "format must be CSV or HTML"});
    }
    if (!bad.empty()) return Status::InvalidFields(std::move(bad));
    absl::Time started = absl::Now();
    auto report = BuildReport(store_, config_, in, clock_.Now());
    if (!report.ok()) return report.status();
    RenderedReport out = RenderReport(*report, format);
    spdlog::info("report: branch {} {}..{} by {} as {}: {} lines, {} bytes in {}", in.branch_id,
                 in.from_date, in.to_date, ReportByName(in.by),
                 format == ReportFormat::kHtml ? "html" : "csv", report->lines.size(),
                 out.content.size(), absl::FormatDuration(absl::Now() - started));
    resp->set_content_type(std::move(out.content_type));
    resp->set_file_name(std::move(out.file_name));
    resp->set_content(std::move(out.content));
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
