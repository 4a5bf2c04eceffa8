// A callback that takes something else than an event.
// expect: a callback takes const event& or nothing
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

int main() {
  boost::asio::io_context ctx;
  asio_signals::signal s(ctx);
  s.connect([](int) {}, boost::asio::detached);
}
