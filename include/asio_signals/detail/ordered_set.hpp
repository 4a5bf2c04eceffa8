//
// detail/ordered_set.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_ORDERED_SET_HPP
#define ASIO_SIGNALS_DETAIL_ORDERED_SET_HPP

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace asio_signals::detail {

/// A set that keeps its elements in insertion order.
/**
 * Small sets are searched linearly; once a set grows past a few elements a
 * hash index is built beside the vector, so inserting and looking up stay
 * O(1) whatever the size.
 */
template <class T>
class ordered_set {
 public:
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;

  ordered_set() = default;

  ordered_set(const ordered_set& other) : items_(other.items_) { rebuild_index(); }

  ordered_set(ordered_set&&) noexcept = default;

  ordered_set& operator=(ordered_set other) noexcept {
    items_ = std::move(other.items_);
    index_ = std::move(other.index_);
    return *this;
  }

  /// The number of elements.
  std::size_t size() const noexcept { return items_.size(); }

  /// The number of elements the set has room for without allocating.
  std::size_t capacity() const noexcept { return items_.capacity(); }

  /// Whether the set has no elements.
  bool empty() const noexcept { return items_.empty(); }

  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

  /// Whether @c value is an element of the set.
  bool contains(const T& value) const {
    if (index_) return index_->contains(value);
    return std::find(items_.begin(), items_.end(), value) != items_.end();
  }

  /// Removes every element; keeps the memory.
  void clear() noexcept {
    items_.clear();
    index_.reset();
  }

  /// Exchanges the elements of two sets.
  void swap(ordered_set& other) noexcept {
    items_.swap(other.items_);
    index_.swap(other.index_);
  }

  /// Adds a copy of @c value unless it is already there; returns whether it
  /// was added.
  bool insert(const T& value) { return insert(T(value)); }

  /// Adds @c value, moved from, unless it is already there; returns whether
  /// it was added.
  bool insert(T&& value) {
    if (contains(value)) return false;
    if (index_) index_->insert(value);
    items_.push_back(std::move(value));
    if (!index_ && items_.size() > linear_limit) rebuild_index();
    return true;
  }

 private:
  static constexpr std::size_t linear_limit = 8;

  void rebuild_index() {
    if (items_.size() <= linear_limit) return;
    index_ =
        std::make_unique<boost::unordered_flat_set<T, std::hash<T>>>(items_.begin(), items_.end());
  }

  std::vector<T> items_;
  std::unique_ptr<boost::unordered_flat_set<T, std::hash<T>>> index_;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_ORDERED_SET_HPP
