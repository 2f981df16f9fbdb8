// The runtime's small containers, against the std containers they replace:
// Ring (core/ring.h) against std::deque, Document's string storage (bytes
// stay put while more strings are added), AttributeSchema's sorted index.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "conditions/attributes.h"
#include "core/ring.h"
#include "core/value.h"

namespace leadseg {
namespace {

template <typename T>
std::vector<T> Items(const Ring<T>& r) {
  return std::vector<T>(r.begin(), r.end());
}

TEST(RingTest, BehavesAsADequeUnderRandomOperations) {
  std::mt19937 rng(7);
  Ring<std::string> ring;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 10);
    std::string s = "value-" + std::to_string(step);  // long enough to live on the heap
    if (op < 5) {
      ring.push_back(s);
      model.push_back(s);
    } else if (op < 8 && !model.empty()) {
      ring.pop_front();
      model.pop_front();
    } else if (op == 8 && !model.empty()) {
      ring.pop_back();
      model.pop_back();
    } else if (!model.empty()) {
      size_t at = rng() % (model.size() + 1);
      ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(at), s);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), s);
    }
    ASSERT_EQ(ring.size(), model.size());
    ASSERT_EQ(ring.empty(), model.empty());
    if (!model.empty()) {
      ASSERT_EQ(ring.front(), model.front());
      ASSERT_EQ(ring.back(), model.back());
      size_t i = rng() % model.size();
      ASSERT_EQ(ring[i], model[i]);
    }
  }
  EXPECT_EQ(Items(ring), std::vector<std::string>(model.begin(), model.end()));
  ring.clear();
  EXPECT_TRUE(ring.empty());
  ring.push_back("again");
  EXPECT_EQ(Items(ring), std::vector<std::string>{"again"});
}

TEST(RingTest, GrowingWhileWrappedKeepsOrder) {
  Ring<int> ring;
  for (int i = 0; i < 8; ++i) ring.push_back(i);
  for (int i = 0; i < 5; ++i) ring.pop_front();  // head is now mid-buffer
  for (int i = 8; i < 20; ++i) ring.push_back(i);  // wraps, then grows
  std::vector<int> want;
  for (int i = 5; i < 20; ++i) want.push_back(i);
  EXPECT_EQ(Items(ring), want);
}

TEST(RingTest, UpperBoundAndInsertKeepSortedOrder) {
  // The late-event path: find the place by time, insert there.
  Ring<int> ring;
  for (int t : {10, 20, 20, 30}) ring.push_back(t);
  ring.pop_front();
  ring.push_back(40);
  auto at = std::upper_bound(ring.begin(), ring.end(), 20);
  ring.insert(at, 25);
  EXPECT_EQ(Items(ring), (std::vector<int>{20, 20, 25, 30, 40}));
}

TEST(DocumentTest, StringsStayPutAsMoreAreAdded) {
  Document doc;
  std::vector<Value> values;
  std::vector<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<size_t>(i % 37), static_cast<char>('a' + i % 26));
    if (i % 1000 == 999) s.assign(10000, 'z');  // larger than a chunk
    values.push_back(doc.CopyString(s));
    want.push_back(s);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(values[i].as_string(), want[i]) << i;
    ASSERT_EQ(values[i].as_string().data()[want[i].size()], '\0') << i;
  }
  doc.Clear();
  Value again = doc.CopyString("after clear");
  EXPECT_EQ(again.as_string(), "after clear");
}

TEST(AttributeSchemaTest, InternAndFindByIndex) {
  AttributeSchema schema;
  std::vector<std::string> names = {"plan", "country", "a", "zeta", "company_size", "b", "plan_", ""};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(schema.Intern(names[i]), static_cast<int>(i));
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(schema.Intern(names[i]), static_cast<int>(i));
    EXPECT_EQ(schema.Find(names[i]), static_cast<int>(i));
    EXPECT_EQ(schema.name(static_cast<int>(i)), names[i]);
  }
  EXPECT_EQ(schema.Find("pla"), AttributeSchema::kNotFound);
  EXPECT_EQ(schema.Find("zz"), AttributeSchema::kNotFound);
  EXPECT_EQ(schema.size(), names.size());
  EXPECT_EQ(std::vector<std::string>(schema.names().begin(), schema.names().end()), names);
}

}  // namespace
}  // namespace leadseg
