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
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <exception>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// A member of a chat room, run on a strand of its own and tracked weakly.
class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(asio::thread_pool& pool) : strand_(asio::make_strand(pool)) {}

  asio::awaitable<void> join(sig::signal room) {
    //! [member strand]
    co_await room.connect(&session::deliver, asio::bind_executor(strand_, weak_from_this()));
    //! [member strand]
  }

  void deliver() { on_strand = strand_.running_in_this_thread(); }

  std::atomic<bool> on_strand{false};

 private:
  asio::strand<asio::thread_pool::executor_type> strand_;
};

// A send held by a full subscription keeps run() going until a consumer
// thread makes room.
bool held_send_keeps_run_going() {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  //! [held send]
  int completed = 0;
  auto count = [&](std::exception_ptr, std::size_t) { ++completed; };
  sig::subscription sub(s, 1, sig::overflow::wait);
  s.send(sig::arg("n", 1), count);
  s.send(sig::arg("n", 2), count);                                     // held: the buffer is full
  std::thread consumer([&] { sub.receive(asio::use_future).get(); });  // makes room, later
  ctx.run();  // returns once both sends have completed
  consumer.join();
  //! [held send]
  return completed == 2;
}

}  // namespace

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

  sig::signal room(pool);
  auto member = std::make_shared<session>(pool);
  asio::co_spawn(pool, member->join(room), asio::use_future).get();
  room.send(asio::use_future).get();

  pool.join();
  if (calls != 402 || !on_ui || !on_caller || !member->on_strand || !held_send_keeps_run_going())
    throw std::runtime_error("threading: a claim failed");
}
