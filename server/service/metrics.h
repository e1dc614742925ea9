// Metrics: the server's counters and histograms, rendered in the Prometheus
// text format (version 0.0.4) for GET /metrics. Gauges that are cheaper to
// read when scraped than to keep current (waiting tickets, open counters,
// stream clients) come from collectors run at render time.
//
// Series are identified by name and a label set written as Prometheus
// writes it (Labels()); names and label keys are the caller's constants,
// label values are escaped here. Keep label values to a small known set
// (route patterns, method names, status codes), never user input.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::queue {

class Metrics {
 public:
  enum class Type { kCounter, kGauge, kHistogram };

  // Declares a family once (later declarations of the same name are
  // ignored). Histograms take their upper bounds in ascending order.
  void Describe(std::string name, Type type, std::string help, std::vector<double> buckets = {});
  // Adds to a counter (or sets a gauge with Set).
  void Add(std::string_view name, const std::string& labels, double by = 1);
  void Set(std::string_view name, const std::string& labels, double value);
  void Observe(std::string_view name, const std::string& labels, double value);

  // A collector appends whole sample lines for families it has described,
  // as `Line(name, labels, value)` builds them; run on every Render().
  using Collector = std::function<void(std::string& out)>;
  void AddCollector(std::string family, Collector c);

  std::string Render() const;

  // `{k1="v1",k2="v2"}` from pairs, values escaped; "" for none.
  static std::string Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);
  static std::string Line(std::string_view name, const std::string& labels, double value);

  // Buckets for request latencies in seconds (1 ms .. 10 s).
  static std::vector<double> LatencyBuckets();

 private:
  struct Series {
    double value = 0;
    std::vector<uint64_t> counts;  // histogram: per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, Series> series;  // by labels
    Collector collector;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
};

}  // namespace shop::queue
