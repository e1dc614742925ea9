#include "server/report_cli.h"

#include <cstdio>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/db_uri.h"
#include "server/config/config_loader.h"
#include "server/domain/common/clock.h"
#include "server/domain/report/report_builder.h"
#include "server/storage/engine_store.h"

namespace shop::queue::admin {

int Report(const Target& t, const ReportOptions& o) {
  ReportRequest req{o.branch, o.from, o.to, ReportBy::kDay};
  if (o.by == "hour") req.by = ReportBy::kHour;
  else if (o.by != "day") {
    std::fprintf(stderr, "--by: unknown value '%s'; use day or hour\n", o.by.c_str());
    return 2;
  }
  ReportFormat format = ReportFormat::kCsv;
  if (o.format == "html") format = ReportFormat::kHtml;
  else if (o.format != "csv") {
    std::fprintf(stderr, "--format: unknown value '%s'; use csv or html\n", o.format.c_str());
    return 2;
  }
  auto config = t.config_path.empty() ? ParseConfig(DemoConfigText(), "built-in demo")
                                      : LoadConfigFile(t.config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "configuration: %s\n", config.status().message().c_str());
    return 2;
  }
  StoreOptions options;
  options.existing = true;  // reads only: never creates or migrates
  auto store = OpenStore(t.db_path, options);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open database %s: %s\n", DescribeDb(t.db_path).c_str(),
                 store.status().message().c_str());
    return 2;
  }
  SystemClock clock;
  auto report = BuildReport(**store, *config, req, clock.Now());
  if (!report.ok()) {
    const Status& st = report.status();
    std::fprintf(stderr, "report: %s%s%s\n", st.field().empty() ? "" : st.field().c_str(),
                 st.field().empty() ? "" : ": ", st.message().c_str());
    return st.code() == Status::Code::kInvalidArgument || st.code() == Status::Code::kNotFound
               ? 1
               : 2;
  }
  RenderedReport out = RenderReport(*report, format);
  if (o.out.empty()) {
    std::fwrite(out.content.data(), 1, out.content.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 2;
  }
  std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
  f.write(out.content.data(), static_cast<std::streamsize>(out.content.size()));
  f.close();
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", o.out.c_str());
    return 2;
  }
  spdlog::info("report: {} ({} bytes) written to {}", out.file_name, out.content.size(), o.out);
  return 0;
}

}  // namespace shop::queue::admin
