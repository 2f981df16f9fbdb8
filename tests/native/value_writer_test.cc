// ValueWriter: documents written as value frames must decode (DecodeValue)
// to the tree that was written, counts patched in at End().
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/value_codec.h"
#include "core/value_writer.h"

namespace leadseg {
namespace {

Json Decode(const ValueWriter& w) {
  Document doc;
  const std::string& b = w.bytes();
  auto v = DecodeValue(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &doc);
  EXPECT_TRUE(v.ok()) << v.status().message();
  return v.ok() ? v->ToJson() : Json("not decoded");
}

TEST(ValueWriter, NestedContainersAreCountedAtEnd) {
  ValueWriter w;
  w.BeginObject();
  w.Key("segment").String("high_intent");
  w.Key("leaves").BeginArray();
  w.BeginObject().Key("passed").Bool(true).Key("actual").Null().End();
  w.BeginArray().End();
  w.Number(2.5);
  w.End();
  w.Key("empty").BeginObject().End();
  w.Key("n").Number(3);
  w.End();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(Decode(w).dump(),
            R"({"segment":"high_intent","leaves":[{"passed":true,"actual":null},[],2.5],"empty":{},"n":3})");
}

TEST(ValueWriter, NonFiniteNumbersAreNullAsInJson) {
  ValueWriter w;
  w.BeginArray();
  w.Number(std::nan(""));
  w.Number(std::numeric_limits<double>::infinity());
  w.Number(-std::numeric_limits<double>::infinity());
  w.Number(-1e300);
  w.End();
  EXPECT_EQ(Decode(w).dump(), R"([null,null,null,-1e+300])");
}

TEST(ValueWriter, WritesValueTreesAndIsReusableAfterClear) {
  Document doc;
  Value tree = doc.Add(Json::parse(R"({"a": [1, "x", {"b": null}], "ü": {"c": false}})"));
  ValueWriter w;
  w.Write(tree);
  EXPECT_EQ(Decode(w), tree.ToJson());
  // The same bytes EncodeValue writes for the tree.
  std::string encoded;
  EncodeValue(tree, &encoded);
  EXPECT_EQ(w.bytes(), encoded);
  w.Clear();
  EXPECT_FALSE(w.complete());
  w.StringOrNull("");
  EXPECT_EQ(Decode(w).dump(), "null");
}

}  // namespace
}  // namespace leadseg
