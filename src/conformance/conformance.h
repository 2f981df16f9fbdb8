// Conformance runners for the shared cross-implementation suites:
// GrowthBook's SDK cases (cases.json) and JsonLogic's tests.json.
//
// The same code backs `leadseg conformance <file>` natively and
// `runConformance()` in the wasm build, so both print identical reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "leadseg/status.h"

namespace leadseg {

struct SectionResult {
  std::string name;
  bool skipped = false;
  int passed = 0;
  int failed = 0;
  std::vector<std::string> failures;  // one line per failed case: name and what differed
};

struct ConformanceReport {
  std::vector<SectionResult> sections;

  int passed() const;
  int failed() const;
  // One line per section, "<section>: N passed, M failed" or
  // "<section>: skipped", then "N passed, M failed". With `verbose`, each
  // failure is listed under its section.
  std::string Format(bool verbose) const;
};

// Detects the file kind (a GrowthBook cases object or a JsonLogic test
// array) and runs every section leadseg implements.
Result<ConformanceReport> RunConformance(std::string_view file_text);

// The runners behind RunConformance, one per suite family.
std::vector<SectionResult> RunGrowthBookConditionSections(const Json& cases);
std::vector<SectionResult> RunGrowthBookBucketingSections(const Json& cases);
std::vector<SectionResult> RunJsonLogicSuite(const Json& tests);

// Deep equality used to compare results with expectations: numbers by
// value (2 == 2.0), objects ignoring key order, as Jest's toEqual does.
bool JsonEquivalent(const Json& a, const Json& b);

}  // namespace leadseg
