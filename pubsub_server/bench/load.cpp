//
// load.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "load.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace bench {
namespace {

using clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

// A payload starts with the send time (ns), the publisher and the sequence number.
constexpr std::size_t payload_header = 8 + 4 + 8;
// Messages a publisher keeping a window writes at most in one write.
constexpr std::size_t max_batch = 256;
constexpr std::size_t read_size = 256 * 1024;

std::chrono::duration<double> own_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return std::chrono::duration<double>(seconds(usage.ru_utime) + seconds(usage.ru_stime));
}

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
          .count());
}

long long to_integer(std::string_view s) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size())
    throw std::runtime_error("bad RESP length: " + std::string(s));
  return value;
}

// Parses one RESP2 value at data[pos]: appends its strings (an array's bulk
// strings and integers, or a scalar's text) to `parts` and moves `pos` past
// it; false if the value is not complete yet.
bool parse_value(std::string_view data, std::size_t& pos, std::vector<std::string_view>& parts) {
  const std::size_t cr = data.find("\r\n", pos);
  if (cr == std::string_view::npos) return false;
  const std::string_view line = data.substr(pos, cr - pos);
  if (line.empty()) throw std::runtime_error("empty RESP line");
  pos = cr + 2;
  if (line[0] == '*') {
    const long long n = to_integer(line.substr(1));
    for (long long i = 0; i < n; ++i)
      if (!parse_value(data, pos, parts)) return false;
    return true;
  }
  if (line[0] == '$') {
    const long long n = to_integer(line.substr(1));
    if (n < 0) {
      parts.emplace_back();
      return true;
    }
    const auto size = static_cast<std::size_t>(n);
    if (data.size() - pos < size + 2) return false;
    parts.push_back(data.substr(pos, size));
    pos += size + 2;
    return true;
  }
  parts.push_back(line);
  return true;
}

// A read buffer from which complete RESP values are taken one by one.
class reply_reader {
 public:
  reply_reader() : data_(read_size) {}

  asio::mutable_buffer space() {
    if (begin_ != 0) {
      std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == data_.size()) data_.resize(data_.size() * 2);
    return asio::buffer(data_.data() + end_, data_.size() - end_);
  }

  void commit(std::size_t n) { end_ += n; }

  enum class take { message, incomplete, other };

  // The payload of the next value if it is a channel message push: the fast
  // path for what subscribers receive, so that the load is not the bottleneck.
  take next_message(std::string_view& payload) {
    constexpr std::string_view head = "*3\r\n$7\r\nmessage\r\n$";
    const char* p = data_.data() + begin_;
    const char* const end = data_.data() + end_;
    const auto available = static_cast<std::size_t>(end - p);
    if (available < head.size())
      return std::memcmp(p, head.data(), available) == 0 ? take::incomplete : take::other;
    if (std::memcmp(p, head.data(), head.size()) != 0) return take::other;
    p += head.size();
    std::size_t channel = 0;
    std::size_t size = 0;
    if (!read_length(p, end, channel) || static_cast<std::size_t>(end - p) < channel + 3)
      return take::incomplete;
    p += channel + 2;
    if (*p++ != '$') return take::other;
    if (!read_length(p, end, size) || static_cast<std::size_t>(end - p) < size + 2)
      return take::incomplete;
    payload = std::string_view(p, size);
    begin_ = static_cast<std::size_t>(p + size + 2 - data_.data());
    return take::message;
  }

  // The next complete value's strings, or false.
  bool next(std::vector<std::string_view>& parts) {
    parts.clear();
    std::size_t pos = begin_;
    if (!parse_value(std::string_view(data_.data(), end_), pos, parts)) return false;
    begin_ = pos;
    return true;
  }

 private:
  // Reads the digits and CRLF of a length at `p`; false if they are not all there.
  static bool read_length(const char*& p, const char* end, std::size_t& value) {
    value = 0;
    for (; p != end && *p >= '0' && *p <= '9'; ++p)
      value = value * 10 + static_cast<std::size_t>(*p - '0');
    if (end - p < 2) return false;
    p += 2;
    return true;
  }

  std::vector<char> data_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// Delays in 1 µs buckets up to one second, and one bucket for the rest.
class histogram {
 public:
  histogram() : counts_(1'000'001) {}

  void add(std::uint64_t ns) {
    ++counts_[std::min<std::uint64_t>(ns / 1000, counts_.size() - 1)];
    ++total_;
  }

  std::chrono::duration<double, std::micro> percentile(double p) const {
    const auto wanted = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(total_)));
    std::uint64_t seen = 0;
    for (std::size_t us = 0; us < counts_.size(); ++us) {
      seen += counts_[us];
      if (seen >= wanted && seen != 0) return std::chrono::duration<double, std::micro>(us + 0.5);
    }
    return std::chrono::duration<double, std::micro>(0);
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

class publisher;

// What the connections of one run share.
struct run_state {
  explicit run_state(const load_options& o) : options(o) {}

  const load_options& options;
  bool measuring = false;
  bool stopping = false;
  bool closing = false;
  std::uint64_t delivered = 0;
  std::uint64_t published = 0;
  std::uint64_t delivered_total = 0;
  std::uint64_t published_total = 0;
  histogram delays;
  std::vector<std::string> errors;
  std::vector<std::unique_ptr<publisher>> publishers;

  void error(std::string what) {
    if (errors.size() < 10) errors.push_back(std::move(what));
  }
};

// Reads what comes into `reader`; false once the connection ends, an error
// unless the run is closing.
asio::awaitable<bool> read_more(tcp::socket& socket, reply_reader& reader, run_state& state,
                                std::string_view who) {
  auto [ec, n] =
      co_await socket.async_read_some(reader.space(), asio::as_tuple(asio::use_awaitable));
  if (ec) {
    if (!state.closing) state.error(std::string(who) + " read: " + ec.message());
    co_return false;
  }
  reader.commit(n);
  co_return true;
}

std::string channel_name(std::size_t i) {
  return "bench-" + std::to_string(i);
}

std::size_t subscribers_of(const load_options& o, std::size_t channel) {
  return o.subscribers / o.channels + (channel < o.subscribers % o.channels ? 1 : 0);
}

// Publishes pipelined: in batches, each once the replies to the last are in,
// or else keeping at most `window` messages not yet received by all the
// subscribers of its channel. A message's sequence number counts the
// publisher's messages to its channel.
class publisher {
 public:
  publisher(asio::io_context& ctx, run_state& state, std::uint32_t id)
      : socket_(ctx),
        wake_(ctx),
        state_(state),
        id_(id),
        sent_to_(state.options.channels, 0),
        received_(subscribers_of(state.options, id % state.options.channels), 0) {
    for (std::size_t c = 0; c < state.options.channels; ++c) {
      const std::string channel = channel_name(c);
      command_heads_.push_back("*3\r\n$7\r\nPUBLISH\r\n$" + std::to_string(channel.size()) +
                               "\r\n" + channel + "\r\n$" + std::to_string(state.options.payload) +
                               "\r\n");
    }
    payload_.assign(state.options.payload, 'x');
  }

  tcp::socket& socket() { return socket_; }

  asio::awaitable<void> write_loop() {
    while (!state_.stopping) {
      const std::size_t room = room_to_send();
      if (room == 0) {
        waiting_ = true;
        wake_.expires_at(clock::time_point::max());
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
        waiting_ = false;
        continue;
      }
      batch_.clear();
      const std::uint64_t sent_at = now_ns();
      for (std::size_t i = 0; i < room; ++i) append_publish(sent_at);
      auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(batch_),
                                                asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (!state_.closing) state_.error("publisher write: " + ec.message());
        co_return;
      }
    }
  }

  asio::awaitable<void> read_loop() {
    reply_reader reader;
    std::vector<std::string_view> parts;
    while (co_await read_more(socket_, reader, state_, "publisher")) {
      while (reader.next(parts)) check_reply(parts);
      if (state_.options.batch != 0) wake();
    }
  }

  // Of the subscribers of the publisher's channel, the `slot`th has received
  // `count` messages; the window counts them.
  void delivered(std::size_t slot, std::uint64_t count) { received_[slot] = count; }

  void wake() {
    if (waiting_ && (state_.stopping || room_to_send() != 0)) wake_.cancel();
  }

  // The messages sent to channel `c`.
  std::uint64_t sent_to(std::size_t c) const { return sent_to_[c]; }

  bool replied() const { return replies_ == sent_; }

 private:
  std::size_t channel_of(std::uint64_t message) const {
    const std::size_t first = id_ % state_.options.channels;
    if (!state_.options.spread) return first;
    return static_cast<std::size_t>((first + message) % state_.options.channels);
  }

  std::size_t room_to_send() const {
    if (state_.options.batch != 0) return replied() ? state_.options.batch : 0;
    const std::uint64_t least_received = *std::min_element(received_.begin(), received_.end());
    const std::uint64_t in_flight = sent_ - least_received;
    return in_flight >= state_.options.window
               ? 0
               : std::min(state_.options.window - in_flight, max_batch);
  }

  void append_publish(std::uint64_t sent_at) {
    const std::size_t c = channel_of(sent_);
    std::memcpy(payload_.data(), &sent_at, 8);
    std::memcpy(payload_.data() + 8, &id_, 4);
    std::memcpy(payload_.data() + 12, &sent_to_[c], 8);
    ++sent_to_[c];
    ++sent_;
    batch_.append(command_heads_[c]).append(payload_).append("\r\n");
  }

  void check_reply(const std::vector<std::string_view>& parts) {
    if (parts.size() != 1 || parts[0].empty() || parts[0][0] != ':') {
      state_.error("unexpected PUBLISH reply: " + std::string(parts.empty() ? "" : parts[0]));
      return;
    }
    const std::size_t expected = subscribers_of(state_.options, channel_of(replies_));
    if (to_integer(parts[0].substr(1)) != static_cast<long long>(expected))
      state_.error("PUBLISH replied " + std::string(parts[0].substr(1)) + ", expected " +
                   std::to_string(expected));
    ++replies_;
    ++state_.published_total;
    if (state_.measuring) ++state_.published;
  }

  tcp::socket socket_;
  asio::steady_timer wake_;
  run_state& state_;
  const std::uint32_t id_;
  std::vector<std::string> command_heads_;
  std::string payload_;
  std::string batch_;
  std::uint64_t sent_ = 0;
  std::uint64_t replies_ = 0;
  std::vector<std::uint64_t> sent_to_;
  std::vector<std::uint64_t> received_;
  bool waiting_ = false;
};

// Subscribes to one channel and checks that every message of every publisher
// of the channel arrives once, in order.
class subscriber {
 public:
  subscriber(asio::io_context& ctx, run_state& state, std::size_t index)
      : socket_(ctx),
        state_(state),
        channel_(index % state.options.channels),
        slot_(index / state.options.channels),
        expected_(state.options.publishers, 0) {}

  tcp::socket& socket() { return socket_; }

  // Whether every message published to the subscriber's channel has arrived.
  bool drained() const {
    for (std::size_t p = 0; p < expected_.size(); ++p)
      if (expected_[p] != state_.publishers[p]->sent_to(channel_)) return false;
    return true;
  }

  asio::awaitable<void> subscribe() {
    const std::string channel = channel_name(channel_);
    const std::string command =
        "*2\r\n$9\r\nSUBSCRIBE\r\n$" + std::to_string(channel.size()) + "\r\n" + channel + "\r\n";
    co_await asio::async_write(socket_, asio::buffer(command), asio::use_awaitable);
    std::vector<std::string_view> parts;
    while (!reader_.next(parts)) {
      const std::size_t n = co_await socket_.async_read_some(reader_.space(), asio::use_awaitable);
      reader_.commit(n);
    }
    if (parts.size() != 3 || parts[0] != "subscribe")
      throw std::runtime_error("unexpected SUBSCRIBE reply");
  }

  asio::awaitable<void> read_loop() {
    while (co_await read_more(socket_, reader_, state_, "subscriber")) {
      const std::uint64_t received_at = now_ns();
      take_messages(received_at);
      // Deliveries make room in the publishers' windows; batches wait for replies only.
      if (state_.options.batch == 0)
        for (const auto& p : state_.publishers) p->wake();
    }
  }

 private:
  void take_messages(std::uint64_t received_at) {
    std::string_view payload;
    std::vector<std::string_view> parts;
    for (;;) {
      const reply_reader::take t = reader_.next_message(payload);
      if (t == reply_reader::take::message) {
        on_message(payload, received_at);
      } else if (t == reply_reader::take::incomplete || !reader_.next(parts)) {
        return;
      } else {
        state_.error("unexpected push on a subscriber: " + std::string(parts.at(0)));
      }
    }
  }

  void on_message(std::string_view payload, std::uint64_t received_at) {
    if (payload.size() < payload_header) {
      state_.error("a message too short for the load's header");
      return;
    }
    std::uint64_t sent_at = 0;
    std::uint32_t from = 0;
    std::uint64_t sequence = 0;
    std::memcpy(&sent_at, payload.data(), 8);
    std::memcpy(&from, payload.data() + 8, 4);
    std::memcpy(&sequence, payload.data() + 12, 8);
    if (from >= expected_.size() || sequence != expected_[from]) {
      state_.error("a subscriber lost or reordered messages");
      return;
    }
    expected_[from] = sequence + 1;
    if (state_.options.batch == 0) state_.publishers[from]->delivered(slot_, sequence + 1);
    ++state_.delivered_total;
    if (state_.measuring) {
      ++state_.delivered;
      state_.delays.add(received_at - sent_at);
    }
  }

  tcp::socket socket_;
  run_state& state_;
  const std::size_t channel_;
  const std::size_t slot_;
  reply_reader reader_;
  std::vector<std::uint64_t> expected_;
};

void validate(const load_options& o) {
  if (o.channels == 0 || o.publishers == 0 || o.subscribers < o.channels)
    throw std::invalid_argument("need at least one publisher, one channel and a subscriber each");
  if (o.payload < payload_header)
    throw std::invalid_argument("the payload must be at least " + std::to_string(payload_header) +
                                " bytes");
  if (o.window == 0) throw std::invalid_argument("the window must not be zero");
  if (o.spread && o.batch == 0)
    throw std::invalid_argument(
        "spreading over the channels needs batches: the window counts one channel's subscribers");
}

class load_run {
 public:
  load_run(const tcp::endpoint& server, const load_options& options,
           const std::function<std::chrono::duration<double>()>& server_cpu_time)
      : server_(server), state_(options), server_cpu_time_(server_cpu_time), timer_(ctx_) {
    for (std::size_t i = 0; i < options.subscribers; ++i)
      subscribers_.push_back(std::make_unique<subscriber>(ctx_, state_, i));
    for (std::uint32_t i = 0; i < options.publishers; ++i)
      state_.publishers.push_back(std::make_unique<publisher>(ctx_, state_, i));
  }

  load_result run() {
    asio::co_spawn(ctx_, drive(), [this](std::exception_ptr e) { record(e); });
    ctx_.run();
    return result_;
  }

 private:
  asio::awaitable<void> drive() {
    for (auto& s : subscribers_) {
      co_await connect(s->socket());
      co_await s->subscribe();
    }
    for (auto& p : state_.publishers) co_await connect(p->socket());
    for (auto& s : subscribers_) spawn(s->read_loop());
    for (auto& p : state_.publishers) {
      spawn(p->read_loop());
      spawn(p->write_loop());
    }
    co_await sleep(state_.options.warmup);
    const auto cpu_start = server_cpu_time_();
    const auto own_cpu_start = own_cpu_time();
    const auto start = clock::now();
    state_.measuring = true;
    co_await sleep(state_.options.duration);
    state_.measuring = false;
    const std::chrono::duration<double> elapsed = clock::now() - start;
    const auto cpu = server_cpu_time_() - cpu_start;
    const auto own_cpu = own_cpu_time() - own_cpu_start;
    co_await stop();
    result_.delivered_per_second = static_cast<double>(state_.delivered) / elapsed.count();
    result_.published_per_second = static_cast<double>(state_.published) / elapsed.count();
    result_.p50 = state_.delays.percentile(0.50);
    result_.p99 = state_.delays.percentile(0.99);
    result_.server_cores = cpu / elapsed;
    result_.load_cores = own_cpu / elapsed;
    result_.delivered_total = state_.delivered_total;
    result_.published_total = state_.published_total;
    result_.errors = state_.errors;
  }

  // Stops publishing, waits up to 10 s for what is in flight, and closes.
  asio::awaitable<void> stop() {
    state_.stopping = true;
    for (auto& p : state_.publishers) p->wake();
    for (int i = 0; i < 1000 && !drained(); ++i) co_await sleep(std::chrono::milliseconds(10));
    if (!drained())
      state_.error("messages still undelivered or unanswered 10 s after publishing stopped");
    state_.closing = true;
    boost::system::error_code ignored;
    for (auto& s : subscribers_) s->socket().close(ignored);
    for (auto& p : state_.publishers) p->socket().close(ignored);
  }

  bool drained() const {
    return std::all_of(state_.publishers.begin(), state_.publishers.end(),
                       [](const auto& p) { return p->replied(); }) &&
           std::all_of(subscribers_.begin(), subscribers_.end(),
                       [](const auto& s) { return s->drained(); });
  }

  asio::awaitable<void> connect(tcp::socket& socket) {
    co_await socket.async_connect(server_, asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
  }

  asio::awaitable<void> sleep(std::chrono::duration<double> d) {
    timer_.expires_after(std::chrono::duration_cast<clock::duration>(d));
    co_await timer_.async_wait(asio::use_awaitable);
  }

  void spawn(asio::awaitable<void> loop) {
    asio::co_spawn(ctx_, std::move(loop), [this](std::exception_ptr e) { record(e); });
  }

  void record(std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      state_.error(x.what());
    }
    boost::system::error_code ignored;
    state_.closing = true;
    for (auto& s : subscribers_) s->socket().close(ignored);
    for (auto& p : state_.publishers) p->socket().close(ignored);
    result_.errors = state_.errors;
    timer_.cancel();
  }

  asio::io_context ctx_{1};
  tcp::endpoint server_;
  run_state state_;
  std::function<std::chrono::duration<double>()> server_cpu_time_;
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<subscriber>> subscribers_;
  load_result result_;
};

}  // namespace

load_result run_load(const asio::ip::tcp::endpoint& server, const load_options& options,
                     const std::function<std::chrono::duration<double>()>& server_cpu_time) {
  validate(options);
  load_run run(server, options, server_cpu_time);
  return run.run();
}

}  // namespace bench
