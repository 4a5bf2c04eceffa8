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

void flush_queue::add(std::shared_ptr<session> s) {
  session_list& list = s->subscribed() ? subscribed_ : unsubscribed_;
  list.push_back(std::move(s));
  post();
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
  flush(unsubscribed_);
  flush(subscribed_);
}

// Runs the flushes the list holds now. Should one throw (out of memory), the
// others stay, ahead of any added since, for the next handler.
void flush_queue::flush(session_list& list) {
  const std::size_t count = list.size();
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
