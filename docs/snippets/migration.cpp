//
// migration.cpp
// ~~~~~~~~~~~~~
//
// The examples of docs/migration.md, compiled and run as a test: a
// Boost.Signals2 program and its asio_signals counterpart side by side.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/signals2.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

std::vector<std::string> journal;

struct account {
  void on_price(double price) { journal.push_back("signals2 " + std::to_string(int(price))); }
  void on_price_event(const sig::event& ev) {
    journal.push_back("asio_signals " + std::to_string(int(ev.get<double>("price"))));
  }
};

void with_signals2() {
  auto acc = std::make_shared<account>();
  //! [signals2]
  boost::signals2::signal<void(double)> price_changed;
  using slot_type = boost::signals2::signal<void(double)>::slot_type;
  boost::signals2::scoped_connection c = price_changed.connect(
      slot_type(&account::on_price, acc.get(), boost::placeholders::_1).track_foreign(acc));
  price_changed(42.0);  // runs the slot now, inside this call
  //! [signals2]
}

asio::awaitable<void> with_asio_signals(asio::any_io_executor ex) {
  auto acc = std::make_shared<account>();
  //! [asio-signals]
  sig::signal price_changed(ex, sig::arg("price", 0.0));
  sig::scoped_connection c = co_await price_changed.connect(&account::on_price_event, acc);
  co_await price_changed.send(sig::arg("price", 42.0));  // schedules the callback as a task
  //! [asio-signals]
  co_await price_changed.send_and_wait();
}

}  // namespace

int main() {
  with_signals2();
  asio::io_context ctx;
  asio::co_spawn(ctx, with_asio_signals(ctx.get_executor()), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
  if (journal.size() != 3 || journal[0] != "signals2 42" || journal[1] != "asio_signals 42")
    throw std::runtime_error("migration: the two programs disagree");
}
