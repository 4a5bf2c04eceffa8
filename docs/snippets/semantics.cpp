//
// semantics.cpp
// ~~~~~~~~~~~~~
//
// The examples of docs/semantics.md, compiled and run as a test: each one
// checks, with expect(), what its part of the document says.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

void expect(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("semantics: ") + what);
}

// Lets the tasks already queued on the executor run.
asio::awaitable<void> settle() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 8; ++i) co_await asio::post(ex, asio::use_awaitable);
}

std::vector<std::string> log;

void on_any(const sig::event&) {
  log.push_back("on_any");
}

struct person {
  std::string name;
  void on_message(const sig::event&) { log.push_back(name); }
};

struct shape {
  virtual ~shape() = default;
};
struct named {
  virtual ~named() = default;
};
struct circle : named, shape {};

enum class level { info, error };

asio::awaitable<void> scheduling(sig::signal s) {
  //! [scheduling]
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  s.send(asio::detached);  // schedules the callback and returns at once
  expect(calls == 0, "a send never runs a callback itself");
  std::size_t scheduled = co_await s.send();  // completes with the number scheduled
  //! [scheduling]
  expect(scheduled == 1, "one callback scheduled");
  co_await settle();
  expect(calls == 2, "both sends ran it");
}

asio::awaitable<void> matching(sig::signal s) {
  person mike{"Mike"};
  person ashley{"Ashley"};
  log.clear();
  //! [matching]
  co_await s.connect(on_any);  // no filter: every send
  co_await s.connect(&person::on_message, &mike, sig::sender(&ashley), sig::keys("books", "news"));
  co_await s.send(sig::key("music"));                                 // on_any
  co_await s.send(sig::sender(&ashley), sig::keys("books", "news"));  // on_any, Mike once
  //! [matching]
  co_await settle();
  expect((log == std::vector<std::string>{"on_any", "on_any", "Mike"}), "matching is a union");
}

asio::awaitable<void> everyone_but_me(sig::signal s) {
  person mike{"Mike"};
  person ashley{"Ashley"};
  log.clear();
  //! [not_from]
  co_await s.connect(&person::on_message, &mike, sig::key("lobby"), sig::not_from(&mike));
  co_await s.connect(&person::on_message, &ashley, sig::key("lobby"), sig::not_from(&ashley));
  std::size_t n = co_await s.send(sig::sender(&mike), sig::key("lobby"));  // 1: Ashley only
  //! [not_from]
  co_await settle();
  expect(n == 1 && (log == std::vector<std::string>{"Ashley"}), "not_from skips the sender");
}

asio::awaitable<void> merging(sig::signal s) {
  //! [merging]
  sig::connection a = co_await s.connect(on_any, sig::key("a"));
  sig::connection b = co_await s.connect(on_any, sig::key("b"));  // merged: a == b
  auto lambda = [] {};
  sig::connection c = co_await s.connect(lambda);
  sig::connection d = co_await s.connect(lambda);  // a new connection: c != d
  //! [merging]
  expect(a == b && !(c == d), "functions merge, lambdas do not");
}

asio::awaitable<void> disconnecting(sig::signal s) {
  //! [disconnecting]
  sig::connection c = co_await s.connect(on_any, sig::keys("a", "b"));
  co_await s.disconnect(on_any, sig::key("a"));  // now only "b"
  co_await s.disconnect(on_any, sig::key("b"));  // nothing left: the connection ends
  bool ended = !c.connected();
  co_await s.disconnect(on_any);  // not connected: nothing happens
  //! [disconnecting]
  expect(ended, "a partial disconnect that leaves nothing ends the connection");
}

asio::awaitable<void> senders_identity(sig::signal s) {
  //! [senders]
  circle c;
  shape* as_shape = &c;  // another address than &c, the same object
  co_await s.connect(on_any, sig::sender(&c));
  std::size_t n = co_await s.send(sig::sender(as_shape));  // 1: one sender
  //! [senders]
  expect(n == 1, "a base pointer names the most-derived object");
}

asio::awaitable<void> keys_normalised(sig::signal s) {
  //! [keys]
  co_await s.connect(on_any, sig::keys("1", level::error));
  std::size_t by_string = co_await s.send(sig::key(std::string("1")));  // 1
  std::size_t by_integer = co_await s.send(sig::key(1));                // 0: "1" is not 1
  std::size_t by_enum = co_await s.send(sig::key(level::error));        // 1
  //! [keys]
  expect(by_string == 1 && by_integer == 0 && by_enum == 1, "keys are normalised");
}

asio::awaitable<void> kwargs_rules(asio::any_io_executor ex) {
  //! [kwargs]
  sig::signal s(ex, sig::arg("message", std::string("none")), sig::arg("priority", 0));
  co_await s.connect([](const sig::event& ev) { log.push_back(ev.get<std::string>("message")); });
  co_await s.send(sig::arg("message", "hello"));  // this send only; const char* is a std::string
  co_await s.send();                              // "none" again
  bool rejected = false;
  try {
    co_await s.send(sig::arg("priority", "high"));  // declared as int: nothing is scheduled
  } catch (const sig::kwarg_error& e) {
    // "asio_signals: kwarg 'priority' is declared as int but the send gave std::string"
    rejected = true;
  }
  //! [kwargs]
  co_await settle();
  expect(rejected, "a mistyped kwarg is rejected");
  expect(log.size() >= 2 && log[log.size() - 2] == "hello" && log.back() == "none",
         "overrides last one send");
}

asio::awaitable<void> kwarg_handles(asio::any_io_executor ex) {
  log.clear();
  //! [kwarg_handle]
  sig::signal s(ex, sig::arg("channel", std::string("news")), sig::arg("text", std::string()));
  sig::kwarg_handle<std::string> text(s, "text");  // found and type-checked here, once
  // Made outside the co_await: it copies (see "A compiler trap" below).
  auto read = [text](const sig::event& ev) { log.push_back(text.get(ev)); };
  co_await s.connect(std::move(read));
  co_await s.send(sig::arg("text", "hello"));
  //! [kwarg_handle]
  co_await settle();
  expect(log == std::vector<std::string>({"hello"}), "a kwarg read through its handle");
}

asio::awaitable<void> ordering(sig::signal s) {
  log.clear();
  //! [ordering]
  co_await s.connect([] { log.push_back("first"); }, sig::key("k"));
  co_await s.connect([]() -> asio::awaitable<void> {
    log.push_back("second");
    co_return;
  });
  co_await s.connect([] { log.push_back("third"); });
  s.send(sig::key("k"), asio::detached);
  s.send(asio::detached);  // after every callback of the first send has started
  //! [ordering]
  co_await settle();
  expect((log == std::vector<std::string>{"first", "second", "third", "second", "third"}),
         "connection order, then send order");
}

asio::awaitable<void> weak_members(sig::signal s) {
  //! [weak]
  auto mike = std::make_shared<person>(person{"Mike"});
  sig::connection c = co_await s.connect(&person::on_message, mike);  // held weakly
  mike.reset();
  std::size_t receivers = s.receivers();  // 0: expired, even before a send met it
  std::size_t n = co_await s.send();      // 0: pruned, not counted
  //! [weak]
  expect(receivers == 0 && n == 0 && !c.connected(), "expired members are pruned");
}

asio::awaitable<void> errors(sig::signal s) {
  //! [errors]
  s.set_error_handler([](std::exception_ptr e, const sig::event&) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      log.push_back(std::string("error: ") + x.what());
    }
  });
  co_await s.connect([] { throw std::runtime_error("boom"); });
  co_await s.connect([] { log.push_back("still runs"); });
  co_await s.send();
  //! [errors]
  co_await settle();
  expect(log.size() >= 2 && log[log.size() - 2] == "error: boom" && log.back() == "still runs",
         "an exception reaches the handler and the others run");
}

asio::awaitable<void> all(asio::any_io_executor ex) {
  co_await scheduling(sig::signal(ex));
  co_await matching(sig::signal(ex));
  co_await everyone_but_me(sig::signal(ex));
  co_await merging(sig::signal(ex));
  co_await disconnecting(sig::signal(ex));
  co_await senders_identity(sig::signal(ex));
  co_await keys_normalised(sig::signal(ex));
  co_await kwargs_rules(ex);
  co_await kwarg_handles(ex);
  co_await ordering(sig::signal(ex));
  co_await weak_members(sig::signal(ex));
  co_await errors(sig::signal(ex));
}

}  // namespace

int main() {
  asio::io_context ctx;
  asio::co_spawn(ctx, all(ctx.get_executor()), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
  std::cout << "semantics: every example holds\n";
}
