// A member connected with a std::unique_ptr to its object.
// expect: a std::unique_ptr owns its object alone
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>

struct widget {
  void on_event() {}
};

int main() {
  boost::asio::io_context ctx;
  asio_signals::signal s(ctx);
  s.connect(&widget::on_event, std::make_unique<widget>(), boost::asio::detached);
}
