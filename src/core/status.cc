#include "leadseg/status.h"

namespace leadseg {

Status::Status(StatusCode code, std::string message, std::string path)
    : rep_(code == StatusCode::kOk ? nullptr : new Rep{code, std::move(message), std::move(path)}) {}

Status::Status(const Status& other) : rep_(other.rep_ ? new Rep(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) *this = Status(other);
  return *this;
}

void Status::Delete() { delete rep_; }

const std::string& Status::Empty() {
  static const std::string* empty = new std::string();
  return *empty;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (rep_->path.empty()) return rep_->message;
  return rep_->message + " (at " + rep_->path + ")";
}

Status Status::WithPathPrefix(const std::string& prefix) const {
  if (ok()) return *this;
  return Status(rep_->code, rep_->message, prefix + rep_->path);
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
