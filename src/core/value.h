// Value: an immutable JSON-like tree, laid out flat for fast reads.
//
// A Document owns the nodes of one tree (attributes of one visitor, one
// config constant, one conformance case). Nodes are 16-byte PODs that point
// to their children and string bytes directly, so a `Value` can be copied
// and passed by value with no reference to its Document. Reads never
// allocate. A Document can be cleared and refilled; it keeps its capacity,
// which is how the per-evaluation attribute set avoids heap traffic.
//
// Object keys keep their insertion order (JavaScript's JSON.stringify
// depends on it and GrowthBook's equality on objects uses JSON.stringify).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "leadseg/status.h"

namespace leadseg {

enum class ValueType : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "boolean", "number", "string", "array", "object": also the names
// GrowthBook's $type compares with.
const char* ValueTypeName(ValueType type);

class Value {
 public:
  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { Value v; v.head_ = Head(ValueType::kBool, 0); v.u_.boolean = b; return v; }
  static Value Number(double d) { Value v; v.head_ = Head(ValueType::kNumber, 0); v.u_.number = d; return v; }
  // The bytes must outlive every copy of the Value.
  static Value String(std::string_view s) {
    Value v; v.head_ = Head(ValueType::kString, static_cast<uint32_t>(s.size())); v.u_.str = s.data(); return v;
  }

  ValueType type() const { return static_cast<ValueType>(static_cast<uint8_t>(head_)); }
  bool is_null() const { return type() == ValueType::kNull; }
  bool is_bool() const { return type() == ValueType::kBool; }
  bool is_number() const { return type() == ValueType::kNumber; }
  bool is_string() const { return type() == ValueType::kString; }
  bool is_array() const { return type() == ValueType::kArray; }
  bool is_object() const { return type() == ValueType::kObject; }

  bool as_bool() const { return u_.boolean; }
  double as_number() const { return u_.number; }
  std::string_view as_string() const { return {u_.str, size()}; }

  // Arrays: element count. Objects: member count. Strings: byte length.
  uint32_t size() const { return static_cast<uint32_t>(head_ >> 32); }
  // Array element i (i < size()).
  Value at(uint32_t i) const { return u_.children[i]; }
  // Object member i: key and value.
  std::string_view key_at(uint32_t i) const { return u_.children[2 * i].as_string(); }
  Value value_at(uint32_t i) const { return u_.children[2 * i + 1]; }
  // Object member by key; nullptr when absent. Linear: objects are small.
  const Value* find(std::string_view key) const;

  // Converts back to JSON (numbers keep their double value).
  Json ToJson() const;

 private:
  friend class Document;
  // The type (low byte) and the size (high half) share one word, so that a
  // Value built by a factory is written with one 8-byte store. Copying it
  // right away reads that word back whole, and a load that spans several
  // smaller pending stores (a type byte, padding, a size) cannot be
  // forwarded from them: it waits until they land. Readers load just the
  // byte or the half they need.
  static constexpr uint64_t Head(ValueType type, uint32_t size) {
    return static_cast<uint64_t>(type) | static_cast<uint64_t>(size) << 32;
  }
  uint64_t head_ = Head(ValueType::kNull, 0);
  union {
    bool boolean;
    double number;
    const char* str;
    const Value* children;  // arrays: size() values; objects: 2*size() (key, value)
  } u_{};
};
static_assert(sizeof(Value) == 16, "Value is meant to stay two words");

// Owns the storage of one or more trees.
class Document {
 public:
  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;

  // Copies a JSON tree into this document and returns its root. Earlier
  // roots stay valid only until the next Clear().
  Value Add(const Json& json);

  // Leaf and container construction for decoders that build trees
  // themselves (see core/value_codec.h). Children are written by the caller
  // into the returned array; string bytes are referenced, not copied.
  Value* AllocateChildren(size_t n) { return Allocate(n); }
  static Value MakeArray(Value* children, uint32_t n) { Value v; v.head_ = Value::Head(ValueType::kArray, n); v.u_.children = children; return v; }
  static Value MakeObject(Value* members, uint32_t n) { Value v; v.head_ = Value::Head(ValueType::kObject, n); v.u_.children = members; return v; }
  // Copies `s` into storage owned by this document.
  Value CopyString(std::string_view s) { return Value::String(std::string_view(Intern(s), s.size())); }

  // Drops every tree but keeps the memory for reuse.
  void Clear();

  size_t node_count() const;

 private:
  // Nodes and string bytes live in chunks whose buffers never move, so
  // Values stay valid while more trees are added.
  template <typename T>
  struct Chunk {
    std::vector<T> items;
    size_t used = 0;
  };
  // n items from the chunks, adding one when none has room. New chunks
  // start at `first` items and double with each chunk added, up to
  // `first << doublings`: a Document made for one call or one condition
  // program holds a few items, and every chunk's items are constructed.
  template <typename T>
  static T* Take(std::vector<Chunk<T>>* chunks, size_t* current, size_t n, size_t first, size_t doublings);
  Value* Allocate(size_t n);
  const char* Intern(std::string_view s);

  std::vector<Chunk<Value>> chunks_;
  size_t current_ = 0;
  std::vector<Chunk<char>> text_;  // each string NUL-terminated, as std::string's data() was
  size_t text_current_ = 0;
};

}  // namespace leadseg
