//
// executors.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include <cstddef>
#include <exception>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Where callbacks and completions run: on the signal's executor, on an
// executor bound to the callback, and on the completion handler's executor.
BOOST_AUTO_TEST_SUITE(executors_test)

BOOST_AUTO_TEST_CASE(callbacks_run_on_the_signal_executor) {
  asio::io_context ctx;
  auto strand = asio::make_strand(ctx);
  sig::signal s(strand);
  bool plain_on_strand = false;
  bool coroutine_on_strand = false;
  s.connect([&] { plain_on_strand = strand.running_in_this_thread(); }, asio::detached);
  s.connect(
      [&]() -> asio::awaitable<void> {
        co_await test::yield();
        coroutine_on_strand = strand.running_in_this_thread();
      },
      asio::detached);
  s.send(asio::detached);
  ctx.run();
  BOOST_TEST(plain_on_strand);
  BOOST_TEST(coroutine_on_strand);
}

BOOST_AUTO_TEST_CASE(bound_callbacks_run_on_their_executor) {
  asio::io_context ctx;
  auto strand = asio::make_strand(ctx);
  sig::signal s(ctx);
  bool plain_on_strand = false;
  bool coroutine_on_strand = false;
  s.connect(asio::bind_executor(strand, [&] { plain_on_strand = strand.running_in_this_thread(); }),
            asio::detached);
  s.connect(asio::bind_executor(strand,
                                [&]() -> asio::awaitable<void> {
                                  co_await test::yield();
                                  coroutine_on_strand = strand.running_in_this_thread();
                                }),
            asio::detached);
  std::size_t count = 0;
  s.send([&](std::exception_ptr, std::size_t n) { count = n; });
  ctx.run();
  BOOST_TEST(count == 2u);
  BOOST_TEST(plain_on_strand);
  BOOST_TEST(coroutine_on_strand);
}

BOOST_AUTO_TEST_CASE(completion_runs_on_the_handlers_executor) {
  asio::io_context ctx;
  auto signal_strand = asio::make_strand(ctx);
  auto caller = asio::make_strand(ctx);
  sig::signal s(signal_strand);
  bool connect_on_caller = false;
  bool send_on_caller = false;
  s.connect([] {}, asio::bind_executor(caller, [&](std::exception_ptr, sig::connection) {
              connect_on_caller = caller.running_in_this_thread();
            }));
  s.send(asio::bind_executor(caller, [&](std::exception_ptr, std::size_t) {
    send_on_caller = caller.running_in_this_thread();
  }));
  ctx.run();
  BOOST_TEST(connect_on_caller);
  BOOST_TEST(send_on_caller);
}

BOOST_AUTO_TEST_SUITE_END()
