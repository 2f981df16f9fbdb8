// identify with the names stored already, in their stored order (a page's
// usual call), takes a one-pass path over the frame
// (Engine::Impl::ReplaceStoredFrame), whether the frame names its members
// or carries their values alone (IdentifyNamedValues); anything else takes
// the general one. Both must store, answer and refuse exactly what
// identify of the same traits as a Value does, which never takes the
// one-pass path.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/value_checks.h"
#include "leadseg/engine.h"
#include "test_config.h"
#include "test_frames.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::Frame;
using testing::kT0;

const char* kConfig = R"({
  "segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "big", "condition": {"company_size": {"$gte": 100}}},
    {"id": "tagged", "condition": {"tags": "x"}}
  ]
})";

// An object's frame with its members' values alone (what the binding
// sends for the names it kept: Encoding kSameKeys), and those names.
std::string ValuesFrame(const std::string& json, std::vector<std::string>* names) {
  Document doc;
  const Value object = doc.Add(Json::parse(json));
  std::string out(1, static_cast<char>(FrameTag::kObject));
  EncodeAttrHeader(object.size(), &out);
  names->clear();
  for (uint32_t i = 0; i < object.size(); ++i) {
    names->push_back(std::string(object.key_at(i)));
    EncodeValue(object.value_at(i), &out);
  }
  return out;
}

void ExpectSameAnswer(const Result<SegmentChanges>& a, const Result<SegmentChanges>& b, const std::string& what) {
  ASSERT_EQ(a.ok(), b.ok()) << what;
  if (a.ok()) {
    EXPECT_EQ(a->entered, b->entered) << what;
    EXPECT_EQ(a->exited, b->exited) << what;
  } else {
    EXPECT_EQ(a.status().code(), b.status().code()) << what;
    EXPECT_EQ(a.status().message(), b.status().message()) << what;
  }
}

// One engine fed whole frames, one frames of values alone, one Values:
// each call must answer the same and leave the same profile.
class TwoEngines {
 public:
  TwoEngines() : compiled_(Compile(kConfig)), frames_(compiled_), named_(compiled_), values_(compiled_) {}

  void Identify(const std::string& json, TimeMs at) {
    const std::string what = json.substr(0, 80);
    auto a = frames_.IdentifyFrame(Frame(json), at);
    std::vector<std::string> names;
    const std::string values_frame = ValuesFrame(json, &names);
    auto n = named_.IdentifyNamedValues(names, values_frame, at);
    Document doc;
    auto b = values_.Identify(doc.Add(Json::parse(json)), at);
    ExpectSameAnswer(a, b, what);
    ExpectSameAnswer(n, b, what);
    EXPECT_EQ(frames_.Snapshot(), values_.Snapshot()) << what;
    EXPECT_EQ(named_.Snapshot(), values_.Snapshot()) << what;
    ok_ = a.ok();
  }
  // Members whose values no JSON text gives (bytes that are not UTF-8,
  // NaN, an encoding cut short or too long; one-byte names, each value's
  // encoding as given): refused by both frame-fed engines with
  // `message`, each left as the Value-fed one is.
  void IdentifyMembers(const std::vector<std::pair<std::string, std::string>>& members, TimeMs at,
                       const std::string& message) {
    std::string whole(1, static_cast<char>(FrameTag::kObject)), values;
    EncodeAttrHeader(static_cast<uint32_t>(members.size()), &whole);
    values = whole;
    std::vector<std::string> names;
    for (const auto& [name, value] : members) {
      EncodeAttr(static_cast<uint32_t>(name.size()), &whole);
      whole += name + value;
      values += value;
      names.push_back(name);
    }
    auto a = frames_.IdentifyFrame(whole, at);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().message(), message);
    EXPECT_EQ(frames_.Snapshot(), values_.Snapshot());
    auto n = named_.IdentifyNamedValues(names, values, at);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().message(), message);
    EXPECT_EQ(named_.Snapshot(), values_.Snapshot());
  }
  bool ok() const { return ok_; }

 private:
  std::shared_ptr<const CompiledConfig> compiled_;
  Engine frames_, named_, values_;
  bool ok_ = false;
};

TEST(IdentifySameNames, StoresWhatAValueStores) {
  TwoEngines e;
  TimeMs at = kT0;
  const char* calls[] = {
      R"({"job_title": "CTO", "company_size": 250, "tags": ["x"], "beta": true})",
      // The same names in order: new values, some byte for byte the same.
      R"({"job_title": "VP", "company_size": 250, "tags": [], "beta": false})",
      R"({"job_title": 7, "company_size": "many", "tags": ["x", 1], "beta": {"y": [1]}})",
      R"({"job_title": "CTO", "company_size": 1000, "tags": ["x"], "beta": "Zürich"})",
      // A subset in order, then the names in another order.
      R"({"company_size": 5, "beta": 1})",
      R"({"beta": 2, "job_title": "VP"})",
      // A null, a new name.
      R"({"job_title": "CTO", "company_size": null})",
      R"({"job_title": "CTO", "city": "Oslo"})",
      R"({"job_title": "VP", "tags": ["x"], "beta": false, "city": "Rome"})",
  };
  for (const char* traits : calls) {
    e.Identify(traits, at += 1000);
    ASSERT_TRUE(e.ok()) << traits;
  }
}

// The 256 KB limit counts the replaced values' text exactly: {"a": s} is
// s's length + 8 bytes of JSON text.
TEST(IdentifySameNames, CountsTheSizeLimitExactly) {
  TwoEngines e;
  const size_t fits = kMaxAttributesBytes - 8;
  auto traits = [](size_t n) { return R"({"a": ")" + std::string(n, 'z') + R"("})"; };
  e.Identify(traits(1), kT0);
  ASSERT_TRUE(e.ok());
  e.Identify(traits(fits), kT0 + 1);
  EXPECT_TRUE(e.ok());
  e.Identify(traits(1), kT0 + 2);
  EXPECT_TRUE(e.ok());
  e.Identify(traits(fits + 1), kT0 + 3);
  EXPECT_FALSE(e.ok());
  e.Identify(traits(fits), kT0 + 4);
  EXPECT_TRUE(e.ok());
}

// A value the checks refuse, among names stored already: the general
// path's error, and nothing changed.
TEST(IdentifySameNames, RefusesWhatTheGeneralPathRefuses) {
  TwoEngines e;
  e.Identify(R"({"job_title": "CTO", "tags": ["x"]})", kT0);
  ASSERT_TRUE(e.ok());
  std::string deep = "1";
  for (int i = 0; i < kMaxJsonDepth; ++i) deep = "[" + deep + "]";
  e.Identify(R"({"job_title": "VP", "tags": )" + deep + "}", kT0 + 1);
  EXPECT_FALSE(e.ok());
}

// Frames no JSON text gives, among names stored already, each member a
// value the one pass reads in place: the general path's errors, and
// nothing changed.
TEST(IdentifySameNames, RefusesFramesTheGeneralPathRefuses) {
  TwoEngines e;
  e.Identify(R"({"a": "x", "b": 1, "c": ["y"]})", kT0);
  ASSERT_TRUE(e.ok());
  auto encode = [](const Value& v) {
    std::string out;
    EncodeValue(v, &out);
    return out;
  };
  const std::string x = encode(Value::String("x")), one = encode(Value::Number(1)), y = Frame(R"(["y"])");
  e.IdentifyMembers({{"a", encode(Value::String("\xff"))}, {"b", one}, {"c", y}}, kT0 + 1,
                    "attribute \"a\" holds a string that is not valid UTF-8");
  e.IdentifyMembers({{"a", x}, {"b", encode(Value::Number(std::nan("")))}, {"c", y}}, kT0 + 2,
                    "attribute \"b\" holds a number that is not finite (NaN or Infinity)");
  e.IdentifyMembers({{"a", x}, {"b", one}, {"c", Frame(R"(["\u00e9", 1])").substr(0, 12)}}, kT0 + 3,
                    "attribute frame is truncated");
  e.IdentifyMembers({{"a", x}, {"b", one}, {"c", y + "\x01"}}, kT0 + 4, "value has trailing bytes");
  std::string unknown = y;
  unknown[5] = 9;  // the array's one element: not a tag
  e.IdentifyMembers({{"a", x}, {"b", one}, {"c", unknown}}, kT0 + 5, "unknown value tag 9 in attribute frame");
  // The same values again pass.
  e.Identify(R"({"a": "x", "b": 2, "c": ["y"]})", kT0 + 6);
  EXPECT_TRUE(e.ok());
}

// A stored scalar whose bytes start the member's is that value (an
// encoding is self-delimiting): the one pass keeps it without sizing or
// checking it again. Values that differ only in their last byte ("abd",
// -1.5: a double's sign is its last byte) or past a shorter one's end are
// stored; a member cut short at the frame's end (where the next byte in
// memory, a std::string's NUL terminator, is the stored string's last) or
// followed by a stray byte is refused with the general path's errors.
TEST(IdentifySameNames, KeepsAStoredScalarOnlyWhereAllItsBytesStartTheMember) {
  TwoEngines e;
  const char* stored = R"({"a": "abc", "b": 1.5, "c": true, "d": "Z\u00fcrich\u0000"})";
  e.Identify(stored, kT0);
  ASSERT_TRUE(e.ok());
  e.Identify(stored, kT0 + 1);
  ASSERT_TRUE(e.ok());
  e.Identify(R"({"a": "abd", "b": -1.5, "c": true, "d": "Z\u00fcrich\u0001"})", kT0 + 1);
  ASSERT_TRUE(e.ok());
  e.Identify(stored, kT0 + 1);
  ASSERT_TRUE(e.ok());
  e.Identify(R"({"a": "abcd", "b": 1.5000000000000002, "c": false, "d": "Z\u00fcrich"})", kT0 + 2);
  ASSERT_TRUE(e.ok());
  e.Identify(R"({"a": "ab", "b": 1.5, "c": true, "d": "Z\u00fcrich\u0000"})", kT0 + 3);
  ASSERT_TRUE(e.ok());
  auto encode = [](const Value& v) {
    std::string out;
    EncodeValue(v, &out);
    return out;
  };
  const std::string a = encode(Value::String("ab")), b = encode(Value::Number(1.5)), c = encode(Value::Bool(true)),
                    d = encode(Value::String(std::string_view("Z\xc3\xbcrich\0", 8)));
  e.IdentifyMembers({{"a", a}, {"b", b}, {"c", c}, {"d", d.substr(0, d.size() - 1)}}, kT0 + 4,
                    "attribute frame is truncated");
  e.IdentifyMembers({{"a", a}, {"b", b}, {"c", c}, {"d", d + "\x01"}}, kT0 + 5, "value has trailing bytes");
  e.Identify(R"({"a": "ab", "b": 1.5, "c": true, "d": "Z\u00fcrich\u0000"})", kT0 + 6);
  EXPECT_TRUE(e.ok());
}

// The 256 KB limit through frames of values alone, exactly at and one byte
// over the edge, with a name that stays and one whose value grows.
TEST(IdentifySameNames, CountsTheSizeLimitOfValuesAlone) {
  TwoEngines e;
  const size_t fits = kMaxAttributesBytes - 14;  // {"a":"s...","b":1} is s + 14 bytes
  auto traits = [](size_t n) { return R"({"a": ")" + std::string(n, 'z') + R"(", "b": 1})"; };
  e.Identify(traits(1), kT0);
  ASSERT_TRUE(e.ok());
  e.Identify(traits(fits), kT0 + 1);
  EXPECT_TRUE(e.ok());
  e.Identify(traits(fits + 1), kT0 + 2);
  EXPECT_FALSE(e.ok());
  e.Identify(traits(fits - 1), kT0 + 3);
  EXPECT_TRUE(e.ok());
}

// The one pass counts a plain ASCII string's JSON text 8 bytes at a time
// and anything else byte by byte (JsonStringSize): a string with one byte
// JSON escapes or that is not ASCII, at its start, middle and end (inside
// a word and in the tail), must meet the limit exactly where the general
// path does.
TEST(IdentifySameNames, CountsEscapesAtTheSizeLimit) {
  TwoEngines e;
  const size_t fits = kMaxAttributesBytes - 8;
  const std::string specials[] = {"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f", "\x7f", "\u00e9", "\u20ac", " "};
  for (const std::string& special : specials) {
    for (const int where : {0, 1, 2}) {
      e.Identify(R"({"a": "z"})", kT0);
      ASSERT_TRUE(e.ok());
      for (size_t n = fits - 7; n <= fits + 1; ++n) {
        std::string s(n, 'z');
        const size_t at = where == 0 ? 0 : where == 1 ? n / 2 : n - 1;
        s.replace(at, 1, special);
        e.Identify(R"({"a": ")" + s + R"("})", kT0 + 1);
        if (HasFailure()) return;
      }
    }
  }
}

// `value`'s JSON text counted right at the size limit: {"a": "<n bytes>",
// "b": value} is n + 13 bytes and the value's text, stored just fitting and
// just not, each time from another value first, so that identify's pass
// counts this one.
void ExpectCountedAtTheSizeLimit(TwoEngines& e, const char* value) {
  const size_t fits = kMaxAttributesBytes - 13;
  const size_t length = Json::parse(value).dump().size();
  for (size_t n = fits - length - 2; n <= fits - length + 1; ++n) {
    e.Identify(R"({"a": "z", "b": 1.5})", kT0);
    ASSERT_TRUE(e.ok());
    e.Identify(R"({"a": ")" + std::string(n, 'z') + R"(", "b": )" + value + "}", kT0 + 1);
    EXPECT_EQ(e.ok(), n <= fits - length) << value << " " << n;
    if (::testing::Test::HasFailure()) return;
  }
}

// Numbers: integers of each length and sign, -0, 16 digits, fractions
// (the pass counts each as kMaxNumberJsonBytes; where that takes the call
// over the limit, the general path counts exactly).
TEST(IdentifySameNames, CountsNumbersAtTheSizeLimit) {
  TwoEngines e;
  for (const char* number : {"0", "-0", "7", "-7", "10", "-10", "99", "100", "-100", "123456789", "-2147483648",
                             "4294967296", "999999999999999", "-999999999999999", "1000000000000000",
                             "-1000000000000000", "9007199254740993", "2.5", "-0.125", "1e-7", "1.5e300"}) {
    ExpectCountedAtTheSizeLimit(e, number);
    if (HasFailure()) return;
  }
}

// `value` stored by the one pass and kept, beside a string growing to the
// size limit ({"a": "<n bytes>", "b": value} is n + 13 bytes and the
// value's text): it must fit exactly where the general path says, and one
// byte more must not, from below and from over the limit down. The one
// pass's count is exact or, for numbers, a bound the general path makes
// exact; a size too large and not a bound would refuse early.
void ExpectKeptCountedAtTheSizeLimit(TwoEngines& e, const char* value) {
  const size_t fits = kMaxAttributesBytes - 13 - Json::parse(value).dump().size();
  auto traits = [](size_t n, const char* b) { return R"({"a": ")" + std::string(n, 'z') + R"(", "b": )" + b + "}"; };
  for (int round = 0; round < 2; ++round) {
    e.Identify(traits(1, "\"other\""), kT0);
    ASSERT_TRUE(e.ok());
    e.Identify(traits(1, value), kT0 + 1);  // stored by the one pass
    ASSERT_TRUE(e.ok());
    for (size_t k = 0; k <= kMaxNumberJsonBytes + 2; ++k) {
      const size_t n = round == 0 ? fits - kMaxNumberJsonBytes + k : fits + 1 - k;
      e.Identify(traits(n, value), kT0 + 2);
      EXPECT_EQ(e.ok(), n <= fits) << value << " " << n;
      if (::testing::Test::HasFailure()) return;
    }
  }
}

// The one pass counts a number as kMaxNumberJsonBytes (its digits are not
// counted) and stores that bound; where the bounds would pass the limit,
// the general path counts exactly.
TEST(IdentifySameNames, CountsAKeptNumberExactlyAtTheSizeLimit) {
  TwoEngines e;
  ExpectKeptCountedAtTheSizeLimit(e, "2.5");
}

// Arrays: of the usual scalars (counted in identify's pass without
// JsonTextSize), and those the pass leaves to JsonTextSize (an escape, a
// fraction, a null, a nested array).
TEST(IdentifySameNames, CountsArraysAtTheSizeLimit) {
  TwoEngines e;
  for (const char* array : {"[]", "[1]", "[-10, 0, 7]", R"(["api", "seo", "security"])", "[true, false]",
                            R"(["x", 12, true])", R"(["\"q\""])", "[2.5, 1]", "[null]", R"(["a", null])", "[[1]]",
                            R"([{"k": 1}])", R"(["\u00e9"])", "[1000000000000000]"}) {
    ExpectCountedAtTheSizeLimit(e, array);
    if (HasFailure()) return;
  }
}

// The one pass sizes the usual traits from their encoding (a scalar, an
// array of scalars: brackets, commas and elements) without decoding them;
// each kept must count exactly, or as a bound where it holds a number.
TEST(IdentifySameNames, CountsAKeptArrayExactlyAtTheSizeLimit) {
  TwoEngines e;
  for (const char* value : {"[]", R"(["api"])", R"(["api", "seo", "security"])", "[true, false, true]",
                            R"(["x", 12, true])", "[1.5e300, -0]", R"("plain")", "true", "false"}) {
    ExpectKeptCountedAtTheSizeLimit(e, value);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace leadseg
