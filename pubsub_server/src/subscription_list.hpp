//
// subscription_list.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_SUBSCRIPTION_LIST_HPP
#define PUBSUB_SUBSCRIPTION_LIST_HPP

#include "string_hash.hpp"

#include <asio_signals/connection.hpp>
#include <asio_signals/scoped_connection.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>

namespace pubsub {

namespace sig = asio_signals;

/// A client's channels, or its patterns, in the order it subscribed to them.
/**
 * Each name owns the connection of its subscription, and disconnects it when
 * removed. A name is added before its connection exists, since a connect
 * completes later; a connection that arrives for a name removed meanwhile is
 * disconnected at once.
 */
class subscription_list {
 public:
  /// The number of names.
  std::size_t size() const noexcept { return index_.size(); }

  /// Whether there is no name.
  bool empty() const noexcept { return index_.empty(); }

  /// The oldest name.
  const std::string& front() const noexcept { return entries_.front().name; }

  /// Adds @c name, without its connection yet; false if it is there already.
  bool add(std::string_view name);

  /// Gives @c name its connection, or disconnects @c c if @c name is gone.
  void attach(std::string_view name, sig::connection c);

  /// Removes @c name and disconnects its connection; false if it was not there.
  bool remove(std::string_view name);

  /// Calls @c f with each name, oldest first.
  template <class F>
  void for_each(F&& f) const {
    for (const entry& e : entries_) f(e.name);
  }

  /// Removes every name and disconnects every connection.
  void clear() noexcept;

 private:
  struct entry {
    std::string name;
    sig::scoped_connection connection;
  };

  std::list<entry> entries_;
  // Views of the names in entries_, whose nodes never move.
  boost::unordered_flat_map<std::string_view, std::list<entry>::iterator, string_hash,
                            std::equal_to<>>
      index_;
};

}  // namespace pubsub

#endif  // PUBSUB_SUBSCRIPTION_LIST_HPP
