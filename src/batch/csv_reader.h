// CsvReader: an incremental RFC 4180 tokenizer fed chunks of UTF-8 bytes.
//
//   CsvReader reader;
//   struct Print : CsvSink {
//     Status OnRecord(const CsvRecord& r) override { ... r.fields[0] ... }
//   } sink;
//   while (more) LEADSEG_RETURN_IF_ERROR(reader.Feed(chunk, /*last=*/false, &sink));
//   LEADSEG_RETURN_IF_ERROR(reader.Feed({}, /*last=*/true, &sink));
//
// The dialect and the errors are those of web/src/csv.js (what
// segmentLeads reads in a page), so a file gives the same rows in both:
//   * comma-separated; quoted fields with "" escapes and line breaks;
//     CRLF, LF and CR line ends; text after a closing quote is appended
//     (lenient, as csv.js);
//   * a UTF-8 byte order mark is skipped (a file's bytes through
//     TextDecoder then csv.js lose up to two: so does this reader);
//   * invalid UTF-8 is an error, never U+FFFD: the rows would differ from
//     the file without a word;
//   * a quoted field still open at the end is an error naming its line.
// Chunks may split the input anywhere, inside a quoted field or a UTF-8
// sequence included. Only the current record is kept between chunks, so a
// file of any size is read in constant memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/status.h"

namespace leadseg {
namespace batch {

// One record as the reader saw it. The views point into the reader's
// buffer: valid during OnRecord only.
struct CsvRecord {
  std::vector<std::string_view> fields;
  // The record's number as a spreadsheet shows it: the first record (the
  // header) is 1, blank lines count, a quoted line break does not start a
  // new one. csv.js's rowNumbers.
  uint64_t number = 0;
  // The fields' bytes in all (the record without its delimiters and
  // quotes): what a sink would otherwise add up field by field.
  size_t bytes = 0;
  // A line holding nothing at all (one empty field): csv.js skips these as
  // data rows but counts them.
  bool blank() const { return fields.size() == 1 && fields[0].empty(); }
};

class CsvSink {
 public:
  virtual ~CsvSink() = default;
  // A non-ok status stops the reader; Feed returns it.
  virtual Status OnRecord(const CsvRecord& record) = 0;
};

// The current record's bytes. Not a std::string: libc++'s basic_string<char>
// is an extern template, so in wasm every append was a call into Emscripten's
// prebuilt libc++, whose own helpers (size(), __is_long(), __set_size()...)
// are calls too: a quarter of the CSV path's time in a profile of the batch
// module (docs/performance.md "Issue 15: the batch module with LTO").
class RecordBytes {
 public:
  RecordBytes() { Grow(4096); }
  void Append(const char* p, size_t n) {
    if (n > capacity_ - size_) Grow(size_ + n);
    std::memcpy(data_.get() + size_, p, n);
    size_ += n;
  }
  void Push(char c) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = c;
  }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void Grow(size_t at_least);
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

class CsvReader {
 public:
  CsvReader();

  // Tokenizes `bytes`, calling sink->OnRecord for every record completed
  // in them. `last` ends the input: the final record is delivered even
  // without a line break. Errors (InvalidArgument, messages start "CSV:"):
  // invalid UTF-8 (naming the byte offset), a quoted field never closed
  // (naming its line). After an error or the last chunk the reader only
  // returns FailedPrecondition.
  Status Feed(std::string_view bytes, bool last, CsvSink* sink);

  // Records delivered so far (the header and blank lines included).
  uint64_t records() const { return records_; }
  // Bytes fed so far.
  uint64_t bytes() const { return offset_; }

 private:
  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
  Status Emit(CsvSink* sink);
  // Reads the record starting at p[i] straight into views of p[i, n) and
  // emits it, when it is all unquoted fields ending in a line break before
  // n; *end is then past it, else i (nothing read: the caller reads the
  // record byte by byte into buffer_).
  Status FastRecord(const char* p, size_t i, size_t n, CsvSink* sink, size_t* end);
  Status CheckUtf8(std::string_view bytes);
  // Feed's cold paths, out of line. SkipBoms: the byte order marks at the
  // start (a BOM-like start that is not one goes to *pending). ReadSlowly:
  // one step of the byte-by-byte path from p[*at] (a quoted field, or a
  // record a part ends inside), *at moved past what it read. End: the
  // input's end.
  void SkipBoms(std::string_view* bytes, bool last, std::string* pending);
  Status ReadSlowly(const char* p, size_t n, size_t* at, CsvSink* sink);
  Status End(CsvSink* sink);

  State state_ = State::kFieldStart;
  bool skip_lf_ = false;     // after a CR: a following LF belongs to it
  int boms_left_ = 2;        // leading byte order marks still to skip
  size_t bom_matched_ = 0;   // bytes of a BOM seen at the very start
  bool started_ = false;     // a byte other than a BOM has been seen
  bool done_ = false;
  uint64_t offset_ = 0;      // bytes fed
  uint64_t records_ = 0;
  uint64_t line_ = 1;        // the current line (line breaks in quotes count)
  uint64_t quote_line_ = 1;  // where the open quoted field started
  // UTF-8 validation across chunks: continuation bytes still expected and
  // the bounds of the next one (overlongs and surrogates).
  int utf8_need_ = 0;
  uint8_t utf8_lo_ = 0x80, utf8_hi_ = 0xBF;
  uint64_t utf8_start_ = 0;  // offset of the sequence being checked

  RecordBytes buffer_;                // the current record's field bytes
  std::vector<size_t> field_ends_;    // end of each completed field in buffer_
  CsvRecord record_;
};

// csv.js's typing of one field (typeValue), on its raw text:
//   ""                          -> kMissing (the row leaves the column out)
//   "true"/"false", any case    -> kBool
//   JSON number syntax, finite  -> kNumber ("42", "-3.5", "1e6"; not "007",
//                                  "+1", " 42", "1e400")
//   anything else               -> kString
struct TypedField {
  enum class Kind : uint8_t { kMissing, kBool, kNumber, kString };
  Kind kind = Kind::kMissing;
  bool boolean = false;
  double number = 0;
};
TypedField TypeField(std::string_view text);

// Trims what JavaScript's String.prototype.trim trims (ASCII and Unicode
// white space, line terminators, U+FEFF) from both ends of UTF-8 text:
// header names are trimmed as csv.js trims them.
std::string_view TrimJs(std::string_view text);

}  // namespace batch
}  // namespace leadseg
