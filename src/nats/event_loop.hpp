//
// nats/event_loop.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SRC_NATS_EVENT_LOOP_HPP
#define ASIO_SIGNALS_SRC_NATS_EVENT_LOOP_HPP

#include <asio_signals/detail/posted_ops.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace asio_signals::detail {

// Runs one cnats connection's socket on an executor, as cnats's external
// event loop (natsOptions_SetEventLoop): the connection is read and written on
// the executor's threads, and what it received is taken there at once, with
// no cnats thread between the socket and the executor.
//
// cnats calls the loop on its own threads too (a reconnection, a ping, a
// close), holding its connection's lock, so those calls only post to the
// executor. There the loop waits on a duplicate of the socket's descriptor,
// which stays valid whenever cnats closes its own.
//
// The loop is created, shared, before the connection. Once attached, it
// keeps itself until cnats has detached the connection from it and its last
// handler has run; a connection that never attached leaves it to its
// creator.
class nats_event_loop : public std::enable_shared_from_this<nats_event_loop> {
 public:
  // `on_read` runs on the executor after each read of the socket, to take
  // the messages of the connection's synchronous subscriptions; `on_written`
  // runs there once cnats wants no more writes, most often after one sent
  // all it had; `on_detached` runs there once cnats has detached the
  // connection, after which the loop calls cnats no more.
  nats_event_loop(asio::any_io_executor executor, std::function<void()> on_read,
                  std::function<void()> on_written, std::function<void()> on_detached);

  // Makes the connections created with `opts` use this loop: one connection
  // per loop.
  natsStatus set_on(natsOptions* opts);

 private:
  static natsStatus attach(void** user, void* loop, natsConnection* nc, natsSock fd);
  static natsStatus read(void* user, bool add);
  static natsStatus write(void* user, bool add);
  static natsStatus detach(void* user);

  // Posts `f` from a cnats thread; false when memory ran out.
  template <class F>
  bool post(F f) noexcept;

  // On the executor.
  void on_attached(natsConnection* nc, int fd);
  void on_stopped();
  void on_detached();
  void wait_readable();
  void write_some();

  const asio::any_io_executor executor_;
  posted_ops* const posted_;
  const std::function<void()> on_read_;
  const std::function<void()> on_written_;
  const std::function<void()> on_detached_;

  // Whether cnats has bytes to write and wants a write event: set and
  // cleared by cnats's calls, on any thread.
  std::atomic<bool> write_wanted_{false};

  // On the executor: the loop itself, from its attachment to its
  // detachment; the connection, once attached; the socket's duplicate;
  // which socket the waits are for, so that a wait completing after its
  // socket was replaced does nothing; and whether a write is under way.
  std::shared_ptr<nats_event_loop> self_;
  natsConnection* nc_ = nullptr;
  std::optional<asio::posix::stream_descriptor> socket_;
  std::uint64_t generation_ = 0;
  bool writing_ = false;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_NATS_EVENT_LOOP_HPP
