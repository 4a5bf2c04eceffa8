//
// detail/history_log.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_HISTORY_LOG_HPP
#define ASIO_SIGNALS_DETAIL_HISTORY_LOG_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/names.hpp>
#include <asio_signals/history.hpp>
#include <asio_signals/kwargs.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace asio_signals::detail {

using history_clock = std::chrono::system_clock;

// "topic 'e'", or "topic 'e' of sender 's'", as error messages show topics.
inline std::string describe(const topic& t) {
  if (t.sender().empty()) return "topic " + quoted(t.event());
  return "topic " + quoted(t.event()) + " of sender " + quoted(t.sender());
}

// The topic a retained event belongs to.
inline topic topic_of(const retained_event& e) {
  return is_channel(e.event) ? topic(e.event) : topic(e.sender, e.event);
}

inline bool same_topic(const topic& a, const topic& b) {
  return a.sender() == b.sender() && a.event() == b.event();
}

// The most events a pull returns without max_batch().
inline constexpr std::size_t default_batch = 256;

// What retain, pull, subscribe and ack gather from their options.
struct history_request {
  std::vector<topic> topics;
  std::optional<std::size_t> max_events;
  std::optional<history_clock::duration> max_age;
  std::optional<std::size_t> max_bytes;
  std::optional<history_clock::time_point> since;
  std::optional<std::size_t> batch;
  bool wait = false;

  void add(topic t) { topics.push_back(std::move(t)); }
  void add(const retention_bound& b) {
    if (b.events_) max_events = b.events_;
    if (b.age_) max_age = b.age_;
    if (b.bytes_) max_bytes = b.bytes_;
  }
  void add(const pull_start& s) { since = s.time_; }
  void add(const batch_size& b) { batch = b.n_; }
  void add(const pull_wait&) { wait = true; }
};

// The router_error for a topic, a bound, a batch, a start or a subscriber's
// name that `operation` ("retain", "pull" or "subscribe") cannot take, or
// null: found at the call, as names are.
ASIO_SIGNALS_DECL std::exception_ptr history_error(const history_request& r,
                                                   std::string_view operation,
                                                   std::optional<std::string_view> subscriber = {});

// What a history operation fails with once the router's NATS link stopped:
// not_connected_error.
ASIO_SIGNALS_DECL std::exception_ptr link_stopped_error();

template <class T, class... Allowed>
constexpr bool is_one_of_v = (std::is_same_v<std::remove_cvref_t<T>, Allowed> || ...);

// Adds the options among `args` — each one of Allowed — to `request` and
// returns `f(token, request)`, with the trailing completion token, or
// asio::use_awaitable.
template <class... Allowed, class F, class... Args>
decltype(auto) with_history_options(history_request request, F&& f, Args&&... args) {
  constexpr std::size_t n = sizeof...(Args);
  using last =
      std::tuple_element_t<n == 0 ? 0 : n - 1, std::tuple<Args..., asio::use_awaitable_t<>>>;
  constexpr bool has_token = n > 0 && !is_one_of_v<last, Allowed...>;
  constexpr std::size_t options = has_token ? n - 1 : n;
  auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    static_assert((is_one_of_v<std::tuple_element_t<I, std::tuple<Args...>>, Allowed...> && ...),
                  "asio_signals: an option this history operation does not take; see its "
                  "documentation for the options it does");
    (request.add(std::get<I>(refs)), ...);
  }
  (std::make_index_sequence<options>());
  if constexpr (has_token)
    return f(std::get<n - 1>(std::move(refs)), std::move(request));
  else
    return f(asio::use_awaitable, std::move(request));
}

// The kept events of one retained topic, oldest first, and its bounds.
class topic_log {
 public:
  // Sets the bounds and applies them at once.
  void set_bounds(const history_request& r);

  // Keeps a trigger; `now` is the router's clock.
  void append(const std::string& sender, const std::string& event, const kwargs& data,
              history_clock::time_point now);

  // Drops what max_age no longer keeps.
  void expire(history_clock::time_point now);

  // The sequence number of the oldest kept event, or of the next one when
  // none is kept.
  std::uint64_t first_sequence() const noexcept { return next_sequence_ - events_.size(); }

  // The number of pulls waiting for this topic's next event.
  std::size_t waiting = 0;

  // The sequence number the next event will have.
  std::uint64_t next_sequence() const noexcept { return next_sequence_; }

  // The sequence number of the first kept event triggered at `time` or later.
  std::uint64_t sequence_at(history_clock::time_point time) const;

  // The kept event of sequence number `seq`, first_sequence() <= seq <
  // next_sequence().
  const retained_event& at(std::uint64_t seq) const noexcept {
    return events_[static_cast<std::size_t>(seq - first_sequence())];
  }

 private:
  void pop();
  void trim();

  std::optional<std::size_t> max_events_;
  std::optional<history_clock::duration> max_age_;
  std::optional<std::size_t> max_bytes_;
  std::deque<retained_event> events_;
  std::deque<std::size_t> sizes_;
  std::size_t bytes_ = 0;
  std::uint64_t next_sequence_ = 1;
  history_clock::time_point last_time_;
};

// A function that completes a history operation, called once on the
// router's executor.
template <class... T>
using history_done = std::function<void(std::exception_ptr, T...)>;

// Where a linked router keeps its history instead of in memory (the NATS
// link's JetStream). Every function is called on the router's executor and
// calls its `done` once, on that executor; the checks of history_error()
// were passed.
class history_backend {
 public:
  virtual ~history_backend() = default;

  virtual void retain(history_request r, history_done<> done) = 0;
  virtual void pull(history_request r, history_done<std::vector<retained_event>> done) = 0;
  virtual void subscribe(std::string name, history_request r, history_done<> done) = 0;
  // A pull of a durable subscriber; `wanted()` says whether its caller still
  // waits for it: events are taken from the subscriber only while it does,
  // and `done` is called all the same (with operation_aborted) once it does
  // not, so that a cancelled pull completes even if its withdrawal finds it
  // gone.
  virtual void pull(std::string name, std::size_t batch, bool wait, std::function<bool()> wanted,
                    history_done<std::vector<retained_event>> done) = 0;
  virtual void ack(std::string name, std::vector<retained_event> batch, history_done<> done) = 0;
  virtual void unsubscribe(std::string name, history_done<bool> done) = 0;
};

// Where a durable subscriber is in one of its topics: the last event a pull
// returned and the last it acknowledged.
struct history_cursor {
  topic_log* log;
  std::uint64_t delivered;
  std::uint64_t acked;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_HISTORY_LOG_HPP
