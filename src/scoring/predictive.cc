#include "scoring/predictive.h"

#include <algorithm>
#include <cmath>

#include "core/js.h"

namespace leadseg {

namespace {

// Beyond this a contribution only says "certain": the sigmoid saturated
// long before. Capping keeps the sum a number when absurd inputs would make
// two features +inf and -inf.
constexpr double kMaxContribution = 1e12;

bool IsCanonicalIndex(const std::string& s) {
  if (s.empty() || s.size() >= 10) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return s == "0" || s[0] != '0';
}

bool StrictlyEqual(const PredictiveFeature& f, const Value& v) {
  switch (f.equals_type) {
    case ValueType::kString: return v.is_string() && v.as_string() == f.equals_string;
    case ValueType::kNumber: return v.is_number() && v.as_number() == f.equals_number;
    case ValueType::kBool: return v.is_bool() && v.as_bool() == f.equals_bool;
    default: return false;
  }
}

}  // namespace

const char* PredictiveKindName(PredictiveFeature::Kind kind) {
  switch (kind) {
    case PredictiveFeature::Kind::kNumeric: return "numeric";
    case PredictiveFeature::Kind::kEquals: return "equals";
    case PredictiveFeature::Kind::kMissing: return "missing";
  }
  return "numeric";
}

std::string PredictiveFeature::ParsePath() {
  // The steps sized once (one per dot) rather than appended: Step's growth
  // path was code in the runtime's load function, which re-derives them.
  steps = std::vector<Step>(static_cast<size_t>(std::count(attribute.begin(), attribute.end(), '.')));
  size_t start = attribute.find('.');
  std::string head = attribute.substr(0, start);
  for (Step& step : steps) {
    ++start;
    const size_t dot = attribute.find('.', start);
    step.name = attribute.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    step.is_length = step.name == "length";
    if (IsCanonicalIndex(step.name)) {
      step.is_index = true;
      // Not std::stoul: its out-of-range error path links printf into the runtime.
      for (char c : step.name) step.index = step.index * 10 + static_cast<uint32_t>(c - '0');
    }
    start = dot;
  }
  return head;
}

// The same walk as a condition's path lookup (conditions/condition.cc), so
// a model and a segment read "company.size" alike.
Value PredictiveFeature::Read(const AttributeSet& attributes) const {
  const Value* top = attributes.Get(attr);
  if (!top) return Value::Null();
  Value current = *top;
  for (const Step& step : steps) {
    if (!js::Truthy(current)) return Value::Null();
    if (current.is_object()) {
      const Value* next = current.find(step.name);
      if (!next) return Value::Null();
      current = *next;
    } else if (current.is_array()) {
      if (step.is_length) current = Value::Number(current.size());
      else if (step.is_index && step.index < current.size()) current = current.at(step.index);
      else return Value::Null();
    } else {
      return Value::Null();
    }
  }
  return current;
}

double PredictiveFeature::Contribution(const Value& value) const {
  double c = 0;
  switch (kind) {
    case Kind::kNumeric: {
      double x;
      if (value.is_number()) x = value.as_number();
      else if (value.is_bool()) x = value.as_bool() ? 1 : 0;
      else return 0;  // imputed at the mean
      c = weight * ((x - mean) / scale);
      break;
    }
    case Kind::kEquals: {
      bool match = StrictlyEqual(*this, value);
      for (uint32_t i = 0; !match && value.is_array() && i < value.size(); ++i) match = StrictlyEqual(*this, value.at(i));
      return match ? weight : 0;
    }
    case Kind::kMissing:
      return value.is_null() ? weight : 0;
  }
  if (std::isnan(c)) return 0;  // inf - inf inside (x - mean): no information
  return std::clamp(c, -kMaxContribution, kMaxContribution);
}

Value PredictiveFeature::EqualsValue() const {
  switch (equals_type) {
    case ValueType::kString: return Value::String(equals_string);
    case ValueType::kNumber: return Value::Number(equals_number);
    case ValueType::kBool: return Value::Bool(equals_bool);
    default: return Value::Null();
  }
}

Json PredictiveFeature::EqualsJson() const {
  switch (equals_type) {
    case ValueType::kString: return equals_string;
    case ValueType::kNumber: return equals_number;
    case ValueType::kBool: return equals_bool;
    default: return nullptr;
  }
}

double PredictivePoints(double probability, double points) { return std::round(probability * points); }

// noinline: only a config with a model calls it; inlined into the engine's
// evaluation, every config's first evaluation would compile it (binaryen
// keeps it a call: cmake/LeadsegWasm.cmake).
[[gnu::noinline]] void PredictiveResult::Evaluate(const PredictiveSpec& spec, const AttributeSet& attributes) {
  contributions.resize(spec.features.size());
  double sum = spec.intercept;
  for (size_t i = 0; i < spec.features.size(); ++i) {
    const PredictiveFeature& f = spec.features[i];
    contributions[i] = f.Contribution(f.Read(attributes));
    sum += contributions[i];
  }
  logit = sum;
  // The two forms of the logistic function, each exact on its side of 0
  // (exp of a large positive number would overflow).
  if (sum >= 0) {
    probability = 1 / (1 + std::exp(-sum));
  } else {
    double e = std::exp(sum);
    probability = e / (1 + e);
  }
  points = spec.score_points ? PredictivePoints(probability, *spec.score_points) : 0;
  grade_points = spec.grade_points ? PredictivePoints(probability, *spec.grade_points) : 0;
}

void WritePredictiveBreakdown(const PredictiveSpec& spec, const PredictiveResult& result, const AttributeSet& attributes,
                              ValueWriter* out) {
  out->BeginObject();
  out->Key("id").String(spec.id);
  out->Key("name").String(spec.name);
  out->Key("rule").String(spec.RuleName());
  out->Key("probability").Number(result.probability);
  out->Key("logit").Number(result.logit);
  out->Key("points");
  if (spec.score_points) {
    out->Number(result.points);
  } else {
    out->Null();
  }
  out->Key("gradePoints");
  if (spec.grade_points) {
    out->Number(result.grade_points);
  } else {
    out->Null();
  }
  out->Key("contributions").BeginArray();
  for (size_t i = 0; i < spec.features.size() && i < result.contributions.size(); ++i) {
    if (result.contributions[i] == 0) continue;
    const PredictiveFeature& f = spec.features[i];
    out->BeginObject();
    out->Key("attribute").String(f.attribute);
    out->Key("kind").String(PredictiveKindName(f.kind));
    out->Key("value").Write(f.Read(attributes));
    out->Key("contribution").Number(result.contributions[i]);
    if (f.kind == PredictiveFeature::Kind::kEquals) out->Key("equals").Write(f.EqualsValue());
    out->End();
  }
  out->End();
  out->End();
}

}  // namespace leadseg
