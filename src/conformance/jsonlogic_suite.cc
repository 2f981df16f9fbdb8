// Runs the shared JsonLogic suite (jsonlogic.com/tests.json): a flat array
// of section comments (strings) and cases ([rule, data, expected]), ending
// with the string "EOF".

#include <cmath>
#include <string>
#include <vector>

#include "conditions/jsonlogic.h"
#include "conformance/conformance.h"
#include "core/js.h"
#include "core/value.h"

namespace leadseg {
namespace {

std::string DumpJson(const Json& j) {
  // `replace`: a dump must never throw, whatever bytes a string holds.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// JSON-like text for a result. Unlike Value::ToJson, non-finite numbers
// print as JavaScript does (NaN, Infinity) rather than as null.
void AppendValue(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNumber: js::AppendString(v, out); return;
    case ValueType::kString: out->append(DumpJson(Json(std::string(v.as_string())))); return;
    case ValueType::kArray:
      out->push_back('[');
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (i) out->push_back(',');
        AppendValue(v.at(i), out);
      }
      out->push_back(']');
      return;
    case ValueType::kObject:
      out->push_back('{');
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (i) out->push_back(',');
        out->append(DumpJson(Json(std::string(v.key_at(i)))));
        out->push_back(':');
        AppendValue(v.value_at(i), out);
      }
      out->push_back('}');
      return;
    default: js::AppendString(v, out); return;  // null, true, false
  }
}

std::string DescribeValue(const Value& v) {
  std::string out;
  AppendValue(v, &out);
  return out;
}

// Deep equality of a result with an expectation, as Jest's toEqual: numbers
// by value (2 == 2.0), objects by their set of keys regardless of order.
bool Equivalent(const Value& got, const Json& want) {
  switch (want.type()) {
    case Json::value_t::null: return got.is_null();
    case Json::value_t::boolean: return got.is_bool() && got.as_bool() == want.get<bool>();
    case Json::value_t::number_integer:
      return got.is_number() && got.as_number() == static_cast<double>(want.get<int64_t>());
    case Json::value_t::number_unsigned:
      return got.is_number() && got.as_number() == static_cast<double>(want.get<uint64_t>());
    case Json::value_t::number_float:
      return got.is_number() && got.as_number() == want.get<double>();
    case Json::value_t::string:
      return got.is_string() && got.as_string() == want.get_ref<const std::string&>();
    case Json::value_t::array: {
      if (!got.is_array() || got.size() != want.size()) return false;
      for (uint32_t i = 0; i < got.size(); ++i) {
        if (!Equivalent(got.at(i), want[i])) return false;
      }
      return true;
    }
    case Json::value_t::object: {
      if (!got.is_object() || got.size() != want.size()) return false;
      for (auto it = want.begin(); it != want.end(); ++it) {
        const Value* member = got.find(it.key());
        if (member == nullptr || !Equivalent(*member, it.value())) return false;
      }
      return true;
    }
    default: return false;  // binary, discarded: never expected
  }
}

// Runs one case. Returns an empty string on success, else the failure line.
std::string RunCase(size_t index, const Json& test, Document* data_doc, Document* arena) {
  std::string label = "#" + std::to_string(index) + " ";
  if (!test.is_array() || test.size() != 3) {
    return label + "malformed case (want [rule, data, expected]): " + DumpJson(test);
  }
  const Json& rule = test[0];
  label += DumpJson(rule) + " data " + DumpJson(test[1]);
  Result<JsonLogic> logic = JsonLogic::Compile(rule);
  if (!logic.ok()) return label + ": compile error: " + logic.status().ToString();
  data_doc->Clear();
  arena->Clear();
  Value data = data_doc->Add(test[1]);
  Value got = logic->Apply(data, arena);
  if (Equivalent(got, test[2])) return {};
  return label + ": got " + DescribeValue(got) + ", expected " + DumpJson(test[2]);
}

}  // namespace

std::vector<SectionResult> RunJsonLogicSuite(const Json& tests) {
  std::vector<SectionResult> sections;
  if (!tests.is_array()) {
    SectionResult bad;
    bad.name = "JsonLogic suite";
    bad.failed = 1;
    bad.failures.push_back("expected a top-level array, got " + std::string(JsonTypeName(tests)));
    sections.push_back(bad);
    return sections;
  }
  // Both documents are reused across cases; Clear() keeps their memory.
  Document data_doc;
  Document arena;
  size_t case_index = 0;
  for (size_t i = 0; i < tests.size(); ++i) {
    const Json& entry = tests[i];
    if (entry.is_string()) {
      const std::string& comment = entry.get_ref<const std::string&>();
      if (comment == "EOF" && i + 1 == tests.size()) break;  // end marker, not a section
      sections.push_back(SectionResult{});
      sections.back().name = comment;
      continue;
    }
    if (sections.empty()) {
      // Cases before any comment still count, under an explicit name.
      sections.push_back(SectionResult{});
      sections.back().name = "(no section)";
    }
    SectionResult& section = sections.back();
    std::string failure = RunCase(case_index++, entry, &data_doc, &arena);
    if (failure.empty()) {
      ++section.passed;
    } else {
      ++section.failed;
      section.failures.push_back(std::move(failure));
    }
  }
  return sections;
}

}  // namespace leadseg
