//
// nats/event_loop.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "event_loop.hpp"

#include <boost/system/error_code.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <new>
#include <utility>

namespace asio_signals::detail {

nats_event_loop::nats_event_loop(asio::any_io_executor executor, std::function<void()> on_read,
                                 std::function<void()> on_written,
                                 std::function<void()> on_detached)
    : executor_(std::move(executor)),
      posted_(posted_ops_of(executor_)),
      on_read_(std::move(on_read)),
      on_written_(std::move(on_written)),
      on_detached_(std::move(on_detached)) {}

natsStatus nats_event_loop::set_on(natsOptions* opts) {
  return natsOptions_SetEventLoop(opts, this, attach, read, write, detach);
}

template <class F>
bool nats_event_loop::post(F f) noexcept {
  try {
    post_counted(posted_, executor_, std::move(f));
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

// Called once connected and after each reconnection, with `fd` connected
// and non-blocking.
natsStatus nats_event_loop::attach(void** user, void* loop, natsConnection* nc, natsSock fd) {
  auto* self = static_cast<nats_event_loop*>(loop);
  *user = self;
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return NATS_SYS_ERROR;
  if (!self->post([self = self->shared_from_this(), nc, copy] { self->on_attached(nc, copy); })) {
    ::close(copy);
    return NATS_NO_MEMORY;
  }
  return NATS_OK;
}

// cnats 3.4.1 asks for reads by attaching only, and to remove them just
// before it closes the socket, for a reconnection or for good.
natsStatus nats_event_loop::read(void* user, bool add) {
  auto* self = static_cast<nats_event_loop*>(user);
  if (add) return NATS_OK;
  return self->post([self = self->shared_from_this()] { self->on_stopped(); }) ? NATS_OK
                                                                               : NATS_NO_MEMORY;
}

natsStatus nats_event_loop::write(void* user, bool add) {
  auto* self = static_cast<nats_event_loop*>(user);
  if (!add) {
    self->write_wanted_ = false;
    return NATS_OK;
  }
  if (self->write_wanted_.exchange(true)) return NATS_OK;
  if (self->post([self = self->shared_from_this()] {
        if (!self->writing_) self->write_some();
      }))
    return NATS_OK;
  self->write_wanted_ = false;
  return NATS_NO_MEMORY;
}

natsStatus nats_event_loop::detach(void* user) {
  auto* self = static_cast<nats_event_loop*>(user);
  // Without memory for the post, the loop keeps itself, and the link gives
  // up waiting for it.
  return self->post([self = self->shared_from_this()] { self->on_detached(); }) ? NATS_OK
                                                                                : NATS_NO_MEMORY;
}

void nats_event_loop::on_attached(natsConnection* nc, int fd) {
  if (!self_) self_ = shared_from_this();
  nc_ = nc;
  ++generation_;
  socket_.reset();
  writing_ = false;
  try {
    socket_.emplace(executor_, fd);
  } catch (const std::exception&) {
    // The reactor could not take the descriptor: the connection is not read
    // until the next reconnection, and its requests time out.
    ::close(fd);
    return;
  }
  wait_readable();
  if (write_wanted_) write_some();
}

void nats_event_loop::on_stopped() {
  ++generation_;
  socket_.reset();
  writing_ = false;
}

void nats_event_loop::on_detached() {
  on_stopped();
  nc_ = nullptr;
  on_detached_();
  self_.reset();
}

void nats_event_loop::wait_readable() {
  // A wait re-arms the descriptor, so that bytes a read left behind wake
  // the next one too.
  socket_->async_wait(
      asio::posix::stream_descriptor::wait_read,
      [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
        if (ec || generation != self->generation_) return;
        natsConnection_ProcessReadEvent(self->nc_);
        if (generation == self->generation_) self->wait_readable();
        self->on_read_();
      });
}

void nats_event_loop::write_some() {
  if (!nc_ || !socket_) return;
  if (!write_wanted_) {
    writing_ = false;
    return;
  }
  natsConnection_ProcessWriteEvent(nc_);
  // cnats asks for no more writes once it has written all it has.
  if (!write_wanted_ || !socket_) {
    writing_ = false;
    if (!write_wanted_) on_written_();
    return;
  }
  writing_ = true;
  socket_->async_wait(
      asio::posix::stream_descriptor::wait_write,
      [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
        if (ec || generation != self->generation_) return;
        self->write_some();
      });
}

}  // namespace asio_signals::detail
