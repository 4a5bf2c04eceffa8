//
// test_support.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_TESTS_TEST_SUPPORT_HPP
#define ASIO_SIGNALS_TESTS_TEST_SUPPORT_HPP

#include <asio_signals/event.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace test {

namespace asio = boost::asio;

// Runs `body` as a coroutine on a fresh io_context until the context runs out
// of work, and fails the test if the coroutine did not finish or threw.
inline void run_coroutine(const std::function<asio::awaitable<void>()>& body) {
  asio::io_context ctx;
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(ctx, body(), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  ctx.run();
  BOOST_TEST_REQUIRE(done, "the test coroutine did not finish");
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      BOOST_FAIL(std::string("the test coroutine threw: ") + e.what());
    } catch (...) {
      BOOST_FAIL("the test coroutine threw a non-standard exception");
    }
  }
}

// Yields to the executor `rounds` times, so that every task already queued,
// and the tasks those queue in turn, run before the caller goes on.
inline asio::awaitable<void> settle(int rounds = 16) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < rounds; ++i) co_await asio::post(ex, asio::use_awaitable);
}

// Yields until `done()` holds, at most `rounds` times; returns whether it held.
inline asio::awaitable<bool> until(std::function<bool()> done, int rounds = 1000) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < rounds && !done(); ++i) co_await asio::post(ex, asio::use_awaitable);
  co_return done();
}

// Yields to the executor once: a coroutine callback that suspends.
inline asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// The free functions record_f and record_g record into this journal; each test
// that uses them clears it first.
inline std::vector<std::string> journal;

inline void record_f(const asio_signals::event&) {
  journal.push_back("f");
}
inline void record_g() {
  journal.push_back("g");
}

// An object whose members count their calls, for member callbacks.
struct widget {
  int calls = 0;
  mutable int const_calls = 0;
  static inline int static_calls = 0;

  void on_event(const asio_signals::event&) { ++calls; }
  void on_nothing() { ++calls; }
  void on_const(const asio_signals::event&) const { ++const_calls; }
  asio::awaitable<void> on_coroutine(const asio_signals::event&) {
    co_await yield();
    ++calls;
  }
  static void on_static(const asio_signals::event&) { ++static_calls; }
  static asio::awaitable<void> on_static_coroutine() {
    ++static_calls;
    co_return;
  }
};

// The message of the standard exception `e` holds.
inline std::string message_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  }
}

// What awaiting `op` threw when it is an `Error`: its message; else a text
// that says what happened instead.
template <class Error, class Awaitable>
asio::awaitable<std::string> failure_of(Awaitable op) {
  try {
    co_await std::move(op);
  } catch (const Error& e) {
    co_return e.what();
  } catch (const std::exception& e) {
    co_return std::string("another exception: ") + e.what();
  }
  co_return "no exception";
}

// What calling `f` threw when it is an `Error`: its message; else a text
// that says what happened instead.
template <class Error>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (...) {
    return "another exception";
  }
  return "no exception";
}

// Whether `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace test

// A Boost.Test case whose body is a coroutine, run on a fresh io_context
// (Boost.Cobalt's CO_TEST_CASE style).
#define CO_TEST_CASE(name)                           \
  static boost::asio::awaitable<void> name##_body(); \
  BOOST_AUTO_TEST_CASE(name) {                       \
    ::test::run_coroutine(name##_body);              \
  }                                                  \
  static boost::asio::awaitable<void> name##_body()

#endif  // ASIO_SIGNALS_TESTS_TEST_SUPPORT_HPP
