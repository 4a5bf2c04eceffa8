// A raw value among the options.
// expect: options are sender(...), senders(...), key(...), keys(...)
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

int main() {
  boost::asio::io_context ctx;
  asio_signals::signal s(ctx);
  s.send("k", asio_signals::key("other"), boost::asio::detached);
}
