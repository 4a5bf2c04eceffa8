//
// history.cpp
// ~~~~~~~~~~~
//
// The examples of docs/history.md, compiled and run as a test: each one
// checks, with expect(), what its part of the document says.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

void expect(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("history: ") + what);
}

std::vector<std::string> handled;

void handle(const sig::retained_event& e) {
  handled.push_back(e.sender + "/" + e.event + "#" + std::to_string(e.sequence));
}

asio::awaitable<void> retaining(sig::router r) {
  co_await r.add_sender("temp", sig::events("#changed", "cold"));
  co_await r.add_sender("humidity", sig::events("#changed"));

  co_await r.retain(sig::topic("#changed"), sig::max_events(10'000), sig::max_age(24h));
  co_await r.retain(sig::topic("temp", "cold"), sig::max_bytes(1 << 20));

  auto start = std::chrono::system_clock::now();
  co_await r.trigger("temp", "#changed", sig::arg("celsius", 3.5));
  co_await r.trigger("humidity", "#changed", sig::arg("percent", 40.0));
  co_await r.trigger("temp", "cold");

  std::vector<sig::retained_event> batch =
      co_await r.pull(sig::topic("#changed"), sig::topic("temp", "cold"), sig::since(start));
  for (const sig::retained_event& e : batch)
    std::cout << e.sender << " " << e.event << " #" << e.sequence << "\n";
  // prints: temp #changed #1, humidity #changed #2, temp cold #1
  expect(batch.size() == 3 && batch[1].sender == "humidity" && batch[2].sequence == 1,
         "a pull of two topics merges them by time");
}

asio::awaitable<void> durable(sig::router r) {
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await r.retain(sig::topic("#changed"), sig::max_events(10'000));
  for (int i = 0; i < 5; ++i) co_await r.trigger("temp", "#changed");

  co_await r.subscribe("dashboard", sig::topic("#changed"));
  for (;;) {
    std::vector<sig::retained_event> batch = co_await r.pull("dashboard", sig::max_batch(64));
    if (batch.empty()) break;
    for (const sig::retained_event& e : batch) handle(e);
    co_await r.ack("dashboard", batch);
  }
  expect(handled.size() == 5, "a durable subscriber pulls every kept event once");

  co_await r.trigger("temp", "#changed");
  std::vector<sig::retained_event> batch = co_await r.pull("dashboard");
  expect(batch.size() == 1 && batch[0].sequence == 6, "then only what is new");
  // Not acknowledged: resumed, the subscriber pulls it again.
  co_await r.subscribe("dashboard", sig::topic("#changed"));
  batch = co_await r.pull("dashboard");
  expect(batch.size() == 1 && batch[0].sequence == 6, "what was not acknowledged comes again");
}

asio::awaitable<void> streamed(sig::router r) {
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await r.retain(sig::topic("#changed"), sig::max_events(10'000));
  for (int i = 0; i < 5; ++i) co_await r.trigger("temp", "#changed");

  co_await r.subscribe("dashboard", sig::topic("#changed"));
  sig::history_subscription events(r, "dashboard", 64);
  for (int i = 0; i < 5; ++i) {
    sig::retained_event e = co_await events.receive();
    handle(e);
    co_await r.ack("dashboard", e);
  }
  expect(handled.size() == 5 && handled.back() == "temp/#changed#5",
         "a history subscription receives every kept event, in order");

  asio::steady_timer timer(co_await asio::this_coro::executor, 10ms);
  auto next = co_await (events.receive() || timer.async_wait(asio::use_awaitable));
  expect(next.index() == 1, "then waits for what is new");
}

asio::awaitable<void> errors(sig::router r) {
  try {
    co_await r.pull(sig::topic("#unknown"));
  } catch (const sig::router_error& e) {
    std::cout << e.what() << "\n";
    // asio_signals: topic '#unknown' is not retained: retain it first
  }
  bool thrown = false;
  try {
    co_await r.retain(sig::topic("#changed"), sig::max_events(0));
  } catch (const sig::router_error&) {
    thrown = true;
  }
  expect(thrown, "a bound of zero is a router_error");
}

template <class F>
void run(F f) {
  asio::io_context ctx;
  asio::co_spawn(ctx, f(sig::router(ctx)), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}

}  // namespace

int main() {
  run(retaining);
  run(durable);
  handled.clear();
  run(streamed);
  run(errors);
}
