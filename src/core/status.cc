#include "core/status.h"

namespace leadseg {

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (path_.empty()) return message_;
  return message_ + " (at " + path_ + ")";
}

Status Status::WithPathPrefix(const std::string& prefix) const {
  if (ok()) return *this;
  return Status(code_, message_, prefix + path_);
}

Status InvalidArgument(std::string m, std::string p) {
  return Status(StatusCode::kInvalidArgument, std::move(m), std::move(p));
}
Status Unsupported(std::string m, std::string p) {
  return Status(StatusCode::kUnsupported, std::move(m), std::move(p));
}
Status OutOfRange(std::string m, std::string p) {
  return Status(StatusCode::kOutOfRange, std::move(m), std::move(p));
}
Status DataLoss(std::string m, std::string p) {
  return Status(StatusCode::kDataLoss, std::move(m), std::move(p));
}
Status FailedPrecondition(std::string m, std::string p) {
  return Status(StatusCode::kFailedPrecondition, std::move(m), std::move(p));
}

std::string PointerToken(const std::string& key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string PointerToken(size_t index) { return "/" + std::to_string(index); }

}  // namespace leadseg
