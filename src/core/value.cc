#include "core/value.h"

#include <algorithm>
#include <cmath>


namespace leadseg {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNull: return "null";
    case ValueType::kBool: return "boolean";
    case ValueType::kNumber: return "number";
    case ValueType::kString: return "string";
    case ValueType::kArray: return "array";
    case ValueType::kObject: return "object";
  }
  return "unknown";
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (uint32_t i = 0, n = size(); i < n; ++i) {
    if (u_.children[2 * i].as_string() == key) return &u_.children[2 * i + 1];
  }
  return nullptr;
}

Json Value::ToJson() const {
  switch (type()) {
    case ValueType::kNull: return nullptr;
    case ValueType::kBool: return u_.boolean;
    case ValueType::kNumber: {
      // Keep integers integral so dumps read "3", not "3.0", as JSON text
      // parsed by nlohmann dumps again (integers up to 2^64 included).
      // Check the range before casting: converting NaN, infinities or huge
      // values to an integer is undefined behaviour (and traps in wasm).
      double d = u_.number;
      if (std::isfinite(d) && d == std::trunc(d)) {
        if (d > -9.2e18 && d < 9.2e18) return static_cast<int64_t>(d);
        if (d > 0 && d < 1.8e19) return static_cast<uint64_t>(d);
      }
      return d;
    }
    case ValueType::kString: return std::string(as_string());
    case ValueType::kArray: {
      Json out = Json::array();
      for (uint32_t i = 0, n = size(); i < n; ++i) out.push_back(at(i).ToJson());
      return out;
    }
    case ValueType::kObject: {
      Json out = Json::object();
      for (uint32_t i = 0, n = size(); i < n; ++i) out[std::string(key_at(i))] = value_at(i).ToJson();
      return out;
    }
  }
  return nullptr;
}

template <typename T>
T* Document::Take(std::vector<Chunk<T>>* chunks, size_t* current, size_t n, size_t first, size_t doublings) {
  while (*current < chunks->size()) {
    Chunk<T>& c = (*chunks)[*current];
    if (c.items.size() - c.used >= n) {
      T* p = c.items.data() + c.used;
      c.used += n;
      return p;
    }
    ++*current;
  }
  Chunk<T> chunk;
  chunk.items.resize(std::max(n, first << std::min(chunks->size(), doublings)));
  chunk.used = n;
  chunks->push_back(std::move(chunk));
  *current = chunks->size() - 1;
  return chunks->back().items.data();
}

Value* Document::Allocate(size_t n) {
  if (n == 0) return nullptr;
  // 32 .. 1024 nodes: a document kept per condition program (its
  // constants) holds a few nodes, and a 1024-node first chunk cost every
  // program 16 KB when a compiled config loads.
  return Take(&chunks_, &current_, n, 32, 5);
}

const char* Document::Intern(std::string_view s) {
  // 256 B .. 4 KB of text: a Document made for one call holds a few short
  // strings.
  char* p = Take(&text_, &text_current_, s.size() + 1, 256, 4);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

void Document::Clear() {
  for (Chunk<Value>& c : chunks_) c.used = 0;
  current_ = 0;
  for (Chunk<char>& c : text_) c.used = 0;
  text_current_ = 0;
}

size_t Document::node_count() const {
  size_t n = 0;
  for (const Chunk<Value>& c : chunks_) n += c.used;
  return n;
}

Value Document::Add(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return Value::Null();
    case Json::value_t::boolean:
      return Value::Bool(json.get<bool>());
    case Json::value_t::number_integer:
      return Value::Number(static_cast<double>(json.get<int64_t>()));
    case Json::value_t::number_unsigned:
      return Value::Number(static_cast<double>(json.get<uint64_t>()));
    case Json::value_t::number_float:
      return Value::Number(json.get<double>());
    case Json::value_t::string:
      return CopyString(json.get_ref<const std::string&>());
    case Json::value_t::binary:
      return Value::Null();
    case Json::value_t::array: {
      const auto n = static_cast<uint32_t>(json.size());
      Value* children = Allocate(json.size());
      size_t i = 0;
      for (const auto& element : json) children[i++] = Add(element);
      return MakeArray(children, n);
    }
    case Json::value_t::object: {
      const auto n = static_cast<uint32_t>(json.size());
      Value* members = Allocate(2 * json.size());
      size_t i = 0;
      for (auto it = json.begin(); it != json.end(); ++it) {
        members[i++] = CopyString(it.key());
        members[i++] = Add(it.value());
      }
      return MakeObject(members, n);
    }
  }
  return Value::Null();
}

}  // namespace leadseg
