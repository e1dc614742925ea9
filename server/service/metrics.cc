#include "server/service/metrics.h"

#include <cmath>
#include <cstdio>

namespace shop::queue {
namespace {

const char* TypeName(Metrics::Type t) {
  switch (t) {
    case Metrics::Type::kCounter: return "counter";
    case Metrics::Type::kGauge: return "gauge";
    case Metrics::Type::kHistogram: return "histogram";
  }
  return "untyped";
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// `labels` with one more pair inside the braces.
std::string WithLabel(const std::string& labels, std::string_view key, const std::string& value) {
  std::string pair = std::string(key) + "=\"" + value + "\"";
  if (labels.empty()) return "{" + pair + "}";
  return labels.substr(0, labels.size() - 1) + "," + pair + "}";
}

}  // namespace

void Metrics::Describe(std::string name, Type type, std::string help, std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  auto [it, added] = families_.try_emplace(std::move(name));
  if (!added) return;
  it->second.type = type;
  it->second.help = std::move(help);
  it->second.buckets = std::move(buckets);
}

void Metrics::Add(std::string_view name, const std::string& labels, double by) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.series[labels].value += by;
}

void Metrics::Set(std::string_view name, const std::string& labels, double value) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.series[labels].value = value;
}

void Metrics::Observe(std::string_view name, const std::string& labels, double value) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  Family& f = it->second;
  Series& s = f.series[labels];
  if (s.counts.empty()) s.counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i)
    if (value <= f.buckets[i]) {
      ++s.counts[i];
      break;
    }
  s.sum += value;
  ++s.count;
}

void Metrics::AddCollector(std::string family, Collector c) {
  std::lock_guard lock(mu_);
  auto it = families_.find(family);
  if (it != families_.end()) it->second.collector = std::move(c);
}

std::string Metrics::Render() const {
  // Collectors may be slow (they read the database): copy them out and run
  // them without the lock.
  std::vector<std::pair<std::string, Collector>> collectors;
  std::string out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, f] : families_) {
      if (f.collector) {
        collectors.emplace_back(name, f.collector);
        continue;
      }
      out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + TypeName(f.type) + "\n";
      for (const auto& [labels, s] : f.series) {
        if (f.type != Type::kHistogram) {
          out += Line(name, labels, s.value);
          continue;
        }
        uint64_t cumulative = 0;
        for (size_t i = 0; i < f.buckets.size(); ++i) {
          cumulative += i < s.counts.size() ? s.counts[i] : 0;
          out += Line(name + "_bucket", WithLabel(labels, "le", Number(f.buckets[i])),
                      static_cast<double>(cumulative));
        }
        out += Line(name + "_bucket", WithLabel(labels, "le", "+Inf"), static_cast<double>(s.count));
        out += Line(name + "_sum", labels, s.sum);
        out += Line(name + "_count", labels, static_cast<double>(s.count));
      }
    }
  }
  for (const auto& [name, collect] : collectors) {
    std::string help;
    Type type = Type::kGauge;
    {
      std::lock_guard lock(mu_);
      auto it = families_.find(name);
      help = it->second.help;
      type = it->second.type;
    }
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + TypeName(type) + "\n";
    collect(out);
  }
  return out;
}

std::string Metrics::Labels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  if (kv.size() == 0) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : kv) {
    if (!first) out += ",";
    first = false;
    out += std::string(k) + "=\"";
    for (char c : v) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string Metrics::Line(std::string_view name, const std::string& labels, double value) {
  return std::string(name) + labels + " " + Number(value) + "\n";
}

std::vector<double> Metrics::LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace shop::queue
