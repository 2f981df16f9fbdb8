// Errors are values in the core. A Status says what went wrong and where:
// `path` is a JSON Pointer-like location ("/segments/3/condition/age/$gte")
// into the input that caused it, empty when the error has no location.
// Bindings turn a non-ok Status into a JavaScript Error; nothing in src/
// throws across its public API.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace leadseg {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // malformed input: bad JSON, wrong type, unknown key
  kUnsupported,       // well-formed, but a construct leadseg does not implement
  kOutOfRange,        // a number, size or depth beyond documented limits
  kFailedPrecondition,// the call is not valid in the current state
  kDataLoss,          // truncated or corrupted data (snapshots)
  kInternal,
};

class Status {
 public:
  Status() = default;  // ok
  // Out of line, as copies are: errors are rare, their code need not be
  // repeated wherever one is made or copied.
  Status(StatusCode code, std::string message, std::string path = {});
  Status(const Status& other);
  Status(Status&& other) noexcept : rep_(other.rep_) { other.rep_ = nullptr; }
  Status& operator=(const Status& other);
  Status& operator=(Status&& other) noexcept {
    std::swap(rep_, other.rep_);
    return *this;
  }
  ~Status() {
    if (rep_) Delete();
  }

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const { return rep_ ? rep_->message : Empty(); }
  const std::string& path() const { return rep_ ? rep_->path : Empty(); }

  // "message (at /path)" or just "message".
  std::string ToString() const;

  // Returns a copy whose path is `prefix` + this path. Used while unwinding
  // a recursive parse so that the innermost error names the full location.
  Status WithPathPrefix(const std::string& prefix) const;

 private:
  // An ok status is a null pointer: the hot paths make and drop an ok
  // Status per call (per value, in a frame's decoder), which is then one
  // pointer, not two strings to construct and destroy; only errors
  // allocate.
  struct Rep {
    StatusCode code;
    std::string message;
    std::string path;
  };
  void Delete();  // out of line: the inlined destructor is a test and a call
  static const std::string& Empty();
  Rep* rep_ = nullptr;
};

Status InvalidArgument(std::string message, std::string path = {});
Status Unsupported(std::string message, std::string path = {});
Status OutOfRange(std::string message, std::string path = {});
Status DataLoss(std::string message, std::string path = {});
Status FailedPrecondition(std::string message, std::string path = {});

// Escapes one JSON Pointer reference token ("~" -> "~0", "/" -> "~1").
std::string PointerToken(const std::string& key);
std::string PointerToken(size_t index);

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace leadseg

#define LEADSEG_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::leadseg::Status _st = (expr);            \
    if (!_st.ok()) return _st;                 \
  } while (0)
