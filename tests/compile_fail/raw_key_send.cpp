// A raw value where the completion token goes.
// expect: write sig::key(...) or sig::sender(...)
#include <asio_signals/signal.hpp>

#include <boost/asio/io_context.hpp>

int main() {
  boost::asio::io_context ctx;
  asio_signals::signal s(ctx);
  s.send("k");
}
