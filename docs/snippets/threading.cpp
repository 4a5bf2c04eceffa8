//
// threading.cpp
// ~~~~~~~~~~~~~
//
// The examples of docs/threading.md, compiled and run as a test.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <exception>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

int main() {
  //! [strand]
  asio::thread_pool pool(2);
  sig::signal ticks(asio::make_strand(pool));  // its state lives on one strand
  //! [strand]

  std::atomic<int> calls{0};
  ticks.connect([&] { ++calls; }, asio::use_future).get();

  //! [threads]
  std::vector<std::thread> senders;
  for (int i = 0; i < 4; ++i)
    senders.emplace_back([&ticks] {
      for (int n = 0; n < 100; ++n) ticks.send(asio::use_future).get();  // from any thread
    });
  for (std::thread& t : senders) t.join();
  //! [threads]

  //! [bound]
  auto ui = asio::make_strand(pool);
  std::atomic<bool> on_ui{false};
  auto refresh = asio::bind_executor(ui, [&] { on_ui = ui.running_in_this_thread(); });
  ticks.connect(refresh, asio::use_future).get();
  ticks.send(asio::use_future).get();  // the bound callback runs on `ui`, later
  //! [bound]

  //! [completion]
  auto caller = asio::make_strand(pool);
  std::promise<bool> completed_on_caller;
  ticks.send(asio::bind_executor(caller, [&](std::exception_ptr, std::size_t) {
    completed_on_caller.set_value(caller.running_in_this_thread());
  }));
  //! [completion]

  bool on_caller = completed_on_caller.get_future().get();
  pool.join();
  if (calls != 402 || !on_ui || !on_caller) throw std::runtime_error("threading: a claim failed");
}
