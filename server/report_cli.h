// `queue-server report`: a branch's report over local dates, from the
// database given by --db (with the server running or not; it only reads),
// as CSV or a self-contained HTML page. Exit codes as in admin.h.
#pragma once

#include <string>

#include "server/admin.h"

namespace shop::queue::admin {

struct ReportOptions {
  std::string branch;
  std::string from;            // YYYY-MM-DD
  std::string to;              // YYYY-MM-DD, inclusive
  std::string by = "day";      // day | hour
  std::string format = "csv";  // csv | html
  std::string out;             // a file; empty: standard output
};

int Report(const Target& t, const ReportOptions& o);

}  // namespace shop::queue::admin
