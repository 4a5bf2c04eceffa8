//
// flush_queue.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "flush_queue.hpp"

#include "session.hpp"

#include <boost/asio/post.hpp>

namespace pubsub {

// Posts first: if the list cannot grow (out of memory), the handler finds
// nothing more to do, and the client is not in the queue.
void flush_queue::add(std::shared_ptr<session> s) {
  post();
  session_list& list = s->subscribed() ? subscribed_ : unsubscribed_;
  list.push_back(std::move(s));
}

void flush_queue::clear() noexcept {
  unsubscribed_.clear();
  subscribed_.clear();
}

void flush_queue::post() {
  if (posted_) return;
  asio::post(executor_, [self = shared_from_this()] { self->run(); });
  posted_ = true;
}

void flush_queue::run() {
  posted_ = false;
  if (unsubscribed_.empty() && subscribed_.empty()) return;
  if (publishes_pending_ != 0 && waits_ < max_waits) {
    ++waits_;
    post();
    return;
  }
  waits_ = 0;
  // The clients without subscriptions (publishers) between the two halves
  // of the subscribers (flush_queue.hpp).
  const std::size_t half = subscribed_.size() / 2;
  flush(subscribed_, half);
  flush(unsubscribed_, unsubscribed_.size());
  flush(subscribed_, subscribed_.size());
}

// Runs the first `count` flushes of the list. Should one throw (out of
// memory), the others stay, ahead of any added since, for the next handler.
void flush_queue::flush(session_list& list, std::size_t count) {
  std::size_t ran = 0;
  try {
    while (ran != count) list[ran++]->flush();
  } catch (...) {
    list.erase(list.begin(), list.begin() + ran);
    post();
    throw;
  }
  list.erase(list.begin(), list.begin() + count);
}

}  // namespace pubsub
