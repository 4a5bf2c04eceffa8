//
// pubsub_server.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "pubsub_server.hpp"

#include "broker.hpp"
#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

namespace pubsub {
namespace {

// Out of descriptors or memory, accepting again at once would spin.
bool is_resource_shortage(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_memory ||
         ec == asio::error::no_buffer_space;
}

}  // namespace

// What the accept loop shares with the server, so that it may end after it.
class server::state {
 public:
  state(executor_type ex, server_options options)
      : broker_(std::make_shared<broker>(ex, std::move(options))), acceptor_(ex), retry_(ex) {
    const asio::ip::tcp::endpoint endpoint(broker_->options().bind_address,
                                           broker_->options().port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<state> self) {
    while (!self->stopped_) {
      auto [ec, socket] =
          co_await self->acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (self->stopped_) co_return;
      if (is_resource_shortage(ec)) {
        self->broker_->log("cannot accept: " + ec.message() + "; retrying in 100 ms");
        self->retry_.expires_after(std::chrono::milliseconds(100));
        co_await self->retry_.async_wait(asio::as_tuple(asio::use_awaitable));
      } else if (!ec) {
        self->start_session(std::move(socket));
      }
    }
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
    for (const std::weak_ptr<session>& weak : sessions_)
      if (auto s = weak.lock()) s->close();
    sessions_.clear();
    // Closed, the sessions need no flush; the queue holds them, and they the broker.
    broker_->flushes().clear();
  }

  std::shared_ptr<broker> broker_;
  asio::ip::tcp::acceptor acceptor_;

 private:
  void start_session(asio::ip::tcp::socket socket) noexcept {
    try {
      boost::system::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      auto s = std::make_shared<session>(std::move(socket), broker_);
      forget_closed_sessions();
      sessions_.push_back(s);
      s->start();
    } catch (const std::exception& e) {
      broker_->log(std::string("cannot serve a client: ") + e.what());
    }
  }

  // Keeps the list of sessions proportional to those still open.
  void forget_closed_sessions() {
    if (sessions_.size() < prune_at_) return;
    std::erase_if(sessions_, [](const std::weak_ptr<session>& s) { return s.expired(); });
    prune_at_ = std::max<std::size_t>(64, 2 * sessions_.size());
  }

  asio::steady_timer retry_;
  std::vector<std::weak_ptr<session>> sessions_;
  std::size_t prune_at_ = 64;
  bool stopped_ = false;
};

server::server(executor_type ex, server_options options)
    : state_(std::make_shared<state>(std::move(ex), std::move(options))) {}

server::~server() {
  stop();
}

server::executor_type server::get_executor() const noexcept {
  return state_->acceptor_.get_executor();
}

asio::ip::tcp::endpoint server::local_endpoint() const {
  return state_->acceptor_.local_endpoint();
}

void server::start() {
  asio::co_spawn(get_executor(), state::accept_loop(state_), asio::detached);
}

void server::stop() {
  state_->stop();
}

server_stats server::stats() const noexcept {
  return state_->broker_->stats();
}

}  // namespace pubsub
