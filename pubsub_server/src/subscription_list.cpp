//
// subscription_list.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "subscription_list.hpp"

#include <iterator>
#include <utility>

namespace pubsub {

bool subscription_list::add(std::string_view name) {
  if (index_.contains(name)) return false;
  entries_.push_back({std::string(name), {}});
  auto last = std::prev(entries_.end());
  index_.emplace(last->name, last);
  return true;
}

void subscription_list::attach(std::string_view name, sig::connection c) {
  auto it = index_.find(name);
  if (it == index_.end())
    c.disconnect();
  else
    it->second->connection = sig::scoped_connection(std::move(c));
}

bool subscription_list::remove(std::string_view name) {
  auto it = index_.find(name);
  if (it == index_.end()) return false;
  auto position = it->second;
  index_.erase(it);
  entries_.erase(position);
  return true;
}

void subscription_list::clear() noexcept {
  index_.clear();
  entries_.clear();
}

}  // namespace pubsub
