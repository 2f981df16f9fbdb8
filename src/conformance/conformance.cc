#include "conformance/conformance.h"

#include <cmath>

#include "conformance/growthbook_experiment_suite.h"

namespace leadseg {

int ConformanceReport::passed() const {
  int n = 0;
  for (const auto& s : sections) n += s.passed;
  return n;
}

int ConformanceReport::failed() const {
  int n = 0;
  for (const auto& s : sections) n += s.failed;
  return n;
}

std::string ConformanceReport::Format(bool verbose) const {
  std::string out;
  for (const auto& s : sections) {
    if (s.skipped) {
      out += s.name + ": skipped\n";
      continue;
    }
    out += s.name + ": " + std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed\n";
    if (verbose) {
      for (const auto& f : s.failures) out += "  FAIL " + f + "\n";
    }
  }
  out += std::to_string(passed()) + " passed, " + std::to_string(failed()) + " failed\n";
  return out;
}

bool JsonEquivalent(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.get<double>(), y = b.get<double>();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!JsonEquivalent(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !JsonEquivalent(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

Result<ConformanceReport> RunConformance(std::string_view file_text) {
  auto parsed = ParseJson(file_text, "conformance file");
  if (!parsed.ok()) return parsed.status();
  const Json& file = *parsed;
  ConformanceReport report;
  if (file.is_array()) {
    report.sections = RunJsonLogicSuite(file);
    return report;
  }
  if (!file.is_object() || !file.contains("evalCondition")) {
    return InvalidArgument(
        "not a conformance file: expected a GrowthBook cases object (with \"evalCondition\") or a "
        "JsonLogic test array");
  }
  auto add = [&](std::vector<SectionResult> more) {
    for (auto& s : more) report.sections.push_back(std::move(s));
  };
  add(RunGrowthBookConditionSections(file));
  add(RunGrowthBookBucketingSections(file));
  add(RunGrowthBookExperimentSections(file));
  if (file.contains("contextualBandit")) {
    report.sections.push_back(RunGrowthBookFeatureSection(file, "contextualBandit"));
  }
  // Sections present in the file that no runner claimed are listed as
  // skipped, so the report always accounts for the whole file.
  for (auto it = file.begin(); it != file.end(); ++it) {
    if (!it.value().is_array()) continue;
    bool claimed = false;
    for (const auto& s : report.sections) claimed = claimed || s.name == it.key();
    if (!claimed) {
      SectionResult skipped;
      skipped.name = it.key();
      skipped.skipped = true;
      report.sections.push_back(skipped);
    }
  }
  // File order, so the report reads like the file.
  std::vector<SectionResult> ordered;
  for (auto it = file.begin(); it != file.end(); ++it) {
    for (auto& s : report.sections) {
      if (s.name == it.key()) ordered.push_back(std::move(s));
    }
  }
  report.sections = std::move(ordered);
  return report;
}

}  // namespace leadseg
