// The shared bench workload's profiles (profiles.jsonl, one JSON object a
// line) as a CSV file, the input of the batch path: for the batch benchmark
// (bench/batch_csv_bench.cc) and the test checking its memberships against
// the ground truth (tests/native/batch_workload_test.cc). Not shipped.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "core/js.h"
#include "core/json.h"

namespace leadseg {
namespace workload {

// One CSV field: lists joined with ';', numbers as JavaScript writes them,
// absent or null values empty; quoted as RFC 4180 when needed.
inline std::string CsvField(const Json& v) {
  std::string s;
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ";" : "") + v[i].get<std::string>();
  } else if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_boolean()) {
    s = v.get<bool>() ? "true" : "false";
  } else if (v.is_number()) {
    s = js::NumberToString(v.get<double>());
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// The profiles as CSV: a header of the first profile's keys, one row per
// profile; `rows` (if given) receives the number of rows.
inline std::string ProfilesCsv(const std::string& profiles_jsonl, size_t* rows = nullptr) {
  std::istringstream lines(profiles_jsonl);
  std::string line, csv;
  std::vector<std::string> columns;
  size_t n = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    Json p = Json::parse(line);
    if (columns.empty()) {
      for (auto it = p.begin(); it != p.end(); ++it) columns.push_back(it.key());
      for (size_t i = 0; i < columns.size(); ++i) csv += (i ? "," : "") + columns[i];
      csv += "\n";
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = p.find(columns[i]);
      csv += (i ? "," : "") + (it == p.end() ? std::string() : CsvField(*it));
    }
    csv += "\n";
    ++n;
  }
  if (rows) *rows = n;
  return csv;
}

}  // namespace workload
}  // namespace leadseg
