//
// router.cpp
// ~~~~~~~~~~
//
// The examples of docs/router.md, compiled and run as a test: each one
// checks, with expect(), what its part of the document says.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <any>
#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

void expect(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("router: ") + what);
}

// Lets the tasks already queued on the executor run.
asio::awaitable<void> settle() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 8; ++i) co_await asio::post(ex, asio::use_awaitable);
}

std::vector<std::string> log;

void record(const sig::event& ev) {
  log.push_back(sig::sender_name(ev) + "/" + sig::event_name(ev));
}

void on_changed(const sig::event& ev) {
  log.push_back("changed:" + sig::sender_name(ev));
}

asio::awaitable<void> senders(sig::router r) {
  log.clear();
  //! [senders]
  co_await r.add_sender("temp", sig::events("#changed", "cold", "hot"));
  co_await r.add_sender("humidity", sig::events("#changed", "dry", "wet"));
  bool connected = co_await r.is_connected("temp");  // pysig's getSender("temp").isConnected()
  std::vector<std::string> declared = co_await r.declared_events("temp");  // #changed, cold, hot
  co_await r.remove_sender("humidity");
  //! [senders]
  expect(connected, "temp is connected");
  expect(declared.size() == 3, "temp declares three events");
  expect(!co_await r.is_connected("humidity"), "humidity was removed");
  co_await r.remove_sender("temp");
}

asio::awaitable<void> listeners(sig::router r) {
  log.clear();
  //! [listeners]
  co_await r.add_listener(record, "temp", "cold");            // one event of one sender
  co_await r.add_listener(record, "temp");                    // sender broadcast
  co_await r.add_listener(record);                            // router broadcast
  co_await r.add_listener(on_changed, sig::any, "#changed");  // a channel
  co_await r.add_sender("temp", sig::events("#changed", "cold"));
  co_await r.trigger("temp", "cold");
  //! [listeners]
  co_await settle();
  expect(log == std::vector<std::string>(
                    {"temp/#connect", "temp/#connect", "temp/cold", "temp/cold", "temp/cold"}),
         "router broadcast, then sender broadcast, then the event");
  co_await r.remove_sender("temp");
}

asio::awaitable<void> before(sig::router r) {
  log.clear();
  //! [before]
  co_await r.add_listener(record, "probe", "ping");  // no sender "probe" yet: accepted
  co_await r.add_sender("probe", sig::events("ping"));
  co_await r.trigger("probe", "ping");  // heard
  co_await r.remove_sender("probe");    // the listener stays
  co_await r.add_sender("probe", sig::events("ping"));
  co_await r.trigger("probe", "ping");  // heard again
  //! [before]
  co_await settle();
  expect(log == std::vector<std::string>({"probe/ping", "probe/ping"}), "heard twice");
  co_await r.remove_sender("probe");
}

asio::awaitable<void> presence(sig::router r) {
  log.clear();
  //! [presence]
  std::vector<std::string> announced;
  co_await r.add_listener(
      [&](const sig::event& ev) {
        announced = sig::event_data(ev).get<std::vector<std::string>>("events");
      },
      sig::any, sig::connect_event);
  co_await r.add_sender("light", sig::events("#changed", "dark"));
  //! [presence]
  co_await settle();
  expect(announced == std::vector<std::string>({"#changed", "dark"}), "the declared events");
  co_await r.remove_sender("light");
}

asio::awaitable<void> order(sig::router r) {
  log.clear();
  //! [order]
  co_await r.add_sender("s", sig::events("#c"));
  co_await r.add_listener([] { log.push_back("event"); }, "s", "#c");
  co_await r.add_listener([] { log.push_back("channel"); }, sig::any, "#c");
  co_await r.add_listener([] { log.push_back("sender"); }, "s");
  co_await r.add_listener([] { log.push_back("router"); });
  co_await r.trigger("s", "#c", sig::arg("value", 1));
  // log: router, sender, channel, event
  //! [order]
  co_await settle();
  expect(log == std::vector<std::string>({"router", "sender", "channel", "event"}), "order");
  co_await r.remove_sender("s");
}

asio::awaitable<void> bound(sig::router r) {
  std::vector<double> readings;
  co_await r.add_listener(
      [&](const sig::event& ev) { readings.push_back(sig::event_data(ev).get<double>("celsius")); },
      "temp", "cold");
  //! [bound]
  sig::event_trigger cold(r, "temp", "cold");  // no sender "temp" yet: that is fine
  co_await r.add_sender("temp", sig::events("cold"));
  for (double celsius : {-1.5, -3.0, -4.5}) co_await cold.trigger(sig::arg("celsius", celsius));
  co_await r.remove_sender("temp");
  try {
    co_await cold.trigger(sig::arg("celsius", -6.0));
  } catch (const sig::not_connected_error&) {
    // as r.trigger("temp", "cold", ...) would
  }
  //! [bound]
  co_await settle();
  expect(readings == std::vector<double>({-1.5, -3.0, -4.5}), "three readings, then none");
}

asio::awaitable<void> errors(sig::router r) {
  bool undeclared = false;
  bool not_channel = false;
  bool absent = false;
  co_await r.add_sender("temp", sig::events("cold"));
  //! [errors]
  try {
    co_await r.add_listener(record, "temp", "warm");  // temp is connected, declares no "warm"
  } catch (const sig::router_error& e) {
    // "asio_signals: sender 'temp' does not declare event 'warm'"
    undeclared = true;
  }
  try {
    co_await r.add_listener(record, sig::any, "cold");  // not a channel, and no sender
  } catch (const sig::router_error& e) {
    not_channel = true;
  }
  try {
    co_await r.trigger("nobody", "cold");
  } catch (const sig::not_connected_error& e) {
    absent = true;
  }
  //! [errors]
  expect(undeclared && not_channel && absent, "three errors");
  co_await r.remove_sender("temp");
}

asio::awaitable<void> requests(sig::router r) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  //! [requests]
  co_await r.add_sender(
      "weather", sig::events("weather_change"),
      sig::method("temperature", [](const sig::kwargs&) { return std::string("29.5"); }),
      sig::method("ishot", [] { return true; }),
      sig::default_method([](const std::string& method, const sig::kwargs&) {
        return "Unknown method " + method;
      }));
  std::any t = co_await r.request("weather", "temperature");  // std::string("29.5")
  std::any other = co_await r.request("weather", "rain", sig::arg("lorem", "ipsum"));
  asio::steady_timer timer(ex, std::chrono::seconds(5));
  auto first = co_await (r.request("weather", "ishot") || timer.async_wait(asio::use_awaitable));
  //! [requests]
  expect(std::any_cast<std::string>(t) == "29.5", "the temperature");
  expect(std::any_cast<std::string>(other) == "Unknown method rain", "the default handler");
  expect(first.index() == 0 && std::any_cast<bool>(std::get<0>(first)), "the response first");
  co_await r.remove_sender("weather");
}

asio::awaitable<void> named(sig::router r) {
  log.clear();
  //! [named]
  co_await r.on("foo", record);
  co_await r.on(
      "foo", [] { log.push_back("once"); }, sig::once());
  co_await r.emit("foo", sig::arg("four", 4));
  co_await r.emit("foo");
  bool responds = co_await r.responds_to(record, "foo");  // true
  co_await r.disconnect_from(record, "foo");
  {
    sig::emitting scope(r, "enter", "exit");  // emits "enter" now, "exit" at the end of the scope
  }
  co_await r.clear_all();
  //! [named]
  co_await settle();
  expect(responds, "record responds to foo");
  expect(log == std::vector<std::string>({"/foo", "once", "/foo"}), "two emits, once once");
}

asio::awaitable<void> all(asio::any_io_executor ex) {
  // Each part on a router of its own, after the callbacks of the one before.
  for (auto part : {senders, listeners, before, presence, order, bound, errors, requests, named}) {
    co_await part(sig::router(ex));
    co_await settle();
  }
}

}  // namespace

int main() {
  asio::io_context ctx;
  asio::co_spawn(ctx, all(ctx.get_executor()), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
  std::cout << "router: every example holds\n";
}
