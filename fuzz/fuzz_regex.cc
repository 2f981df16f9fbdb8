// (f) Regex: `flags byte, pattern bytes 0xFF text bytes`.
//
// Bit 0 of the flags byte is the `i` flag. The pattern is anything up to the
// first 0xFF (so invalid UTF-8 other than 0xFF occurs too); the text is the
// rest, arbitrary bytes. With bit 1 set, the "pattern" is instead read as
// an encoded program (Regex::Decode, what compiled configs store).
// Invariants:
//  - Compile never crashes; an error names the problem;
//  - Decode never crashes; it rejects with DataLoss, or gives a program
//    that Search runs within bounds;
//  - program_size() <= kMaxInstructions;
//  - Search never crashes, never reads out of bounds (ASan), and its time
//    is linear (libFuzzer's -timeout catches a blow-up);
//  - a compiled program encoded and decoded answers the same, and encodes
//    to the same bytes;
//  - a copy of the regex, and a second Search, give the same answer;
//  - prefixes and suffixes of the text can be searched too (scratch reuse).
#include <string>

#include "conditions/regex.h"
#include "fuzz_common.h"

using namespace leadseg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  const bool ignore_case = data[0] & 1;
  auto parts = fuzz::Split(data + 1, size - 1, 2);
  if (data[0] & 2) {
    std::string_view in = parts[0];
    auto decoded = Regex::Decode(&in);
    if (!decoded.ok()) {
      FUZZ_CHECK(decoded.status().code() == StatusCode::kDataLoss, "unexpected status code: " + decoded.status().ToString());
      return 0;
    }
    FUZZ_CHECK(decoded->program_size() <= Regex::kMaxInstructions, "decoded program larger than kMaxInstructions");
    std::string_view text = parts[1];
    (void)decoded->Search(text);
    (void)decoded->Search(text.substr(text.size() / 2));
    (void)decoded->Search("");
    return 0;
  }
  auto re = Regex::Compile(parts[0], ignore_case);
  if (!re.ok()) {
    FUZZ_CHECK(!re.status().message().empty(), "a regex error without a message");
    FUZZ_CHECK(re.status().code() == StatusCode::kInvalidArgument ||
                   re.status().code() == StatusCode::kUnsupported || re.status().code() == StatusCode::kOutOfRange,
               "unexpected status code: " + re.status().ToString());
    return 0;
  }
  FUZZ_CHECK(re->program_size() <= Regex::kMaxInstructions, "program larger than kMaxInstructions");
  std::string_view text = parts[1];
  bool found = re->Search(text);
  FUZZ_CHECK(re->Search(text) == found, "Search is not deterministic");
  std::string program;
  re->Encode(&program);
  std::string_view in = program;
  auto decoded = Regex::Decode(&in);
  FUZZ_CHECK(decoded.ok() && in.empty(), "a compiled program does not decode: " + decoded.status().ToString());
  FUZZ_CHECK(decoded->Search(text) == found, "a decoded program disagrees");
  std::string again;
  decoded->Encode(&again);
  FUZZ_CHECK(again == program, "a decoded program encodes differently");
  Regex copy = *re;
  FUZZ_CHECK(copy.Search(text) == found, "a copied regex disagrees");
  (void)re->Search(text.substr(0, text.size() / 2));
  (void)re->Search(text.substr(text.size() / 2));
  (void)re->Search("");
  Regex moved = std::move(copy);
  FUZZ_CHECK(moved.Search(text) == found, "a moved regex disagrees");
  return 0;
}
