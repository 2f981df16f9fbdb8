// A list of byte strings stored end to end in one buffer: appending many
// small strings (a row's kept CSV fields, a lead's metrics frame) costs no
// allocation per string, and clearing keeps the capacity for the next call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leadseg {
namespace batch {

class PackedStrings {
 public:
  size_t size() const { return ends_.size() - 1; }
  // String i, valid until the next Add or Clear.
  std::string_view operator[](size_t i) const {
    return std::string_view(bytes_).substr(ends_[i], ends_[i + 1] - ends_[i]);
  }
  void Add(std::string_view s) {
    bytes_.append(s.data(), s.size());
    ends_.push_back(bytes_.size());
  }
  void Clear() {
    bytes_.clear();
    ends_.assign(1, 0);
  }
  void Swap(PackedStrings* other) {
    bytes_.swap(other->bytes_);
    ends_.swap(other->ends_);
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_{0};  // string i: [ends[i], ends[i+1])
};

}  // namespace batch
}  // namespace leadseg
