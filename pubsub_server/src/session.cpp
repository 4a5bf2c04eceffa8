//
// session.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <utility>

namespace pubsub {
namespace {

// A publisher with this many PUBLISH sends in flight waits for their replies.
constexpr std::size_t max_publishes_in_flight = 1024;

// The push a pattern subscriber receives, up to the channel: "pmessage" and the pattern.
std::string pattern_head(std::string_view pattern) {
  std::string head("*4\r\n$8\r\npmessage\r\n");
  append_bulk(head, pattern);
  return head;
}

std::string describe(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "(gone)";
  const std::string address = peer.address().to_string();
  const std::string port = std::to_string(peer.port());
  return peer.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

session::session(asio::ip::tcp::socket socket, std::shared_ptr<broker> b)
    : socket_(std::move(socket)),
      broker_(std::move(b)),
      parser_(broker_->options().max_bulk_len, broker_->options().query_buffer_limit),
      publishes_settled_(socket_.get_executor()) {
  // Writes take what the socket has room for, and never block.
  socket_.non_blocking(true);
  broker_->count_connected();
}

session::~session() {
  close();
}

void session::start() {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), serve(self), [self](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      self->drop(std::string("error: ") + x.what());
    }
  });
}

void session::close() noexcept {
  if (closed_) return;
  closed_ = true;
  drop_subscriptions();
  publishes_settled_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  queued_.clear();
  broker_->count_disconnected();
}

// The parameter keeps the session alive while it serves.
asio::awaitable<void> session::serve([[maybe_unused]] std::shared_ptr<session> self) {
  while (!closed_ && !closing_) {
    const std::span<char> space = parser_.prepare();
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(space.data(), space.size()),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    parser_.commit(n);
    co_await run_requests();
  }
  // A client that quit is closed once its last reply is written.
  if (!closing_) close();
}

asio::awaitable<void> session::run_requests() {
  while (!closed_ && !closing_) {
    switch (parser_.parse()) {
      case request_parser::status::need_more:
        co_return;
      case request_parser::status::too_big:
        broker_->count_protocol_error();
        drop("query buffer over the limit");
        co_return;
      case request_parser::status::error:
        co_await settle_publishes();
        // Counted, not logged: Redis logs protocol errors only when verbose.
        broker_->count_protocol_error();
        reply_error(parser_.error());
        close_after_reply();
        co_return;
      case request_parser::status::request:
        break;
    }
    const std::span<const std::string_view> args = parser_.args();
    const route r = route_request(args, subscribed());
    // Replies keep the order of the requests: a PUBLISH goes on without
    // waiting for its send (up to a point), anything else waits for the
    // replies of the PUBLISH commands before it.
    if (r.run != command::publish || publish_replies_.size() >= max_publishes_in_flight)
      co_await settle_publishes();
    if (closed_) co_return;
    if (r.run)
      co_await run(*r.run, args);
    else
      reply_error(r.error);
  }
}

asio::awaitable<void> session::run(command c, std::span<const std::string_view> args) {
  switch (c) {
    case command::subscribe:
      co_await subscribe(args.subspan(1));
      break;
    case command::psubscribe:
      co_await psubscribe(args.subspan(1));
      break;
    case command::unsubscribe:
      unsubscribe(args.subspan(1));
      break;
    case command::punsubscribe:
      punsubscribe(args.subspan(1));
      break;
    case command::publish:
      publish(args[1], args[2]);
      break;
    case command::ping:
      ping(args);
      break;
    case command::quit:
      append_simple_string(queued_, "OK");
      close_after_reply();
      break;
    case command::reset:
      drop_subscriptions();
      append_simple_string(queued_, "RESET");
      queued();
      break;
  }
}

// Waits until every PUBLISH send has completed and its reply is queued.
asio::awaitable<void> session::settle_publishes() {
  while (!publish_replies_.empty() && !closed_) {
    publishes_settled_.expires_at(asio::steady_timer::time_point::max());
    co_await publishes_settled_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

void session::publish(std::string_view channel, std::string_view payload) {
  const std::uint64_t id = first_publish_id_ + publish_replies_.size();
  publish_replies_.push_back(pending_reply);
  auto done = [self = shared_from_this(), id](std::exception_ptr e, std::size_t receivers) {
    self->on_published(id, e, receivers);
  };
  broker_->publish(this, channel, payload, std::move(done));
  broker_->count_publishing();
}

void session::on_published(std::uint64_t id, std::exception_ptr e, std::size_t receivers) {
  // A send fails only for a kwarg error, which this server never makes.
  if (e) broker_->log("a PUBLISH failed to send");
  broker_->count_published(receivers);
  publish_replies_[id - first_publish_id_] = receivers;
  while (!publish_replies_.empty() && publish_replies_.front() != pending_reply) {
    if (!closed_) append_integer(queued_, static_cast<long long>(publish_replies_.front()));
    publish_replies_.pop_front();
    ++first_publish_id_;
  }
  if (publish_replies_.empty()) publishes_settled_.cancel();
  queued();
}

// The confirmation comes before the connection exists, and the connection
// before any send that can follow the confirmation: the connect is posted
// before the write of the confirmation, so a PUBLISH made once the client has
// read it is sent after the connection is made.
asio::awaitable<void> session::subscribe(std::span<const std::string_view> channels) {
  for (const std::string_view channel : channels) {
    const bool added = channels_.add(channel);
    reply_subscription("subscribe", channel);
    if (!added) continue;
    auto callback = [this](const sig::event& ev) { on_message(broker_->message_of(ev)); };
    sig::key key(channel);
    sig::connection c = co_await broker_->messages().connect(std::move(callback), std::move(key));
    channels_.attach(channel, std::move(c));
    if (closed_) co_return;
  }
}

asio::awaitable<void> session::psubscribe(std::span<const std::string_view> patterns) {
  for (const std::string_view pattern : patterns) {
    const bool added = patterns_.add(pattern);
    reply_subscription("psubscribe", pattern);
    if (!added) continue;
    sig::key key = broker_->add_pattern(pattern);
    auto head = std::make_shared<const std::string>(pattern_head(pattern));
    auto callback = [this, head](const sig::event& ev) {
      on_pattern_message(head, broker_->message_of(ev));
    };
    sig::connection c = co_await broker_->messages().connect(std::move(callback), std::move(key));
    patterns_.attach(pattern, std::move(c));
    if (closed_) co_return;
  }
}

// UNSUBSCRIBE without channels leaves every channel, or with none confirms a
// null channel, as Redis does.
void session::unsubscribe(std::span<const std::string_view> channels) {
  if (channels.empty() && channels_.empty()) reply_subscription("unsubscribe", std::nullopt);
  while (channels.empty() && !channels_.empty()) {
    const std::string channel = channels_.front();
    channels_.remove(channel);
    reply_subscription("unsubscribe", channel);
  }
  for (const std::string_view channel : channels) {
    channels_.remove(channel);
    reply_subscription("unsubscribe", channel);
  }
}

void session::punsubscribe(std::span<const std::string_view> patterns) {
  if (patterns.empty() && patterns_.empty()) reply_subscription("punsubscribe", std::nullopt);
  while (patterns.empty() && !patterns_.empty()) {
    const std::string pattern = patterns_.front();
    patterns_.remove(pattern);
    broker_->remove_pattern(pattern);
    reply_subscription("punsubscribe", pattern);
  }
  for (const std::string_view pattern : patterns) {
    if (patterns_.remove(pattern)) broker_->remove_pattern(pattern);
    reply_subscription("punsubscribe", pattern);
  }
}

void session::ping(std::span<const std::string_view> args) {
  if (args.size() > 2) return reply_error("wrong number of arguments for 'ping' command");
  if (subscribed()) {
    append_array_header(queued_, 2);
    append_bulk(queued_, "pong");
    append_bulk(queued_, args.size() == 2 ? args[1] : std::string_view());
  } else if (args.size() == 2) {
    append_bulk(queued_, args[1]);
  } else {
    append_simple_string(queued_, "PONG");
  }
  queued();
}

void session::drop_subscriptions() noexcept {
  channels_.clear();
  patterns_.for_each([this](const std::string& pattern) { broker_->remove_pattern(pattern); });
  patterns_.clear();
}

void session::reply_subscription(std::string_view kind, std::optional<std::string_view> name) {
  append_array_header(queued_, 3);
  append_bulk(queued_, kind);
  if (name)
    append_bulk(queued_, *name);
  else
    append_null(queued_);
  append_integer(queued_, static_cast<long long>(subscriptions()));
  queued();
}

void session::on_message(const message& m) {
  if (closed_) return;
  queued_.append(m.push(), m.owner());
  queued();
}

void session::on_pattern_message(const std::shared_ptr<const std::string>& head, const message& m) {
  if (closed_) return;
  queued_.append(*head, head);
  queued_.append(m.tail(), m.owner());
  queued();
}

void session::reply_error(std::string_view message) {
  append_error(queued_, message);
  queued();
}

// Called after queuing output: enforces the limit, then makes sure a flush
// will come.
void session::queued() {
  if (closed_) return;
  const std::size_t unsent = queued_.size() + writing_.size() - written_;
  if (unsent > broker_->options().output_buffer_limit) {
    broker_->count_output_overflow();
    drop("output buffer over the limit (" + std::to_string(unsent) + " bytes unsent, limit " +
         std::to_string(broker_->options().output_buffer_limit) + ")");
    return;
  }
  if (!write_in_flight_) schedule_flush();
}

void session::schedule_flush() {
  if (flush_scheduled_) return;
  broker_->flushes().add(shared_from_this());
  flush_scheduled_ = true;
}

// From the broker's flush_queue, with the other clients' flushes of the turn.
void session::flush() {
  flush_scheduled_ = false;
  if (closed_ || write_in_flight_) return;
  if (!queued_.empty())
    start_write();
  else if (closing_)
    close();
}

void session::start_write() {
  std::swap(queued_, writing_);
  writing_.gather(gathered_);
  unwritten_ = 0;
  written_ = 0;
  write_in_flight_ = true;
  write_more();
}

// Writes what the socket takes now, in as many calls as that needs, and
// waits for room only when it takes no more: a flush sends the whole of a
// client's output while there is room, as redis-server's writes do, rather
// than one call's worth (Asio's limit of buffers per call) per executor turn,
// which let output pile up faster than it left under a wide fan-out of
// big messages.
void session::write_more() {
  boost::system::error_code ec;
  while (unwritten_ != gathered_.size()) {
    const std::span<const asio::const_buffer> rest(gathered_.data() + unwritten_,
                                                   gathered_.size() - unwritten_);
    std::size_t n = socket_.write_some(rest, ec);
    if (ec == asio::error::would_block) {
      socket_.async_wait(asio::socket_base::wait_write,
                         [self = shared_from_this()](boost::system::error_code ec) {
                           if (ec)
                             self->on_written(ec);
                           else
                             self->write_more();
                         });
      return;
    }
    if (ec) break;
    written_ += n;
    while (n != 0 && n >= gathered_[unwritten_].size()) n -= gathered_[unwritten_++].size();
    if (n != 0) gathered_[unwritten_] += n;
  }
  // Completed in the next turn, as an asynchronous write would be: what is
  // queued meanwhile waits, and goes out together.
  asio::post(socket_.get_executor(), [self = shared_from_this(), ec] { self->on_written(ec); });
}

// What was queued during the write goes out with the next flush, not at
// once: the write completes in the middle of an executor turn, and the
// messages of the sends still queued in that turn join the same write.
void session::on_written(boost::system::error_code ec) {
  write_in_flight_ = false;
  writing_.clear();
  written_ = 0;
  if (closed_) return;
  if (ec)
    close();
  else if (!queued_.empty())
    schedule_flush();
  else if (closing_)
    close();
}

// After QUIT or a protocol error: nothing more is queued, and the connection
// closes once the replies are written.
void session::close_after_reply() {
  closing_ = true;
  drop_subscriptions();
  queued();
}

void session::drop(std::string_view why) {
  broker_->log("closing client " + describe(socket_) + ": " + std::string(why));
  close();
}

}  // namespace pubsub
