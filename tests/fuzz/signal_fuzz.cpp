//
// signal_fuzz.cpp
// ~~~~~~~~~~~~~~~
//
// A libFuzzer target that drives a signal's API from fuzz input: connects of
// every kind of callable (with senders, keys and call limits), full and
// partial disconnects, sends with valid and invalid kwargs, waits that are
// cancelled, subscriptions, blocks and mutes, and object expiry, running the
// io_context in between. Beyond what the sanitizers catch, it checks that
// every send calls exactly the callbacks it counts, and that a counted
// connection never runs past its count.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection_block.hpp>
#include <asio_signals/scoped_mute.hpp>
#include <asio_signals/signal.hpp>
#include <asio_signals/subscription.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// Reads the fuzz input a byte at a time; zeros once it is used up.
class input {
 public:
  input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const noexcept { return at_ >= size_; }
  unsigned next(unsigned n) { return at_ < size_ ? data_[at_++] % n : 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "signal_fuzz: %s\n", what);
  std::abort();
}

long calls = 0;

// The calls of each counted connection, and its count.
struct counted {
  long calls = 0;
  long limit = 0;
};
std::deque<counted> counted_connections;

long all_calls() {
  long sum = calls;
  for (const counted& c : counted_connections) sum += c.calls;
  return sum;
}

struct target {
  void on_event(const sig::event&) { ++calls; }
};

void on_function(const sig::event&) {
  ++calls;
}

int sender_objects[3];
const sig::key key_pool[] = {sig::key("a"), sig::key("b"), sig::key(1)};

std::vector<sig::sender> senders_from(input& in) {
  std::vector<sig::sender> out;
  for (unsigned bits = in.next(8), i = 0; i < 3; ++i)
    if (bits & (1u << i)) out.emplace_back(&sender_objects[i]);
  return out;
}

std::vector<sig::key> keys_from(input& in) {
  std::vector<sig::key> out;
  for (unsigned bits = in.next(8), i = 0; i < 3; ++i)
    if (bits & (1u << i)) out.push_back(key_pool[i]);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input in(data, size);
  asio::io_context ctx;
  std::vector<sig::connection> connections;
  std::vector<std::shared_ptr<target>> objects(2);
  std::vector<std::unique_ptr<sig::subscription>> subscriptions;
  std::vector<std::unique_ptr<asio::cancellation_signal>> waits;
  std::optional<sig::connection_block> block;
  std::optional<sig::scoped_mute> mute;
  calls = 0;
  counted_connections.clear();
  {
    sig::signal s(ctx, sig::arg("n", 0));
    auto keep = [&](std::exception_ptr e, sig::connection c) {
      if (!e) connections.push_back(c);
    };
    while (!in.empty()) {
      auto senders = sig::senders(senders_from(in));
      auto keys = sig::keys(keys_from(in));
      switch (in.next(14)) {
        case 0:
          s.connect(&on_function, senders, keys, keep);
          break;
        case 1:
          s.connect([](const sig::event&) { ++calls; }, senders, keys, keep);
          break;
        case 2:
          s.connect(
              [](const sig::event&) -> asio::awaitable<void> {
                ++calls;
                co_return;
              },
              senders, keys, keep);
          break;
        case 3: {
          unsigned j = in.next(2);
          if (!objects[j]) objects[j] = std::make_shared<target>();
          s.connect(&target::on_event, std::weak_ptr<target>(objects[j]), senders, keys, keep);
          break;
        }
        case 4: {
          counted& c = counted_connections.emplace_back();
          c.limit = 1 + long(in.next(3));
          s.connect([&c](const sig::event&) { ++c.calls; }, senders, keys,
                    sig::max_calls(std::uint32_t(c.limit)), keep);
          break;
        }
        case 5:
          if (!connections.empty())
            s.disconnect(connections[in.next(unsigned(connections.size()))], senders, keys,
                         [](std::exception_ptr) {});
          break;
        case 6:
          s.disconnect(&on_function, senders, keys, [](std::exception_ptr) {});
          break;
        case 7:
          objects[in.next(2)].reset();
          break;
        case 8: {
          long before = all_calls();
          auto done = [before](std::exception_ptr e, std::size_t n) {
            // Between ops the context runs dry, so only this send's callbacks ran.
            require(!e, "a valid send failed");
            require(all_calls() - before <= long(n), "a send called more than it counted");
          };
          if (in.next(2) == 0)
            s.send(senders, keys, done);
          else
            s.send(senders, keys, sig::arg("n", int(in.next(100))), done);
          break;
        }
        case 9: {
          bool threw = false;
          try {
            if (in.next(2) == 0)
              s.send(keys, sig::arg("n", "text"), [](std::exception_ptr, std::size_t) {});
            else
              s.send(keys, sig::arg("undeclared", 1), [](std::exception_ptr, std::size_t) {});
          } catch (const sig::kwarg_error&) {
            threw = true;
          }
          require(threw, "an invalid kwarg did not throw kwarg_error");
          break;
        }
        case 10: {
          waits.push_back(std::make_unique<asio::cancellation_signal>());
          s.next(senders, keys,
                 asio::bind_cancellation_slot(waits.back()->slot(),
                                              [](boost::system::error_code, sig::event) {}));
          if (in.next(2) == 0) waits.back()->emit(asio::cancellation_type::terminal);
          break;
        }
        case 11:
          if (subscriptions.size() < 3)
            subscriptions.push_back(std::make_unique<sig::subscription>(
                s, 1 + in.next(3), sig::overflow(in.next(2)), senders, keys));
          else
            subscriptions.erase(subscriptions.begin() + in.next(3));
          break;
        case 12:
          if (block)
            block.reset();
          else if (!connections.empty())
            block.emplace(connections[in.next(unsigned(connections.size()))]);
          break;
        default:
          if (mute)
            mute.reset();
          else
            mute.emplace(s);
          break;
      }
      ctx.restart();
      ctx.poll();
    }
    for (auto& w : waits) w->emit(asio::cancellation_type::terminal);
    block.reset();
    mute.reset();
    subscriptions.clear();
    ctx.restart();
    ctx.run();
  }
  ctx.restart();
  ctx.run();
  for (const counted& c : counted_connections)
    require(c.calls <= c.limit, "a counted connection ran past its count");
  return 0;
}
