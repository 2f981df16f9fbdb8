#include "conditions/condition.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/bytes.h"
#include "core/js.h"
#include "core/value_codec.h"

namespace leadseg {
namespace {

enum class Op : uint8_t {
  // Condition nodes: evaluated against a context (the attribute set, or an
  // array element inside $elemMatch).
  kTrue,
  kFalse,
  kAnd,
  kOr,
  kNor,
  kNotCondition,
  kField,  // path lookup, then the value matcher in children[0]
  // Value matchers: evaluated against one Value.
  kMatchString,
  kMatchStringFolded,  // inside $alli
  kMatchNumber,
  kMatchBool,
  kMatchNull,
  kMatchStringify,
  kMatchAll,  // an operator object: every child operator must pass
  // Operators: evaluated against one Value.
  kEq,
  kNe,
  kLt,
  kLte,
  kGt,
  kGte,
  kExists,
  kNotExists,
  kIn,
  kNin,
  kInFolded,
  kNinFolded,
  kNotValue,
  kSize,
  kElemMatchValue,
  kElemMatchCondition,
  kAllOf,
  kRegex,
  kType,
  kVersion,
  kFalseValue,
};

enum class VersionRel : uint8_t { kEq, kNe, kGt, kGte, kLt, kLte };

struct Node {
  Op op = Op::kTrue;
  VersionRel rel = VersionRel::kEq;
  // Fast paths decided at compile time: a relational operand that is a
  // finite number, an $in list made only of strings.
  bool numeric = false;
  bool strings_only = false;
  uint32_t first = 0;  // into Program::kids
  uint32_t count = 0;
  int32_t index = -1;  // path, regex or source index, by op
  Value operand;       // constant operand, in Program::constants
};

struct PathSegment {
  std::string name;
  bool is_index = false;  // a canonical array index ("0", "17")
  uint32_t index = 0;
  bool is_length = false;
};

struct Path {
  int attr = AttributeSchema::kNotFound;
  std::string dotted;
  std::vector<PathSegment> segments;
};

struct Leaf {
  std::string pointer;
  Value operand;  // in the program's constants
  bool in_element = false;  // inside $elemMatch: reads an array element
  bool used = false;
};

// The evaluation context of a condition node: the attribute set at the top
// level, or one array element inside $elemMatch.
struct Context {
  const AttributeSet* root;
  Value element;
};

bool IsOperatorObject(const Json& j) {
  if (!j.is_object() || j.empty()) return false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key().empty() || it.key()[0] != '$') return false;
  }
  return true;
}

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsFolded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (FoldAscii(a[i]) != FoldAscii(b[i])) return false;
  }
  return true;
}

std::string FoldString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = FoldAscii(c);
  return out;
}

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// GrowthBook's paddedVersionString: strip a leading "v" and "+build",
// split on "-" and ".", add "~" to plain x.y.z so it sorts after
// pre-releases, left-pad numeric parts to width 5, join with "-".
void PaddedVersion(const Value& input, std::string* out) {
  out->clear();
  std::string text;
  if (input.is_number()) text = js::NumberToString(input.as_number());
  else if (input.is_string() && input.size() > 0) text = std::string(input.as_string());
  else text = "0";
  std::string_view s = text;
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) s = s.substr(0, plus);
  int parts = 0;
  size_t start = 0;
  auto emit = [&](std::string_view part) {
    if (parts++) out->push_back('-');
    if (IsAllDigits(part) && part.size() < 5) out->append(5 - part.size(), ' ');
    out->append(part);
  };
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-' || s[i] == '.') {
      emit(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts == 3) emit("~");
}

}  // namespace

struct Condition::Program {
  std::vector<Node> nodes;
  std::vector<uint32_t> kids;
  std::vector<Path> paths;
  std::vector<Regex> regexes;
  std::vector<std::string> strings;  // padded versions, folded lists
  std::vector<Leaf> leaves;          // per kField node, for Explain
  Document constants;
  std::vector<Status> warnings;
  std::vector<int> attrs;
  std::string canonical;
  uint32_t root = 0;

  // --- evaluation ---------------------------------------------------------
  bool EvalCondition(uint32_t id, const Context& ctx, std::vector<LeafTrace>* trace) const;
  bool EvalValue(uint32_t id, const Value& v, std::vector<LeafTrace>* trace) const;
  Value Lookup(const Path& path, const Context& ctx) const;
  bool InList(const Node& n, const Value& actual, bool folded) const;

  // --- decoding (Condition::Decode) ---------------------------------------
  bool NodeIsWellFormed(uint32_t id) const;
};

// Compiles a JSON condition into a Program.
class ConditionCompiler {
 public:
  ConditionCompiler(Condition::Program* p, AttributeSchema* schema, const ConditionOptions& options)
      : p_(p), schema_(schema), options_(options) {}

  Result<uint32_t> CompileCondition(const Json& c, const std::string& path, int depth);

 private:
  Result<uint32_t> CompileValue(const Json& c, const std::string& path, int depth, bool folded);
  Result<uint32_t> CompileOperator(const std::string& op, const Json& x, const std::string& path,
                                   int depth);
  uint32_t Add(Node n) {
    p_->nodes.push_back(n);
    return static_cast<uint32_t>(p_->nodes.size() - 1);
  }
  uint32_t AddWithKids(Op op, const std::vector<uint32_t>& kids) {
    Node n;
    n.op = op;
    n.first = static_cast<uint32_t>(p_->kids.size());
    n.count = static_cast<uint32_t>(kids.size());
    p_->kids.insert(p_->kids.end(), kids.begin(), kids.end());
    return Add(n);
  }
  // Strict mode: an error. Compatible mode: a warning and a node that is
  // always false, which is what the GrowthBook SDK evaluates it to.
  Result<uint32_t> Reject(Status status, Op false_op) {
    if (options_.strict) return status;
    p_->warnings.push_back(std::move(status));
    Node n;
    n.op = false_op;
    return Add(n);
  }
  int AddPath(const std::string& dotted);
  Value Constant(const Json& j) { return p_->constants.Add(j); }

  Condition::Program* p_;
  int element_depth_ = 0;
  AttributeSchema* schema_;
  const ConditionOptions& options_;
};

namespace {
constexpr int kMaxConditionDepth = 64;
}  // namespace

Result<uint32_t> ConditionCompiler::CompileCondition(const Json& c, const std::string& path, int depth) {
  if (depth > kMaxConditionDepth) {
    return OutOfRange("condition nests deeper than " + std::to_string(kMaxConditionDepth) + " levels",
                      path);
  }
  if (!c.is_object()) {
    return InvalidArgument(std::string("a condition must be an object, got ") + JsonTypeName(c), path);
  }
  std::vector<uint32_t> parts;
  for (auto it = c.begin(); it != c.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    std::string here = ChildPath(path, key);
    if (key == "$or" || key == "$and" || key == "$nor") {
      Op op = key == "$or" ? Op::kOr : key == "$and" ? Op::kAnd : Op::kNor;
      if (!v.is_array()) {
        // The SDK reads `.length` of a non-array as undefined: $or/$and
        // pass, $nor fails.
        auto r = Reject(InvalidArgument(key + " needs an array of conditions", here),
                        op == Op::kNor ? Op::kFalse : Op::kTrue);
        if (!r.ok()) return r;
        parts.push_back(*r);
        continue;
      }
      std::vector<uint32_t> kids;
      for (size_t i = 0; i < v.size(); ++i) {
        auto k = CompileCondition(v[i], ChildPath(here, i), depth + 1);
        if (!k.ok()) return k;
        kids.push_back(*k);
      }
      parts.push_back(AddWithKids(op, kids));
    } else if (key == "$not") {
      auto k = CompileCondition(v, here, depth + 1);
      if (!k.ok()) return k;
      parts.push_back(AddWithKids(Op::kNotCondition, {*k}));
    } else if (options_.strict && !key.empty() && key[0] == '$') {
      // GrowthBook reads "$ro" as an attribute named "$ro" that never
      // exists; in a config that is a typo for $or and must say so.
      return InvalidArgument("unknown logical operator " + key + " (use $and, $or, $nor or $not)", here);
    } else {
      auto matcher = CompileValue(v, here, depth + 1, /*folded=*/false);
      if (!matcher.ok()) return matcher;
      Node n;
      n.op = Op::kField;
      n.index = AddPath(key);
      n.first = static_cast<uint32_t>(p_->kids.size());
      n.count = 1;
      p_->kids.push_back(*matcher);
      uint32_t id = Add(n);
      // Leaves are indexed by node id for Explain.
      if (p_->leaves.size() <= id) p_->leaves.resize(id + 1);
      p_->leaves[id] = Leaf{here, Constant(v), element_depth_ > 0, true};
      parts.push_back(id);
    }
  }
  if (parts.size() == 1) return parts[0];
  if (parts.empty()) {
    Node n;
    n.op = Op::kTrue;
    return Add(n);
  }
  return AddWithKids(Op::kAnd, parts);
}

int ConditionCompiler::AddPath(const std::string& dotted) {
  for (size_t i = 0; i < p_->paths.size(); ++i) {
    if (p_->paths[i].dotted == dotted) return static_cast<int>(i);
  }
  Path path;
  path.dotted = dotted;
  size_t start = 0;
  for (size_t i = 0; i <= dotted.size(); ++i) {
    if (i == dotted.size() || dotted[i] == '.') {
      PathSegment seg;
      seg.name = dotted.substr(start, i - start);
      seg.is_length = seg.name == "length";
      // Array keys are canonical numeric strings: "01" is not an index.
      if (IsAllDigits(seg.name) && seg.name.size() < 10 && (seg.name == "0" || seg.name[0] != '0')) {
        seg.is_index = true;
        // Not std::stoul: its out-of-range error path links printf into the runtime.
        for (char c : seg.name) seg.index = seg.index * 10 + static_cast<uint32_t>(c - '0');
      }
      path.segments.push_back(std::move(seg));
      start = i + 1;
    }
  }
  path.attr = schema_->Intern(path.segments[0].name);
  if (std::find(p_->attrs.begin(), p_->attrs.end(), path.attr) == p_->attrs.end()) {
    p_->attrs.push_back(path.attr);
  }
  p_->paths.push_back(std::move(path));
  return static_cast<int>(p_->paths.size() - 1);
}

Result<uint32_t> ConditionCompiler::CompileValue(const Json& c, const std::string& path, int depth,
                                        bool folded) {
  if (depth > kMaxConditionDepth) {
    return OutOfRange("condition nests deeper than " + std::to_string(kMaxConditionDepth) + " levels",
                      path);
  }
  Node n;
  if (c.is_string()) {
    n.op = folded ? Op::kMatchStringFolded : Op::kMatchString;
    n.operand = folded ? Constant(FoldString(c.get_ref<const std::string&>())) : Constant(c);
    return Add(n);
  }
  if (c.is_number()) {
    n.op = Op::kMatchNumber;
    n.operand = Constant(c);
    return Add(n);
  }
  if (c.is_boolean()) {
    n.op = Op::kMatchBool;
    n.operand = Constant(c);
    return Add(n);
  }
  if (c.is_null()) {
    n.op = Op::kMatchNull;
    return Add(n);
  }
  if (!IsOperatorObject(c)) {
    if (options_.strict && c.is_object()) {
      // A mix of operators and plain keys is almost always a typo for an
      // operator; the SDK would compare JSON text and never match.
      for (auto it = c.begin(); it != c.end(); ++it) {
        if (!it.key().empty() && it.key()[0] == '$') {
          return InvalidArgument("operator " + it.key() +
                                     " is mixed with plain keys; such an object is compared as a "
                                     "literal value and never acts as an operator",
                                 ChildPath(path, it.key()));
        }
      }
    }
    n.op = Op::kMatchStringify;
    n.operand = Constant(c);
    return Add(n);
  }
  std::vector<uint32_t> ops;
  for (auto it = c.begin(); it != c.end(); ++it) {
    auto op = CompileOperator(it.key(), it.value(), ChildPath(path, it.key()), depth + 1);
    if (!op.ok()) return op;
    ops.push_back(*op);
  }
  if (ops.size() == 1) return ops[0];
  return AddWithKids(Op::kMatchAll, ops);
}

Result<uint32_t> ConditionCompiler::CompileOperator(const std::string& op, const Json& x,
                                           const std::string& path, int depth) {
  Node n;
  auto simple = [&](Op o) {
    n.op = o;
    n.operand = Constant(x);
    return Add(n);
  };
  if (op == "$eq") return simple(Op::kEq);
  if (op == "$ne") return simple(Op::kNe);
  if (op == "$lt" || op == "$lte" || op == "$gt" || op == "$gte") {
    n.numeric = x.is_number() && std::isfinite(x.get<double>());
    return simple(op == "$lt" ? Op::kLt : op == "$lte" ? Op::kLte : op == "$gt" ? Op::kGt : Op::kGte);
  }
  if (op == "$exists") {
    n.op = js::Truthy(Constant(x)) ? Op::kExists : Op::kNotExists;
    return Add(n);
  }
  if (op == "$in" || op == "$nin" || op == "$ini" || op == "$nini") {
    if (!x.is_array()) {
      return Reject(InvalidArgument(op + " needs an array, got " + JsonTypeName(x), path),
                    Op::kFalseValue);
    }
    bool folded = op == "$ini" || op == "$nini";
    bool negated = op == "$nin" || op == "$nini";
    n.op = folded ? (negated ? Op::kNinFolded : Op::kInFolded) : (negated ? Op::kNin : Op::kIn);
    if (folded) {
      Json lowered = Json::array();
      for (const Json& e : x) lowered.push_back(e.is_string() ? Json(FoldString(e.get_ref<const std::string&>())) : e);
      n.operand = Constant(lowered);
    } else {
      n.operand = Constant(x);
    }
    n.strings_only = std::all_of(x.begin(), x.end(), [](const Json& e) { return e.is_string(); });
    return Add(n);
  }
  if (op == "$inGroup" || op == "$notInGroup") {
    Json members = Json::array();
    const Json* groups = options_.saved_groups;
    bool known = false;
    if (x.is_string() && groups && groups->is_object()) {
      auto it = groups->find(x.get_ref<const std::string&>());
      if (it != groups->end() && it->is_array()) {
        members = *it;
        known = true;
      }
    }
    if (!known && options_.strict) {
      return InvalidArgument("unknown saved group " + x.dump(), path);
    }
    n.op = op == "$inGroup" ? Op::kIn : Op::kNin;
    n.operand = Constant(members);
    return Add(n);
  }
  if (op == "$not" || op == "$size") {
    auto k = CompileValue(x, path, depth + 1, false);
    if (!k.ok()) return k;
    return AddWithKids(op == "$not" ? Op::kNotValue : Op::kSize, {*k});
  }
  if (op == "$elemMatch") {
    if (IsOperatorObject(x)) {
      auto k = CompileValue(x, path, depth + 1, false);
      if (!k.ok()) return k;
      return AddWithKids(Op::kElemMatchValue, {*k});
    }
    if (!x.is_object()) {
      return Reject(InvalidArgument("$elemMatch needs an object, got " + std::string(JsonTypeName(x)), path),
                    Op::kFalseValue);
    }
    ++element_depth_;
    auto k = CompileCondition(x, path, depth + 1);
    --element_depth_;
    if (!k.ok()) return k;
    return AddWithKids(Op::kElemMatchCondition, {*k});
  }
  if (op == "$all" || op == "$alli") {
    if (!x.is_array()) {
      return Reject(InvalidArgument(op + " needs an array, got " + JsonTypeName(x), path),
                    Op::kFalseValue);
    }
    std::vector<uint32_t> kids;
    for (size_t i = 0; i < x.size(); ++i) {
      auto k = CompileValue(x[i], ChildPath(path, i), depth + 1, op == "$alli");
      if (!k.ok()) return k;
      kids.push_back(*k);
    }
    return AddWithKids(Op::kAllOf, kids);
  }
  if (op == "$regex" || op == "$regexi") {
    // new RegExp(x) stringifies a non-string pattern.
    std::string pattern = x.is_string() ? x.get<std::string>() : js::ToString(Constant(x));
    auto re = Regex::Compile(pattern, op == "$regexi");
    if (!re.ok()) {
      return Reject(Status(re.status().code(), "invalid " + op + " pattern: " + re.status().message(), path),
                    Op::kFalseValue);
    }
    p_->regexes.push_back(std::move(re).value());
    n.op = Op::kRegex;
    n.index = static_cast<int32_t>(p_->regexes.size() - 1);
    return Add(n);
  }
  if (op == "$type") {
    static const char* const kTypes[] = {"null", "array", "string", "number", "boolean", "object"};
    bool valid = x.is_string() && std::any_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) {
                   return x.get_ref<const std::string&>() == t;
                 });
    if (!valid) {
      return Reject(InvalidArgument("$type needs one of null, array, string, number, boolean, object", path),
                    Op::kFalseValue);
    }
    return simple(Op::kType);
  }
  static const struct {
    const char* name;
    VersionRel rel;
  } kVersionOps[] = {{"$veq", VersionRel::kEq}, {"$vne", VersionRel::kNe},  {"$vgt", VersionRel::kGt},
                     {"$vgte", VersionRel::kGte}, {"$vlt", VersionRel::kLt}, {"$vlte", VersionRel::kLte}};
  for (const auto& v : kVersionOps) {
    if (op == v.name) {
      std::string padded;
      PaddedVersion(Constant(x), &padded);
      p_->strings.push_back(std::move(padded));
      n.op = Op::kVersion;
      n.rel = v.rel;
      n.index = static_cast<int32_t>(p_->strings.size() - 1);
      return Add(n);
    }
  }
  return Reject(InvalidArgument("unknown operator " + op, path), Op::kFalseValue);
}

// --- evaluation -------------------------------------------------------------

Value Condition::Program::Lookup(const Path& path, const Context& ctx) const {
  if (ctx.root && path.segments.size() == 1) {
    const Value* top = ctx.root->Get(path.attr);
    return top ? *top : Value::Null();
  }
  Value current;
  size_t i = 0;
  if (ctx.root) {
    const Value* top = ctx.root->Get(path.attr);
    if (!top) return Value::Null();
    current = *top;
    i = 1;
  } else {
    current = ctx.element;
  }
  for (; i < path.segments.size(); ++i) {
    const PathSegment& seg = path.segments[i];
    if (!js::Truthy(current)) return Value::Null();
    if (current.is_object()) {
      const Value* next = current.find(seg.name);
      if (!next) return Value::Null();
      current = *next;
    } else if (current.is_array()) {
      if (seg.is_length) {
        current = Value::Number(current.size());
      } else if (seg.is_index && seg.index < current.size()) {
        current = current.at(seg.index);
      } else {
        return Value::Null();
      }
    } else {
      return Value::Null();
    }
  }
  return current;
}

bool Condition::Program::InList(const Node& n, const Value& actual, bool folded) const {
  const Value& list = n.operand;
  if (n.strings_only && !folded && !actual.is_array()) {
    // Strict membership in a list of strings: only a string can be in it.
    if (!actual.is_string()) return false;
    std::string_view v = actual.as_string();
    for (uint32_t i = 0; i < list.size(); ++i) {
      if (list.at(i).as_string() == v) return true;
    }
    return false;
  }
  auto member = [&](const Value& v) {
    for (uint32_t i = 0; i < list.size(); ++i) {
      const Value e = list.at(i);
      if (folded && v.is_string() && e.is_string()) {
        if (EqualsFolded(v.as_string(), e.as_string())) return true;
      } else if (js::SameValueZero(v, e)) {
        return true;
      }
    }
    return false;
  };
  if (actual.is_array()) {
    for (uint32_t i = 0; i < actual.size(); ++i) {
      if (member(actual.at(i))) return true;
    }
    return false;
  }
  return member(actual);
}

bool Condition::Program::EvalCondition(uint32_t id, const Context& ctx,
                                       std::vector<LeafTrace>* trace) const {
  const Node& n = nodes[id];
  switch (n.op) {
    case Op::kTrue: return true;
    case Op::kFalse: return false;
    case Op::kAnd:
      for (uint32_t i = 0; i < n.count; ++i) {
        if (!EvalCondition(kids[n.first + i], ctx, trace)) return false;
      }
      return true;
    case Op::kOr:
      if (n.count == 0) return true;
      for (uint32_t i = 0; i < n.count; ++i) {
        if (EvalCondition(kids[n.first + i], ctx, trace)) return true;
      }
      return false;
    case Op::kNor:
      if (n.count == 0) return false;
      for (uint32_t i = 0; i < n.count; ++i) {
        if (EvalCondition(kids[n.first + i], ctx, trace)) return false;
      }
      return true;
    case Op::kNotCondition: return !EvalCondition(kids[n.first], ctx, trace);
    case Op::kField: {
      const Path& path = paths[static_cast<size_t>(n.index)];
      Value v = Lookup(path, ctx);
      bool passed = EvalValue(kids[n.first], v, trace);
      if (trace && ctx.root) {
        LeafTrace t;
        t.path = leaves[id].pointer;
        t.attribute = path.dotted;
        t.operand = leaves[id].operand;
        t.actual = v;
        t.passed = passed;
        trace->push_back(std::move(t));
      }
      return passed;
    }
    default: return EvalValue(id, ctx.element, trace);
  }
}

bool Condition::Program::EvalValue(uint32_t id, const Value& v, std::vector<LeafTrace>* trace) const {
  const Node& n = nodes[id];
  switch (n.op) {
    case Op::kMatchString: return js::StringEquals(v, n.operand.as_string());
    case Op::kMatchStringFolded: {
      if (v.is_string()) return EqualsFolded(v.as_string(), n.operand.as_string());
      return EqualsFolded(js::ToString(v), n.operand.as_string());
    }
    case Op::kMatchNumber: return js::ToNumber(v) == n.operand.as_number();
    case Op::kMatchBool: return !v.is_null() && js::Truthy(v) == n.operand.as_bool();
    case Op::kMatchNull: return v.is_null();
    case Op::kMatchStringify: return js::StringifyEquals(v, n.operand);
    case Op::kMatchAll:
      for (uint32_t i = 0; i < n.count; ++i) {
        if (!EvalValue(kids[n.first + i], v, trace)) return false;
      }
      return true;
    case Op::kEq: return js::StrictEquals(v, n.operand);
    case Op::kNe: return !js::StrictEquals(v, n.operand);
    // Number against a numeric operand is the common case: compare directly
    // (a NaN attribute fails every comparison, as in JavaScript).
    case Op::kLt:
      if (n.numeric && v.is_number()) return v.as_number() < n.operand.as_number();
      return js::Compare(v, n.operand, js::Relation::kLess);
    case Op::kLte:
      if (n.numeric && v.is_number()) return v.as_number() <= n.operand.as_number();
      return js::Compare(v, n.operand, js::Relation::kLessEqual);
    case Op::kGt:
      if (n.numeric && v.is_number()) return v.as_number() > n.operand.as_number();
      return js::Compare(v, n.operand, js::Relation::kGreater);
    case Op::kGte:
      if (n.numeric && v.is_number()) return v.as_number() >= n.operand.as_number();
      return js::Compare(v, n.operand, js::Relation::kGreaterEqual);
    case Op::kExists: return !v.is_null();
    case Op::kNotExists: return v.is_null();
    case Op::kIn: return InList(n, v, false);
    case Op::kNin: return !InList(n, v, false);
    case Op::kInFolded: return InList(n, v, true);
    case Op::kNinFolded: return !InList(n, v, true);
    case Op::kNotValue: return !EvalValue(kids[n.first], v, trace);
    case Op::kSize:
      if (!v.is_array()) return false;
      return EvalValue(kids[n.first], Value::Number(v.size()), trace);
    case Op::kElemMatchValue:
    case Op::kElemMatchCondition:
      if (!v.is_array()) return false;
      for (uint32_t i = 0; i < v.size(); ++i) {
        Value e = v.at(i);
        if (!js::Truthy(e)) continue;  // the SDK skips falsy elements
        bool hit = n.op == Op::kElemMatchValue ? EvalValue(kids[n.first], e, trace)
                                               : EvalCondition(kids[n.first], Context{nullptr, e}, nullptr);
        if (hit) return true;
      }
      return false;
    case Op::kAllOf:
      if (!v.is_array()) return false;
      for (uint32_t i = 0; i < n.count; ++i) {
        bool found = false;
        for (uint32_t j = 0; j < v.size() && !found; ++j) found = EvalValue(kids[n.first + i], v.at(j), trace);
        if (!found) return false;
      }
      return true;
    case Op::kRegex: {
      const Regex& re = regexes[static_cast<size_t>(n.index)];
      if (v.is_string()) return re.Search(v.as_string());
      return re.Search(js::ToString(v));
    }
    case Op::kType: return n.operand.as_string() == ValueTypeName(v.type());
    case Op::kVersion: {
      static thread_local std::string padded;
      PaddedVersion(v, &padded);
      int c = padded.compare(strings[static_cast<size_t>(n.index)]);
      switch (n.rel) {
        case VersionRel::kEq: return c == 0;
        case VersionRel::kNe: return c != 0;
        case VersionRel::kGt: return c > 0;
        case VersionRel::kGte: return c >= 0;
        case VersionRel::kLt: return c < 0;
        case VersionRel::kLte: return c <= 0;
      }
      return false;
    }
    case Op::kFalseValue: return false;
    default: return false;
  }
}

// --- Condition --------------------------------------------------------------

Condition::Condition(std::unique_ptr<Program> program) : program_(std::move(program)) {}
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;
Condition::~Condition() = default;

Result<Condition> Condition::Compile(const Json& condition, AttributeSchema* schema,
                                     const ConditionOptions& options, const std::string& path) {
  auto program = std::make_unique<Program>();
  ConditionCompiler compiler(program.get(), schema, options);
  auto root = compiler.CompileCondition(condition, path, 0);
  if (!root.ok()) return root.status();
  program->root = *root;
  program->canonical = condition.dump();
  return Condition(std::move(program));
}

bool Condition::Evaluate(const AttributeSet& attributes) const {
  return program_->EvalCondition(program_->root, Context{&attributes, Value()}, nullptr);
}

bool Condition::Explain(const AttributeSet& attributes, std::vector<LeafTrace>* trace) const {
  return program_->EvalCondition(program_->root, Context{&attributes, Value()}, trace);
}

const std::vector<Status>& Condition::warnings() const { return program_->warnings; }
const std::vector<int>& Condition::attrs() const { return program_->attrs; }
void Condition::ForEachLeaf(const std::function<void(const std::string&, const Json&, const std::string&)>& fn) const {
  for (size_t id = 0; id < program_->leaves.size(); ++id) {
    const Leaf& leaf = program_->leaves[id];
    if (!leaf.used || leaf.in_element) continue;
    const Node& n = program_->nodes[id];
    fn(program_->paths[static_cast<size_t>(n.index)].dotted, leaf.operand.ToJson(), leaf.pointer);
  }
}

const std::string& Condition::canonical() const { return program_->canonical; }

// --- Shape: the condition as leaves and boolean structure --------------------
//
// What a leaf's answer depends on, per value type, is derived here from the
// same ops EvalValue runs, so the keys stay next to the semantics they
// summarise. A leaf that is not keyed for a type is simply evaluated by
// MatchLeaf for values of that type; being conservative costs speed, never
// correctness.

namespace {

class ShapeBuilder {
 public:
  ShapeBuilder(const std::vector<Node>& nodes, const std::vector<uint32_t>& kids, const std::vector<Path>& paths,
               const std::vector<Regex>& regexes, ConditionShape* out)
      : nodes_(nodes), kids_(kids), paths_(paths), regexes_(regexes), out_(out) {}

  uint32_t Lower(uint32_t id) {
    const Node& n = nodes_[id];
    switch (n.op) {
      case Op::kTrue: return Add({ConditionShape::Kind::kTrue, 0, 0, 0});
      case Op::kFalse: return Add({ConditionShape::Kind::kFalse, 0, 0, 0});
      case Op::kAnd:
      case Op::kOr:
      case Op::kNor:
      case Op::kNotCondition: {
        // EvalCondition reads only the first child of a $not.
        const uint32_t count = n.op == Op::kNotCondition ? 1 : n.count;
        std::vector<uint32_t> kids;
        for (uint32_t i = 0; i < count; ++i) kids.push_back(Lower(kids_[n.first + i]));
        ConditionShape::Kind kind = n.op == Op::kAnd  ? ConditionShape::Kind::kAnd
                                    : n.op == Op::kOr ? ConditionShape::Kind::kOr
                                    : n.op == Op::kNor ? ConditionShape::Kind::kNor
                                                       : ConditionShape::Kind::kNot;
        return AddWithKids(kind, kids);
      }
      case Op::kField: {
        const Path& path = paths_[static_cast<size_t>(n.index)];
        if (path.segments.size() == 1) return LowerMatcher(kids_[n.first], path.attr);
        return AddLeaf(id, -1);
      }
      default: return AddLeaf(id, -1);  // a value op at condition level: leave it whole
    }
  }

 private:
  // The matcher `id` applied to the attribute at `attr`.
  uint32_t LowerMatcher(uint32_t id, int attr) {
    const Node& n = nodes_[id];
    if (n.op == Op::kMatchAll || n.op == Op::kNotValue) {
      const uint32_t count = n.op == Op::kNotValue ? 1 : n.count;
      std::vector<uint32_t> kids;
      for (uint32_t i = 0; i < count; ++i) kids.push_back(LowerMatcher(kids_[n.first + i], attr));
      return AddWithKids(n.op == Op::kMatchAll ? ConditionShape::Kind::kAnd : ConditionShape::Kind::kNot, kids);
    }
    uint32_t node = AddLeaf(id, attr);
    ConditionShape::Leaf& leaf = out_->leaves.back();
    leaf.string_keyed = StringKeys(id, &leaf.string_keys);
    if (!leaf.string_keyed) leaf.string_keys.clear();
    leaf.number_keyed = NumberKeys(id, &leaf.number_keys);
    if (!leaf.number_keyed) leaf.number_keys.clear();
    if (n.op == Op::kRegex) leaf.regex = &regexes_[static_cast<size_t>(n.index)];
    // Arrays: $in matches when some element is a member, $nin when none
    // is, $elemMatch when some truthy element passes its matcher.
    using ArrayRule = ConditionShape::Leaf::ArrayRule;
    if (n.op == Op::kIn || n.op == Op::kNin) {
      leaf.array_rule = n.op == Op::kIn ? ArrayRule::kAny : ArrayRule::kAll;
      StringKeys(id, &leaf.element_keys);
    } else if (n.op == Op::kElemMatchValue && n.count >= 1) {
      if (StringKeys(kids_[n.first], &leaf.element_keys)) {
        leaf.array_rule = ArrayRule::kAny;
        leaf.element_keys.push_back("");  // falsy elements are skipped
      } else {
        leaf.element_keys.clear();
      }
    }
    return node;
  }

  // For a string v: which strings can change the answer of matcher `id`.
  bool StringKeys(uint32_t id, std::vector<std::string_view>* keys) const {
    const Node& n = nodes_[id];
    switch (n.op) {
      case Op::kMatchString: keys->push_back(n.operand.as_string()); return true;  // String(v) === s
      case Op::kMatchBool: keys->push_back(""); return true;                     // truthy: non-empty
      case Op::kEq:
      case Op::kNe:  // ===: only an equal string
        if (n.operand.is_string()) keys->push_back(n.operand.as_string());
        return true;
      case Op::kIn:
      case Op::kNin:  // SameValueZero against each member: only equal strings
        for (uint32_t i = 0; i < n.operand.size(); ++i) {
          if (n.operand.at(i).is_string()) keys->push_back(n.operand.at(i).as_string());
        }
        return true;
      case Op::kMatchAll:
      case Op::kNotValue:
        for (uint32_t i = 0; i < n.count; ++i) {
          if (!StringKeys(kids_[n.first + i], keys)) return false;
        }
        return true;
      case Op::kMatchNull:
      case Op::kExists:
      case Op::kNotExists:
      case Op::kType:
      case Op::kSize:             // not an array
      case Op::kElemMatchValue:   // not an array
      case Op::kElemMatchCondition:
      case Op::kAllOf:
      case Op::kFalseValue: return true;
      default: return false;  // relational, folded, regex, version, stringify: need the text
    }
  }

  // For a number v (not NaN): the values where the answer of `id` can change.
  bool NumberKeys(uint32_t id, std::vector<double>* keys) const {
    const Node& n = nodes_[id];
    switch (n.op) {
      case Op::kMatchString: {
        // String(v) === s holds for at most one number, ToNumber(s): a
        // number's shortest string reads back as that number.
        double d = js::ToNumber(n.operand);
        if (!std::isnan(d)) keys->push_back(d);
        return true;
      }
      case Op::kMatchNumber: keys->push_back(n.operand.as_number()); return true;
      case Op::kMatchBool: keys->push_back(0); return true;  // truthy: not 0 (NaN aside)
      case Op::kEq:
      case Op::kNe:
        if (n.operand.is_number()) keys->push_back(n.operand.as_number());
        return true;
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte:
        if (!n.numeric) return false;  // against a string operand: ToNumber rules
        keys->push_back(n.operand.as_number());
        return true;
      case Op::kIn:
      case Op::kNin:
        for (uint32_t i = 0; i < n.operand.size(); ++i) {
          if (n.operand.at(i).is_number()) keys->push_back(n.operand.at(i).as_number());
        }
        return true;
      case Op::kMatchAll:
      case Op::kNotValue:
        for (uint32_t i = 0; i < n.count; ++i) {
          if (!NumberKeys(kids_[n.first + i], keys)) return false;
        }
        return true;
      case Op::kMatchNull:
      case Op::kExists:
      case Op::kNotExists:
      case Op::kType:
      case Op::kSize:
      case Op::kElemMatchValue:
      case Op::kElemMatchCondition:
      case Op::kAllOf:
      case Op::kFalseValue: return true;
      default: return false;
    }
  }

  uint32_t Add(ConditionShape::Node node) {
    out_->nodes.push_back(node);
    return static_cast<uint32_t>(out_->nodes.size() - 1);
  }
  uint32_t AddWithKids(ConditionShape::Kind kind, const std::vector<uint32_t>& kids) {
    ConditionShape::Node node{kind, static_cast<uint32_t>(out_->kids.size()), static_cast<uint32_t>(kids.size()), 0};
    out_->kids.insert(out_->kids.end(), kids.begin(), kids.end());
    return Add(node);
  }
  uint32_t AddLeaf(uint32_t id, int attr) {
    ConditionShape::Leaf leaf;
    leaf.node = id;
    leaf.attr = attr;
    out_->leaves.push_back(std::move(leaf));
    return Add({ConditionShape::Kind::kLeaf, 0, 0, static_cast<uint32_t>(out_->leaves.size() - 1)});
  }

  const std::vector<Node>& nodes_;
  const std::vector<uint32_t>& kids_;
  const std::vector<Path>& paths_;
  const std::vector<Regex>& regexes_;
  ConditionShape* out_;
};

}  // namespace

ConditionShape Condition::Shape() const {
  ConditionShape shape;
  ShapeBuilder builder(program_->nodes, program_->kids, program_->paths, program_->regexes, &shape);
  shape.root = builder.Lower(program_->root);
  return shape;
}

bool Condition::MatchLeaf(uint32_t node, const Value& value) const {
  return program_->EvalValue(node, value, nullptr);
}

bool Condition::HoldsLeaf(uint32_t node, const AttributeSet& attributes) const {
  return program_->EvalCondition(node, Context{&attributes, Value()}, nullptr);
}

size_t Condition::node_count() const { return program_->nodes.size(); }

const Regex* Condition::RegexOf(uint32_t node) const {
  const Node& n = program_->nodes[node];
  return n.op == Op::kRegex ? &program_->regexes[static_cast<size_t>(n.index)] : nullptr;
}

// --- Compiled form -----------------------------------------------------------
//
// Layout (varints unless noted; core/bytes.h): root, then the nodes (op,
// rel, flags, first, count, index + 1, operand as a length-prefixed
// core/value_codec.h value), the kids, the paths (attribute index, dotted, segments),
// the regex sources (pattern, ignore case), the version strings and the
// leaves of kField nodes (node id, pointer, in_element, operand). The
// canonical text comes first: snapshots fingerprint metrics with it.

namespace {

constexpr uint64_t kMaxProgramItems = 1u << 20;  // far above what a config compiles to
constexpr int kMaxDecodedDepth = 4 * 64 + 8;     // a few nodes per condition level

void PutValue(const Value& v, std::string* out) {
  std::string bytes;
  EncodeValue(v, &bytes);
  bytes::PutString(bytes, out);
}

// A length-prefixed core/value_codec.h value, owned by `doc`.
bool GetValue(std::string_view* in, Document* doc, Value* out) {
  std::string_view bytes;
  if (!bytes::GetStringView(in, &bytes)) return false;
  auto v = DecodeOwnedValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), doc);
  if (!v.ok()) return false;
  *out = *v;
  return true;
}

// Condition::Decode's refusals (`why`: what follows "corrupted condition
// program"), out of line: the runtime wasm compiles Condition::Decode
// (inlined into the config decoder) at every page's load, and a valid
// program never runs these. One function, noinline, with a caller per
// refusal: binaryen inlines a function with one caller.
[[gnu::noinline]] Result<Condition> Refusal(bool needs_compiler, std::string_view why = {}) {
  if (needs_compiler) {
    return FailedPrecondition("the condition holds a regular expression stored as its pattern, and this build "
                              "has no regex compiler to compile it");
  }
  return DataLoss("corrupted condition program" + std::string(why));
}

// A read or compiled regex into `*regexes`, else false with `*error` set to
// why (": " and the reason, for Refusal). One function for both ways of
// getting a regex: the code once in the decoder.
[[gnu::noinline]] bool KeepRegex(Result<Regex> re, std::vector<Regex>* regexes, std::string* error) {
  if (!re.ok()) {
    *error = ": " + re.status().message();
    return false;
  }
  regexes->push_back(std::move(re).value());
  return true;
}

bool IsStringList(const Value& v) {
  if (!v.is_array()) return false;
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (!v.at(i).is_string()) return false;
  }
  return true;
}

}  // namespace

// What the evaluator reads of a node, checked: an operand of the type its
// op reads through as_*(), kids where it dereferences them.
bool Condition::Program::NodeIsWellFormed(uint32_t id) const {
  const Node& n = nodes[id];
  const Program& p = *this;
  if (n.op > Op::kFalseValue || n.rel > VersionRel::kLte) return false;
  if (static_cast<uint64_t>(n.first) + n.count > p.kids.size()) return false;
  for (uint32_t i = 0; i < n.count; ++i) {
    if (p.kids[n.first + i] >= id) return false;  // programs are post-order: no cycles
  }
  if (n.numeric && !n.operand.is_number()) return false;
  if (n.strings_only && !IsStringList(n.operand)) return false;
  switch (n.op) {
    case Op::kMatchString:
    case Op::kMatchStringFolded:
    case Op::kType: return n.operand.is_string();
    case Op::kMatchNumber: return n.operand.is_number();
    case Op::kMatchBool: return n.operand.is_bool();
    case Op::kIn:
    case Op::kNin:
    case Op::kInFolded:
    case Op::kNinFolded: return n.operand.is_array();
    case Op::kField: return n.count >= 1 && n.index >= 0 && static_cast<size_t>(n.index) < p.paths.size();
    case Op::kNotCondition:
    case Op::kNotValue:
    case Op::kSize:
    case Op::kElemMatchValue:
    case Op::kElemMatchCondition: return n.count >= 1;
    case Op::kRegex: return n.index >= 0 && static_cast<size_t>(n.index) < p.regexes.size();
    case Op::kVersion: return n.index >= 0 && static_cast<size_t>(n.index) < p.strings.size();
    default: return true;
  }
}

void Condition::Encode(std::string* out) const {
  const Program& p = *program_;
  bytes::PutString(p.canonical, out);  // metric fingerprints in snapshots include it
  bytes::PutVarint(p.root, out);
  bytes::PutVarint(p.nodes.size(), out);
  for (const Node& n : p.nodes) {
    out->push_back(static_cast<char>(n.op));
    out->push_back(static_cast<char>(n.rel));
    out->push_back(static_cast<char>((n.numeric ? 1 : 0) | (n.strings_only ? 2 : 0)));
    bytes::PutVarint(n.first, out);
    bytes::PutVarint(n.count, out);
    bytes::PutVarint(static_cast<uint64_t>(static_cast<int64_t>(n.index) + 1), out);
    PutValue(n.operand, out);
  }
  bytes::PutVarint(p.kids.size(), out);
  for (uint32_t k : p.kids) bytes::PutVarint(k, out);
  bytes::PutVarint(p.paths.size(), out);
  for (const Path& path : p.paths) {
    bytes::PutVarint(static_cast<uint64_t>(path.attr), out);
    bytes::PutString(path.dotted, out);
    bytes::PutVarint(path.segments.size(), out);
    for (const PathSegment& seg : path.segments) {
      bytes::PutString(seg.name, out);
      out->push_back(static_cast<char>((seg.is_index ? 1 : 0) | (seg.is_length ? 2 : 0)));
      bytes::PutVarint(seg.index, out);
    }
  }
  bytes::PutVarint(p.regexes.size(), out);
  for (const Regex& re : p.regexes) re.Encode(out);
  bytes::PutVarint(p.strings.size(), out);
  for (const std::string& s : p.strings) bytes::PutString(s, out);
  size_t leaves = 0;
  for (const Leaf& leaf : p.leaves) leaves += leaf.used ? 1 : 0;
  bytes::PutVarint(leaves, out);
  for (size_t id = 0; id < p.leaves.size(); ++id) {
    const Leaf& leaf = p.leaves[id];
    if (!leaf.used) continue;
    bytes::PutVarint(id, out);
    bytes::PutString(leaf.pointer, out);
    out->push_back(leaf.in_element ? 1 : 0);
    PutValue(leaf.operand, out);
  }
}

Result<Condition> Condition::Decode(std::string_view* in, const AttributeSchema& schema,
                                     const ConditionDecodeOptions& options) {
  auto p = std::make_unique<Program>();
  bytes::Reader r(*in);
  std::string regex_error;      // why a regex did not read, for the message
  bool needs_compiler = false;  // a pattern and no compiler: see ConditionDecodeOptions
  // False at the first thing out of range: one error below, not one per
  // check (each costs the runtime wasm a Status built and destroyed).
  auto read = [&]() -> bool {
    r.S(&p->canonical);
    const uint64_t root = r.U();
    size_t n = r.Count(kMaxProgramItems);
    if (!r.Check(n > 0 && root < n)) return false;
    p->root = static_cast<uint32_t>(root);
    p->nodes = std::vector<Node>(n);  // made once: no growth path (bytes::Reader::Sized)
    for (Node& node : p->nodes) {
      node.op = static_cast<Op>(r.Byte());
      node.rel = static_cast<VersionRel>(r.Byte());
      const uint8_t flags = r.Byte();
      node.numeric = flags & 1;
      node.strings_only = flags & 2;
      node.first = static_cast<uint32_t>(r.Below(kMaxProgramItems + 1));
      node.count = static_cast<uint32_t>(r.Below(kMaxProgramItems + 1));
      node.index = static_cast<int32_t>(r.Below(kMaxProgramItems + 2)) - 1;
      if (!r.ok() || !GetValue(r.rest(), &p->constants, &node.operand)) return false;
    }
    r.Sized(kMaxProgramItems, &p->kids);
    for (uint32_t& k : p->kids) k = static_cast<uint32_t>(r.Below(p->nodes.size()));
    r.Sized(kMaxProgramItems, &p->paths);
    for (Path& path : p->paths) {
      path.attr = static_cast<int>(r.Below(schema.size()));
      r.S(&path.dotted);
      r.Sized(kMaxProgramItems, &path.segments);
      if (!r.Check(!path.segments.empty())) return false;
      for (PathSegment& seg : path.segments) {
        r.S(&seg.name);
        const uint8_t flags = r.Byte();
        seg.index = r.U32();
        seg.is_index = flags & 1;
        seg.is_length = flags & 2;
      }
      if (!r.ok()) return false;
      if (std::find(p->attrs.begin(), p->attrs.end(), path.attr) == p->attrs.end()) p->attrs.push_back(path.attr);
    }
    n = r.Count(kMaxProgramItems);
    for (size_t i = 0; i < n && r.ok(); ++i) {
      if (!options.regex_patterns) {
        if (!KeepRegex(Regex::Decode(r.rest()), &p->regexes, &regex_error)) return false;
        continue;
      }
      std::string pattern;
      r.S(&pattern);
      const bool ignore_case = r.B();
      if (!r.ok()) return false;
      if (options.compile_regex == nullptr) {
        needs_compiler = true;  // read on: a damaged program is still DataLoss
        continue;
      }
      if (!KeepRegex(options.compile_regex(pattern, ignore_case), &p->regexes, &regex_error)) return false;
    }
    r.Sized(kMaxProgramItems, &p->strings);
    for (std::string& s : p->strings) r.S(&s);
    n = r.Count(kMaxProgramItems);
    p->leaves = std::vector<Leaf>(p->nodes.size());
    for (size_t i = 0; i < n; ++i) {
      Leaf& leaf = p->leaves[r.Below(p->nodes.size())];
      if (!r.Check(!leaf.used)) return false;
      r.S(&leaf.pointer);
      leaf.in_element = r.Byte() != 0;
      if (!r.ok() || !GetValue(r.rest(), &p->constants, &leaf.operand)) return false;
      leaf.used = true;
    }
    return r.ok();
  };
  if (!read()) return Refusal(false, regex_error);
  if (needs_compiler) return Refusal(true);
  // Every index in range, every kField with its leaf, and a bounded depth
  // (the evaluator recurses).
  std::vector<int> depth(p->nodes.size(), 1);
  for (uint32_t id = 0; id < p->nodes.size(); ++id) {
    const Node& node = p->nodes[id];
    bool fits = p->NodeIsWellFormed(id) && (node.op != Op::kField || p->leaves[id].used);
    for (uint32_t i = 0; fits && i < node.count; ++i) depth[id] = std::max(depth[id], depth[p->kids[node.first + i]] + 1);
    if (!fits || depth[id] > kMaxDecodedDepth) return Refusal(false);
  }
  *in = *r.rest();
  return Condition(std::move(p));
}


}  // namespace leadseg
