// (i) CSV: `two cut bytes, CSV bytes` -> batch::CsvReader (src/batch/csv_reader.h).
//
// The reader takes a file in chunks cut anywhere, and reads a record
// straight from the chunk, 16 bytes at a time (batch/csv_scan.h), only when
// the record ends inside it; single bytes always take the byte-by-byte path.
// Invariants:
//  - Feed never crashes or reads out of bounds (ASan), whatever the bytes;
//  - the input whole, cut at the two points the first two bytes name, and
//    cut into single bytes gives the same records, record numbers and
//    error (differential: the block scan against the byte-by-byte path);
//  - an error is InvalidArgument and starts "CSV:";
//  - TypeField of every field: kMissing only for an empty field, and a
//    number is finite;
//  - a record's `bytes` is its fields' sizes added up.
#include <cmath>
#include <string>
#include <vector>

#include "batch/csv_reader.h"
#include "fuzz_common.h"

using namespace leadseg;
using namespace leadseg::batch;

namespace {

struct Read {
  Status status;
  std::vector<std::vector<std::string>> records;
  std::vector<uint64_t> numbers;
};

struct Collect : CsvSink {
  Read* out;
  Status OnRecord(const CsvRecord& r) override {
    out->records.emplace_back(r.fields.begin(), r.fields.end());
    out->numbers.push_back(r.number);
    size_t bytes = 0;
    for (std::string_view field : r.fields) {
      bytes += field.size();
      const TypedField typed = TypeField(field);
      FUZZ_CHECK((typed.kind == TypedField::Kind::kMissing) == field.empty(), "kMissing for a field with text");
      FUZZ_CHECK(typed.kind != TypedField::Kind::kNumber || std::isfinite(typed.number), "a number that is not finite");
    }
    FUZZ_CHECK(r.bytes == bytes, "a record's byte count is not its fields' sizes added up");
    return Status::Ok();
  }
};

// `input` fed in the chunks that end at `cuts` (ascending), then the last.
Read Tokenize(std::string_view input, const std::vector<size_t>& cuts) {
  Read out;
  CsvReader reader;
  Collect sink;
  sink.out = &out;
  size_t start = 0;
  for (size_t cut : cuts) {
    out.status = reader.Feed(input.substr(start, cut - start), false, &sink);
    if (!out.status.ok()) return out;
    start = cut;
  }
  out.status = reader.Feed(input.substr(start), true, &sink);
  return out;
}

void ExpectSame(const Read& a, const Read& b, const char* what) {
  FUZZ_CHECK(a.status.ok() == b.status.ok(), std::string(what) + ": one read failed, the other did not");
  FUZZ_CHECK(a.status.message() == b.status.message(), std::string(what) + ": different errors: " + a.status.message() + " / " + b.status.message());
  if (!a.status.ok()) return;
  FUZZ_CHECK(a.records == b.records, std::string(what) + ": different records");
  FUZZ_CHECK(a.numbers == b.numbers, std::string(what) + ": different record numbers");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 4 * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t first = data[0] % (input.size() + 1), second = data[1] % (input.size() + 1);
  if (first > second) std::swap(first, second);

  const Read whole = Tokenize(input, {});
  if (!whole.status.ok()) {
    FUZZ_CHECK(whole.status.code() == StatusCode::kInvalidArgument, "unexpected status code: " + whole.status.ToString());
    FUZZ_CHECK(whole.status.message().rfind("CSV:", 0) == 0, "an error not starting \"CSV:\": " + whole.status.message());
  }
  ExpectSame(whole, Tokenize(input, {first, second}), "cut twice");
  std::vector<size_t> bytes;
  for (size_t i = 1; i < input.size(); ++i) bytes.push_back(i);
  ExpectSame(whole, Tokenize(input, bytes), "byte by byte");
  return 0;
}
