//
// posted_ops.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/posted_ops.hpp>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>

namespace asio_signals::detail {

namespace {

// The count of one io_context, kept as a service of it: it lives as long as
// the io_context, so longer than every handler posted to it.
class posted_ops_service : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit posted_ops_service(asio::execution_context& ctx) : service(ctx) {}

  posted_ops ops;

 private:
  void shutdown() override {}
};

asio::execution_context::id posted_ops_service::id;

// How many operations may run at once in a row on one thread before one is
// posted: each posted one costs a trip through the scheduler, which polls the
// reactor, so this bounds both that cost and how long timers and I/O wait.
constexpr int runs_at_once_in_a_row = 128;

thread_local int work_depth = 0;
thread_local int runs_at_once = 0;

}  // namespace

posted_ops* posted_ops_of(const asio::any_io_executor& ex) {
  if (!ex) return nullptr;
  // The context, not the executor's type: a strand of the io_context, or its
  // executor with other properties, posts to the same queue.
  return &asio::use_service<posted_ops_service>(asio::query(ex, asio::execution::context)).ops;
}

work_scope::work_scope() noexcept {
  ++work_depth;
}

work_scope::~work_scope() {
  --work_depth;
}

bool take_run_at_once() noexcept {
  if (work_depth != 0 || runs_at_once >= runs_at_once_in_a_row) return false;
  ++runs_at_once;
  return true;
}

void posted_op_ran() noexcept {
  runs_at_once = 0;
}

}  // namespace asio_signals::detail
