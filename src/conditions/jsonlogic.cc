#include "conditions/jsonlogic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "core/js.h"

namespace leadseg {

enum class JsonLogic::Op : uint8_t {
  kConstant,  // a literal value, including folded literal arrays
  kArray,     // an array with at least one rule inside: evaluated element-wise
  // Data access
  kVar, kMissing, kMissingSome,
  // Logic
  kIf, kAnd, kOr, kNot, kNotNot,
  // Comparison
  kEq, kStrictEq, kNe, kStrictNe, kGt, kGe, kLt, kLe,
  // Arithmetic
  kAdd, kSub, kMul, kDiv, kMod, kMax, kMin,
  // Strings and arrays
  kCat, kSubstr, kIn, kMerge,
  // Iteration: the second argument is evaluated once per element
  kMap, kFilter, kReduce, kAll, kNone, kSome,
  kLog,
};

struct JsonLogic::Node {
  Op op = Op::kConstant;
  uint32_t first = 0;  // children: child_ids_[first, first + count)
  uint32_t count = 0;
  Value constant;      // kConstant only; storage in constants_
};

JsonLogic::JsonLogic() = default;
JsonLogic::JsonLogic(JsonLogic&&) = default;
JsonLogic& JsonLogic::operator=(JsonLogic&&) = default;
JsonLogic::~JsonLogic() = default;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr uint32_t kUnbounded = UINT32_MAX;

// True when `j` nests containers more than `remaining` levels deep. Checked
// before compiling so that every later recursion over the rule (compiling,
// Document::Add, evaluation) is bounded.
bool ExceedsDepth(const Json& j, int remaining) {
  if (!j.is_structured()) return false;
  if (remaining == 0) return true;
  for (const Json& child : j) {
    if (ExceedsDepth(child, remaining - 1)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// parseFloat, which json-logic-js's "+" and "*" apply to every operand.

// Length of the StrWhiteSpaceChar at s[i] (ECMA-262 WhiteSpace and
// LineTerminator), or 0.
size_t JsWhitespaceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return 1;
  if (c < 0x80) return 0;
  static const char* const kMultiByte[] = {
      "\xC2\xA0",      // U+00A0 no-break space
      "\xEF\xBB\xBF",  // U+FEFF
      "\xE1\x9A\x80",  // U+1680
      "\xE2\x80\xA8",  // U+2028
      "\xE2\x80\xA9",  // U+2029
      "\xE2\x80\xAF",  // U+202F
      "\xE2\x81\x9F",  // U+205F
      "\xE3\x80\x80",  // U+3000
  };
  std::string_view rest = s.substr(i);
  for (const char* seq : kMultiByte) {
    size_t n = std::strlen(seq);
    if (rest.size() >= n && std::memcmp(rest.data(), seq, n) == 0) return n;
  }
  // U+2000..U+200A
  if (rest.size() >= 3 && c == 0xE2 && static_cast<unsigned char>(rest[1]) == 0x80 &&
      static_cast<unsigned char>(rest[2]) >= 0x80 && static_cast<unsigned char>(rest[2]) <= 0x8A) {
    return 3;
  }
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// parseFloat(string): the longest prefix (after leading whitespace) that is
// a StrDecimalLiteral, or NaN when there is none. Unlike ToNumber, trailing
// garbage is ignored ("3px" -> 3) and "" is NaN, not 0.
double ParseFloatString(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t n = JsWhitespaceLength(s, i);
    if (n == 0) break;
    i += n;
  }
  const size_t start = i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (s.substr(i, 8) == "Infinity") return negative ? -kInfinity : kInfinity;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return kNaN;
  // An exponent counts only when it has digits: "1e" and "1e+" parse as 1.
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t k = j;
    while (k < s.size() && IsDigit(s[k])) ++k;
    if (k > j) i = k;
  }
  std::string literal(s.substr(start, i - start));
  return std::strtod(literal.c_str(), nullptr);
}

// parseFloat(v) = parseFloat(String(v)). For numbers that is the number
// itself (shortest round-trip digits), except that -0 prints as "0".
double ParseFloat(const Value& v) {
  switch (v.type()) {
    case ValueType::kNumber: return v.as_number() == 0 ? 0.0 : v.as_number();
    case ValueType::kString: return ParseFloatString(v.as_string());
    case ValueType::kArray: return ParseFloatString(js::ToString(v));
    default: return kNaN;  // "null", "true", "false", "[object Object]"
  }
}

// ToIntegerOrInfinity, used by String.prototype.substr.
double ToIntegerOrInfinity(const Value& v) {
  double d = js::ToNumber(v);
  if (std::isnan(d)) return 0;
  return std::trunc(d) + 0.0;  // + 0.0 turns -0 into 0
}

// ---------------------------------------------------------------------------
// UTF-16 views of UTF-8 strings, for substr (JS indexes code units).

struct CodePoint {
  size_t bytes;  // UTF-8 length
  int units;     // UTF-16 length: 2 for supplementary planes
};

CodePoint CodePointAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  CodePoint cp{1, 1};
  if ((c & 0xE0) == 0xC0) cp.bytes = 2;
  else if ((c & 0xF0) == 0xE0) cp.bytes = 3;
  else if ((c & 0xF8) == 0xF0) cp = {4, 2};
  if (cp.bytes > s.size() - i) cp.bytes = s.size() - i;  // truncated input
  return cp;
}

double Utf16Length(std::string_view s) {
  double units = 0;
  for (size_t i = 0; i < s.size();) {
    CodePoint cp = CodePointAt(s, i);
    units += cp.units;
    i += cp.bytes;
  }
  return units;
}

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// The UTF-16 code units [begin, end) of `s`, 0 <= begin <= end <= length.
// Without a split surrogate pair the result is a view of `s` when
// `s_is_stable` (it already lives in data, constants or the arena), or a
// copy in `arena`. A surrogate half that UTF-8 cannot encode becomes U+FFFD.
Value Utf16Slice(std::string_view s, double begin, double end, bool s_is_stable,
                 Document* arena) {
  if (begin >= end) return Value::String(std::string_view());
  size_t byte_begin = std::string_view::npos, byte_end = 0;
  bool lead_half = false, trail_half = false;
  double u = 0;
  for (size_t i = 0; i < s.size() && u < end;) {
    CodePoint cp = CodePointAt(s, i);
    if (u >= begin && u + cp.units <= end) {
      if (byte_begin == std::string_view::npos) byte_begin = i;
      byte_end = i + cp.bytes;
    } else if (cp.units == 2 && u + 1 == begin) {
      lead_half = true;  // only the low surrogate is inside (end > begin)
    } else if (cp.units == 2 && u + 1 == end && u >= begin) {
      trail_half = true;  // only the high surrogate is inside
    }
    u += cp.units;
    i += cp.bytes;
  }
  std::string_view middle;
  if (byte_begin != std::string_view::npos) middle = s.substr(byte_begin, byte_end - byte_begin);
  if (!lead_half && !trail_half) {
    return s_is_stable ? Value::String(middle) : arena->CopyString(middle);
  }
  std::string out;
  if (lead_half) out.append(kReplacementChar);
  out.append(middle);
  if (trail_half) out.append(kReplacementChar);
  return arena->CopyString(out);
}

// ---------------------------------------------------------------------------
// var paths.

bool IsCanonicalIndex(std::string_view key, uint64_t* index) {
  // "0" or no leading zero; "01", "+1", "1.0" are plain property names.
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return false;
  uint64_t value = 0;
  for (char c : key) {
    if (!IsDigit(c)) return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *index = value;
  return true;
}

// data[key] for one path step, as JavaScript property access on a parsed
// JSON value: object members by key; array elements by canonical index and
// "length"; likewise a string's UTF-16 code units (as one-unit strings) and
// "length". Prototype members (toString, constructor, ...) are absent.
bool Property(const Value& data, std::string_view key, Document* arena, Value* out) {
  uint64_t index = 0;
  switch (data.type()) {
    case ValueType::kObject: {
      const Value* member = data.find(key);
      if (member == nullptr) return false;
      *out = *member;
      return true;
    }
    case ValueType::kArray:
      if (key == "length") {
        *out = Value::Number(data.size());
        return true;
      }
      if (!IsCanonicalIndex(key, &index) || index >= data.size()) return false;
      *out = data.at(static_cast<uint32_t>(index));
      return true;
    case ValueType::kString: {
      const double units = Utf16Length(data.as_string());
      if (key == "length") {
        *out = Value::Number(units);
        return true;
      }
      if (!IsCanonicalIndex(key, &index) || static_cast<double>(index) >= units) return false;
      const double at = static_cast<double>(index);
      *out = Utf16Slice(data.as_string(), at, at + 1, /*s_is_stable=*/true, arena);
      return true;
    }
    default:
      return false;  // numbers and booleans have no own properties
  }
}

// Follows String(key).split(".") from `data`. False when a step is absent
// or when a step starts from null (json-logic-js then returns the default).
bool LookupPath(const Value& data, const Value& key, Document* arena, Value* out) {
  char number[js::kNumberBufferSize];
  std::string scratch;
  std::string_view path;
  if (key.is_string()) {
    path = key.as_string();
  } else if (key.is_number()) {
    path = std::string_view(number, static_cast<size_t>(js::FormatNumber(key.as_number(), number)));
  } else {
    scratch = js::ToString(key);  // true -> "true", ["a","b"] -> "a,b"
    path = scratch;
  }
  Value current = data;
  while (true) {
    size_t dot = path.find('.');
    std::string_view step = path.substr(0, dot);
    if (current.is_null() || !Property(current, step, arena, &current)) return false;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  *out = current;
  return true;
}

bool MeansWholeData(const Value& key) {
  return key.is_null() || (key.is_string() && key.size() == 0);
}

// {"var": key} where `key` is a value rather than a rule, as "missing"
// builds it: an array key is [path, default].
Value VarOfKey(const Value& key, const Value& data, Document* arena) {
  Value path = key;
  Value fallback;
  if (key.is_array()) {
    if (key.size() == 0) return data;
    path = key.at(0);
    if (key.size() > 1) fallback = key.at(1);
  }
  if (MeansWholeData(path)) return data;
  Value found;
  return LookupPath(data, path, arena, &found) ? found : fallback;
}

// The keys among keys(0..n-1) whose value in `data` is null or "".
template <typename KeyAt>
Value MissingKeys(uint32_t n, KeyAt key_at, const Value& data, Document* arena) {
  Value* out = arena->AllocateChildren(n);
  uint32_t missing = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Value key = key_at(i);
    Value v = VarOfKey(key, data, arena);
    if (v.is_null() || (v.is_string() && v.size() == 0)) out[missing++] = key;
  }
  return Document::MakeArray(out, missing);
}

Value EmptyArray() { return Document::MakeArray(nullptr, 0); }

}  // namespace

bool JsonLogic::Truthy(const Value& v) {
  if (v.is_array()) return v.size() != 0;
  return js::Truthy(v);
}

// ---------------------------------------------------------------------------
// Compilation

struct JsonLogic::Compiler {
  struct OpInfo {
    std::string_view name;
    Op op;
    uint32_t min_args;
    uint32_t max_args;
  };

  static const OpInfo* Find(std::string_view name) {
    static constexpr OpInfo kOps[] = {
        {"var", Op::kVar, 0, 2},
        {"missing", Op::kMissing, 0, kUnbounded},
        {"missing_some", Op::kMissingSome, 2, 2},
        {"if", Op::kIf, 0, kUnbounded},
        {"?:", Op::kIf, 0, kUnbounded},
        {"and", Op::kAnd, 1, kUnbounded},
        {"or", Op::kOr, 1, kUnbounded},
        {"!", Op::kNot, 1, 1},
        {"!!", Op::kNotNot, 1, 1},
        {"==", Op::kEq, 2, 2},
        {"===", Op::kStrictEq, 2, 2},
        {"!=", Op::kNe, 2, 2},
        {"!==", Op::kStrictNe, 2, 2},
        {">", Op::kGt, 2, 2},
        {">=", Op::kGe, 2, 2},
        {"<", Op::kLt, 2, 3},
        {"<=", Op::kLe, 2, 3},
        {"+", Op::kAdd, 0, kUnbounded},
        {"-", Op::kSub, 1, 2},
        {"*", Op::kMul, 1, kUnbounded},
        {"/", Op::kDiv, 2, 2},
        {"%", Op::kMod, 2, 2},
        {"max", Op::kMax, 0, kUnbounded},
        {"min", Op::kMin, 0, kUnbounded},
        {"cat", Op::kCat, 0, kUnbounded},
        {"substr", Op::kSubstr, 2, 3},
        {"in", Op::kIn, 2, 2},
        {"merge", Op::kMerge, 0, kUnbounded},
        {"map", Op::kMap, 2, 2},
        {"filter", Op::kFilter, 2, 2},
        {"reduce", Op::kReduce, 2, 3},
        {"all", Op::kAll, 2, 2},
        {"none", Op::kNone, 2, 2},
        {"some", Op::kSome, 2, 2},
        {"log", Op::kLog, 1, 1},
    };
    for (const OpInfo& info : kOps) {
      if (info.name == name) return &info;
    }
    return nullptr;
  }

  static std::string ArityMessage(const OpInfo& info, size_t got) {
    std::string expected;
    if (info.min_args == info.max_args) {
      expected = "exactly " + std::to_string(info.min_args);
    } else if (info.max_args == kUnbounded) {
      expected = "at least " + std::to_string(info.min_args);
    } else if (info.min_args == 0) {
      expected = "at most " + std::to_string(info.max_args);
    } else {
      expected = std::to_string(info.min_args) + " or " + std::to_string(info.max_args);
    }
    return "operator \"" + std::string(info.name) + "\" takes " + expected + " argument" +
           (info.max_args == 1 && info.min_args == 1 ? "" : "s") + ", got " + std::to_string(got);
  }

  JsonLogic* out;

  bool IsConstant(uint32_t id) const { return out->nodes_[id].op == Op::kConstant; }

  uint32_t AddConstant(Value v) {
    Node node;
    node.constant = v;
    out->nodes_.push_back(node);
    return static_cast<uint32_t>(out->nodes_.size() - 1);
  }

  uint32_t AddNode(Op op, const std::vector<uint32_t>& children) {
    Node node;
    node.op = op;
    node.first = static_cast<uint32_t>(out->child_ids_.size());
    node.count = static_cast<uint32_t>(children.size());
    out->child_ids_.insert(out->child_ids_.end(), children.begin(), children.end());
    out->nodes_.push_back(node);
    return static_cast<uint32_t>(out->nodes_.size() - 1);
  }

  Result<uint32_t> CompileRule(const Json& rule, const std::string& path) {
    if (rule.is_array()) return CompileArray(rule, path);
    if (rule.is_object() && rule.size() == 1) {
      auto it = rule.begin();
      const std::string& name = it.key();
      std::string op_path = ChildPath(path, name);
      const OpInfo* info = Find(name);
      if (info == nullptr) {
        return InvalidArgument("unknown JsonLogic operator \"" + name + "\"", op_path);
      }
      return CompileOperator(*info, it.value(), op_path);
    }
    if (rule.is_object()) {
      // Several keys: data in json-logic-js, but with an operator among them
      // it is a rule with a stray key, which would silently never evaluate.
      for (auto it = rule.begin(); it != rule.end(); ++it) {
        if (Find(it.key()) != nullptr) {
          return InvalidArgument("operator \"" + it.key() +
                                     "\" must be the only key of its object, found " +
                                     std::to_string(rule.size()) + " keys",
                                 path);
        }
      }
    }
    return AddConstant(out->constants_.Add(rule));
  }

  // Arrays evaluate element-wise. All-literal arrays (the common case: "in"
  // lists, "missing" keys) fold into one constant so evaluation copies nothing.
  Result<uint32_t> CompileArray(const Json& array, const std::string& path) {
    std::vector<uint32_t> ids;
    ids.reserve(array.size());
    bool all_constant = true;
    for (size_t i = 0; i < array.size(); ++i) {
      Result<uint32_t> id = CompileRule(array[i], ChildPath(path, i));
      if (!id.ok()) return id.status();
      all_constant = all_constant && IsConstant(*id);
      ids.push_back(*id);
    }
    if (!all_constant) return AddNode(Op::kArray, ids);
    // Each constant child added exactly one node, so they are the last
    // ids.size() nodes; replace them by the folded array.
    const uint32_t n = static_cast<uint32_t>(ids.size());
    Value* elements = out->constants_.AllocateChildren(n);
    for (uint32_t i = 0; i < n; ++i) elements[i] = out->nodes_[ids[i]].constant;
    out->nodes_.resize(out->nodes_.size() - n);
    return AddConstant(Document::MakeArray(elements, n));
  }

  // `args` is the operator's value; a non-array is a single argument.
  Result<uint32_t> CompileOperator(const OpInfo& info, const Json& args,
                                   const std::string& op_path) {
    const size_t count = args.is_array() ? args.size() : 1;
    if (count < info.min_args || count > info.max_args) {
      return InvalidArgument(ArityMessage(info, count), op_path);
    }
    std::vector<uint32_t> ids;
    if (!args.is_array()) {
      Result<uint32_t> id = CompileRule(args, op_path);
      if (!id.ok()) return id.status();
      ids.push_back(*id);
    } else {
      ids.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        Result<uint32_t> id = CompileRule(args[i], ChildPath(op_path, i));
        if (!id.ok()) return id.status();
        ids.push_back(*id);
      }
    }
    return AddNode(info.op, ids);
  }
};

Result<JsonLogic> JsonLogic::Compile(const Json& rule) {
  if (ExceedsDepth(rule, kMaxJsonDepth)) {
    return OutOfRange("JsonLogic rule nests deeper than " + std::to_string(kMaxJsonDepth) +
                      " levels");
  }
  JsonLogic logic;
  Compiler compiler{&logic};
  Result<uint32_t> root = compiler.CompileRule(rule, "");
  if (!root.ok()) return root.status();
  logic.root_ = *root;
  return logic;
}

// ---------------------------------------------------------------------------
// Evaluation. Every operator is total: any input yields a Value.

struct JsonLogic::Evaluator {
  const JsonLogic& logic;
  Document* arena;

  const Node& NodeAt(uint32_t id) const { return logic.nodes_[id]; }
  uint32_t ChildId(const Node& n, uint32_t i) const { return logic.child_ids_[n.first + i]; }
  Value Arg(const Node& n, uint32_t i, const Value& data) { return Eval(ChildId(n, i), data); }

  Value Eval(uint32_t id, const Value& data) {
    const Node& n = NodeAt(id);
    switch (n.op) {
      case Op::kConstant: return n.constant;
      case Op::kArray: return EvalArray(n, data);
      case Op::kVar: return Var(n, data);
      case Op::kMissing: return Missing(n, data);
      case Op::kMissingSome: return MissingSome(n, data);
      case Op::kIf: return If(n, data);
      case Op::kAnd: return AndOr(n, data, /*stop_when=*/false);
      case Op::kOr: return AndOr(n, data, /*stop_when=*/true);
      case Op::kNot: return Value::Bool(!Truthy(Arg(n, 0, data)));
      case Op::kNotNot: return Value::Bool(Truthy(Arg(n, 0, data)));
      case Op::kEq: return Value::Bool(js::LooseEquals(Arg(n, 0, data), Arg(n, 1, data)));
      case Op::kStrictEq: return Value::Bool(js::StrictEquals(Arg(n, 0, data), Arg(n, 1, data)));
      case Op::kNe: return Value::Bool(!js::LooseEquals(Arg(n, 0, data), Arg(n, 1, data)));
      case Op::kStrictNe: return Value::Bool(!js::StrictEquals(Arg(n, 0, data), Arg(n, 1, data)));
      case Op::kGt: return Relation(n, data, js::Relation::kGreater);
      case Op::kGe: return Relation(n, data, js::Relation::kGreaterEqual);
      case Op::kLt: return Relation(n, data, js::Relation::kLess);
      case Op::kLe: return Relation(n, data, js::Relation::kLessEqual);
      case Op::kAdd: return Add(n, data);
      case Op::kSub: return Subtract(n, data);
      case Op::kMul: return Multiply(n, data);
      case Op::kDiv:
        return Value::Number(js::ToNumber(Arg(n, 0, data)) / js::ToNumber(Arg(n, 1, data)));
      case Op::kMod:  // fmod has JS %'s sign and NaN/Infinity rules
        return Value::Number(
            std::fmod(js::ToNumber(Arg(n, 0, data)), js::ToNumber(Arg(n, 1, data))));
      case Op::kMax: return MinMax(n, data, /*max=*/true);
      case Op::kMin: return MinMax(n, data, /*max=*/false);
      case Op::kCat: return Cat(n, data);
      case Op::kSubstr: return Substr(n, data);
      case Op::kIn: return In(n, data);
      case Op::kMerge: return Merge(n, data);
      case Op::kMap: return Map(n, data);
      case Op::kFilter: return Filter(n, data);
      case Op::kReduce: return Reduce(n, data);
      case Op::kAll:
        return Quantify(n, data, /*on_empty=*/false, /*stop_on=*/false, /*decided=*/false);
      case Op::kNone:
        return Quantify(n, data, /*on_empty=*/true, /*stop_on=*/true, /*decided=*/false);
      case Op::kSome:
        return Quantify(n, data, /*on_empty=*/false, /*stop_on=*/true, /*decided=*/true);
      case Op::kLog: return Arg(n, 0, data);
    }
    return Value::Null();
  }

  // Evaluates every argument into arena storage, for the variadic operators
  // that need them all at once.
  Value* EvalArgs(const Node& n, const Value& data) {
    Value* args = arena->AllocateChildren(n.count);
    for (uint32_t i = 0; i < n.count; ++i) args[i] = Arg(n, i, data);
    return args;
  }

  Value EvalArray(const Node& n, const Value& data) {
    return Document::MakeArray(EvalArgs(n, data), n.count);
  }

  Value Var(const Node& n, const Value& data) {
    if (n.count == 0) return data;
    Value key = Arg(n, 0, data);
    if (MeansWholeData(key)) return data;
    Value found;
    if (LookupPath(data, key, arena, &found)) return found;
    // The default is only needed (and so only evaluated) on a miss.
    return n.count > 1 ? Arg(n, 1, data) : Value::Null();
  }

  // {"missing": [k1, k2]} checks its arguments; {"missing": [[k1, k2]]} or
  // {"missing": {"merge": ...}} checks the array its first argument gives.
  Value Missing(const Node& n, const Value& data) {
    if (n.count == 0) return EmptyArray();
    Value first = Arg(n, 0, data);
    if (first.is_array()) {
      return MissingKeys(first.size(), [&](uint32_t i) { return first.at(i); }, data, arena);
    }
    Value* keys = arena->AllocateChildren(n.count);
    keys[0] = first;
    for (uint32_t i = 1; i < n.count; ++i) keys[i] = Arg(n, i, data);
    return MissingKeys(n.count, [&](uint32_t i) { return keys[i]; }, data, arena);
  }

  // json-logic-js: are_missing = apply({"missing": options});
  // options.length - are_missing.length >= need ? [] : are_missing.
  Value MissingSome(const Node& n, const Value& data) {
    Value need = Arg(n, 0, data);
    Value options = Arg(n, 1, data);
    Value missing;
    if (options.is_array()) {
      // {"missing": options} spreads options into arguments, so a leading
      // array is itself the key list.
      Value keys = options.size() > 0 && options.at(0).is_array() ? options.at(0) : options;
      missing = MissingKeys(keys.size(), [&](uint32_t i) { return keys.at(i); }, data, arena);
    } else {
      missing = MissingKeys(1, [&](uint32_t) { return options; }, data, arena);
    }
    // `options.length`: undefined (NaN) unless options is an array or string.
    double total = options.is_array()    ? options.size()
                   : options.is_string() ? Utf16Length(options.as_string())
                                         : kNaN;
    Value present = Value::Number(total - missing.size());
    return js::Compare(present, need, js::Relation::kGreaterEqual) ? EmptyArray() : missing;
  }

  // [cond1, then1, cond2, then2, ..., else]; an odd trailing argument is the
  // else branch, and there is no else without one.
  Value If(const Node& n, const Value& data) {
    uint32_t i = 0;
    for (; i + 1 < n.count; i += 2) {
      if (Truthy(Arg(n, i, data))) return Arg(n, i + 1, data);
    }
    return i + 1 == n.count ? Arg(n, i, data) : Value::Null();
  }

  // and: the first falsy operand, else the last. or: the first truthy one,
  // else the last. Arity guarantees at least one operand.
  Value AndOr(const Node& n, const Value& data, bool stop_when) {
    Value current;
    for (uint32_t i = 0; i < n.count; ++i) {
      current = Arg(n, i, data);
      if (Truthy(current) == stop_when) return current;
    }
    return current;
  }

  // {"<": [a, b, c]} is a < b && b < c (likewise <=).
  Value Relation(const Node& n, const Value& data, js::Relation rel) {
    Value a = Arg(n, 0, data);
    Value b = Arg(n, 1, data);
    bool result = js::Compare(a, b, rel);
    if (result && n.count == 3) result = js::Compare(b, Arg(n, 2, data), rel);
    return Value::Bool(result);
  }

  // json-logic-js: args.reduce((a, b) => parseFloat(a) + parseFloat(b), 0).
  Value Add(const Node& n, const Value& data) {
    double sum = 0;
    for (uint32_t i = 0; i < n.count; ++i) sum += ParseFloat(Arg(n, i, data));
    return Value::Number(sum);
  }

  Value Subtract(const Node& n, const Value& data) {
    double a = js::ToNumber(Arg(n, 0, data));
    if (n.count == 1) return Value::Number(-a);
    return Value::Number(a - js::ToNumber(Arg(n, 1, data)));
  }

  // json-logic-js: args.reduce((a, b) => parseFloat(a) * parseFloat(b)).
  // Re-applying parseFloat to the running product matters only for -0,
  // which it turns into 0 (so -0 * -1 is -0, as in JS, not 0).
  Value Multiply(const Node& n, const Value& data) {
    double product = ParseFloat(Arg(n, 0, data));
    for (uint32_t i = 1; i < n.count; ++i) {
      product = (product == 0 ? 0.0 : product) * ParseFloat(Arg(n, i, data));
    }
    return Value::Number(product);
  }

  // Math.max / Math.min: NaN wins, and +0 is greater than -0.
  Value MinMax(const Node& n, const Value& data, bool max) {
    double best = max ? -kInfinity : kInfinity;
    for (uint32_t i = 0; i < n.count; ++i) {
      double x = js::ToNumber(Arg(n, i, data));
      if (std::isnan(x)) return Value::Number(kNaN);
      bool better = max ? (x > best || (x == 0 && best == 0 && !std::signbit(x)))
                        : (x < best || (x == 0 && best == 0 && std::signbit(x)));
      if (better) best = x;
    }
    return Value::Number(best);
  }

  // Array.prototype.join(""): null becomes "", the rest String(v).
  Value Cat(const Node& n, const Value& data) {
    if (n.count == 1) {
      Value only = Arg(n, 0, data);
      if (only.is_string()) return only;
    }
    std::string text;
    for (uint32_t i = 0; i < n.count; ++i) {
      Value part = Arg(n, i, data);
      if (!part.is_null()) js::AppendString(part, &text);
    }
    return arena->CopyString(text);
  }

  // String(source).substr(start, length), plus json-logic-js's negative
  // length: substr(start) with that many code units dropped from its end.
  Value Substr(const Node& n, const Value& data) {
    Value source = Arg(n, 0, data);
    std::string scratch;
    std::string_view text;
    if (source.is_string()) {
      text = source.as_string();
    } else {
      scratch = js::ToString(source);
      text = scratch;
    }
    const double size = Utf16Length(text);
    double start = ToIntegerOrInfinity(Arg(n, 1, data));
    start = start < 0 ? std::max(size + start, 0.0) : std::min(start, size);
    double end = size;
    if (n.count == 3) {
      Value length = Arg(n, 2, data);
      double tail = size - start;
      double keep;
      if (js::Compare(length, Value::Number(0), js::Relation::kLess)) {
        // `temp.length + end`: numeric for a number; for a string or array
        // it concatenates ("5" + "-2" = "5-2"), which is NaN, hence 0.
        keep = length.is_number() ? std::trunc(tail + length.as_number()) : 0;
      } else {
        keep = ToIntegerOrInfinity(length);
      }
      end = start + std::min(std::max(keep, 0.0), tail);
    }
    return Utf16Slice(text, start, end, source.is_string(), arena);
  }

  // String haystack: substring test. Array haystack: any element === needle.
  // Anything else is false, and so is "" (json-logic-js tests `!b` first,
  // although "".indexOf("") would be 0).
  Value In(const Node& n, const Value& data) {
    Value needle = Arg(n, 0, data);
    Value haystack = Arg(n, 1, data);
    if (haystack.is_string() && haystack.size() > 0) {
      if (needle.is_string()) {
        return Value::Bool(haystack.as_string().find(needle.as_string()) != std::string_view::npos);
      }
      std::string text = js::ToString(needle);
      return Value::Bool(haystack.as_string().find(text) != std::string_view::npos);
    }
    if (haystack.is_array()) {
      for (uint32_t i = 0; i < haystack.size(); ++i) {
        if (js::StrictEquals(needle, haystack.at(i))) return Value::Bool(true);
      }
    }
    return Value::Bool(false);
  }

  // [].concat(a, b, ...): arrays contribute their elements, others themselves.
  Value Merge(const Node& n, const Value& data) {
    Value* args = EvalArgs(n, data);
    uint32_t total = 0;
    for (uint32_t i = 0; i < n.count; ++i) total += args[i].is_array() ? args[i].size() : 1;
    Value* out = arena->AllocateChildren(total);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n.count; ++i) {
      if (!args[i].is_array()) {
        out[k++] = args[i];
        continue;
      }
      for (uint32_t j = 0; j < args[i].size(); ++j) out[k++] = args[i].at(j);
    }
    return Document::MakeArray(out, total);
  }

  Value Map(const Node& n, const Value& data) {
    Value list = Arg(n, 0, data);
    if (!list.is_array()) return EmptyArray();
    const uint32_t rule = ChildId(n, 1);
    Value* out = arena->AllocateChildren(list.size());
    for (uint32_t i = 0; i < list.size(); ++i) out[i] = Eval(rule, list.at(i));
    return Document::MakeArray(out, list.size());
  }

  Value Filter(const Node& n, const Value& data) {
    Value list = Arg(n, 0, data);
    if (!list.is_array()) return EmptyArray();
    const uint32_t rule = ChildId(n, 1);
    Value* out = arena->AllocateChildren(list.size());
    uint32_t kept = 0;
    for (uint32_t i = 0; i < list.size(); ++i) {
      if (Truthy(Eval(rule, list.at(i)))) out[kept++] = list.at(i);
    }
    return Document::MakeArray(out, kept);
  }

  Value Reduce(const Node& n, const Value& data) {
    Value list = Arg(n, 0, data);
    Value accumulator = n.count > 2 ? Arg(n, 2, data) : Value::Null();
    if (!list.is_array()) return accumulator;
    const uint32_t rule = ChildId(n, 1);
    for (uint32_t i = 0; i < list.size(); ++i) {
      // A fresh context per step: the rule may return the context itself
      // ({"var": ""}), and the next step must not overwrite it in place.
      Value* members = arena->AllocateChildren(4);
      members[0] = Value::String("current");
      members[1] = list.at(i);
      members[2] = Value::String("accumulator");
      members[3] = accumulator;
      accumulator = Eval(rule, Document::MakeObject(members, 2));
    }
    return accumulator;
  }

  // all / none / some. An empty or non-array list gives `on_empty`;
  // otherwise the first element whose truthiness is `stop_on` decides
  // `decided`, and without one the answer is !decided.
  //   all:  on_empty false, stops on a falsy element with false.
  //   none: on_empty true,  stops on a truthy element with false.
  //   some: on_empty false, stops on a truthy element with true.
  Value Quantify(const Node& n, const Value& data, bool on_empty, bool stop_on, bool decided) {
    Value list = Arg(n, 0, data);
    if (!list.is_array() || list.size() == 0) return Value::Bool(on_empty);
    const uint32_t rule = ChildId(n, 1);
    for (uint32_t i = 0; i < list.size(); ++i) {
      if (Truthy(Eval(rule, list.at(i))) == stop_on) return Value::Bool(decided);
    }
    return Value::Bool(!decided);
  }
};

Value JsonLogic::Apply(const Value& data, Document* arena) const {
  if (nodes_.empty()) return Value::Null();  // moved-from
  Evaluator evaluator{*this, arena};
  return evaluator.Eval(root_, data);
}

bool JsonLogic::Test(const Value& data, Document* arena) const {
  return Truthy(Apply(data, arena));
}

}  // namespace leadseg
