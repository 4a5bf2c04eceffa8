// A kwarg given to connect.
// expect: arg(...) and kwargs are options of send
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

int main() {
  boost::asio::io_context ctx;
  asio_signals::signal s(ctx, asio_signals::arg("n", 0));
  s.connect([] {}, asio_signals::arg("n", 1), boost::asio::detached);
}
