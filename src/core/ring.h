// Ring: a FIFO over one circular buffer, for the runtime's queues (the
// event log, metric windows and their min/max deques, score awards).
//
// It replaces std::deque there for the module's size: libc++'s deque brings
// a block map, a __split_buffer and a segmented iterator per element type
// (1-2 KB of wasm each), where a ring is one std::vector<T> and index
// arithmetic. Its operations are the deque's that those queues use: push at
// the back, pop at either end, index from the front, and (rarely: a late
// event) insert in the middle, which is linear.
//
// Unlike a deque, growing moves the elements: hold indices, not pointers,
// across a push. Cells outside [front, back] hold default-constructed
// values (a pop resets its cell, so strings there release their memory).
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace leadseg {

template <typename T>
class Ring {
 public:
  template <typename R, typename V>
  class Iter {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;

    Iter() = default;
    Iter(R* ring, size_t i) : ring_(ring), i_(i) {}

    V& operator*() const { return (*ring_)[i_]; }
    V* operator->() const { return &(*ring_)[i_]; }
    V& operator[](difference_type n) const { return (*ring_)[i_ + n]; }
    Iter& operator++() { ++i_; return *this; }
    Iter& operator--() { --i_; return *this; }
    Iter operator++(int) { Iter t = *this; ++i_; return t; }
    Iter operator--(int) { Iter t = *this; --i_; return t; }
    Iter& operator+=(difference_type n) { i_ += n; return *this; }
    Iter& operator-=(difference_type n) { i_ -= n; return *this; }
    Iter operator+(difference_type n) const { return {ring_, i_ + n}; }
    Iter operator-(difference_type n) const { return {ring_, i_ - n}; }
    difference_type operator-(const Iter& o) const {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }
    bool operator<(const Iter& o) const { return i_ < o.i_; }
    bool operator>(const Iter& o) const { return i_ > o.i_; }
    bool operator<=(const Iter& o) const { return i_ <= o.i_; }
    bool operator>=(const Iter& o) const { return i_ >= o.i_; }
    size_t index() const { return i_; }

   private:
    R* ring_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<Ring, T>;
  using const_iterator = Iter<const Ring, const T>;

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // i < size(); 0 is the front.
  T& operator[](size_t i) { return cells_[Cell(i)]; }
  const T& operator[](size_t i) const { return cells_[Cell(i)]; }
  T& front() { return cells_[head_]; }
  const T& front() const { return cells_[head_]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  void push_back(T v) {
    if (size_ == cells_.size()) Grow();
    cells_[Cell(size_++)] = std::move(v);
  }
  template <typename... Args>
  void emplace_back(Args&&... args) { push_back(T{std::forward<Args>(args)...}); }

  void pop_front() {
    cells_[head_] = T();
    head_ = (head_ + 1) & (cells_.size() - 1);
    --size_;
  }
  void pop_back() { cells_[Cell(--size_)] = T(); }

  // Inserts before `at` (linear in the elements after it).
  iterator insert(iterator at, T v) {
    push_back(std::move(v));
    for (size_t i = size_ - 1; i > at.index(); --i) std::swap((*this)[i], (*this)[i - 1]);
    return {this, at.index()};
  }

  // Empties the ring; keeps its buffer.
  void clear() {
    while (size_ > 0) pop_back();
    head_ = 0;
  }

 private:
  // The buffer's size is 0 or a power of two, so wrapping is a mask.
  size_t Cell(size_t i) const { return (head_ + i) & (cells_.size() - 1); }
  void Grow() {
    std::vector<T> bigger(cells_.empty() ? 8 : 2 * cells_.size());
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    cells_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> cells_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace leadseg
