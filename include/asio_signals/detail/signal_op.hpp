//
// detail/signal_op.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_SIGNAL_OP_HPP
#define ASIO_SIGNALS_DETAIL_SIGNAL_OP_HPP

#include <asio_signals/detail/callback.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/signal_state.hpp>
#include <asio_signals/detail/task_allocator.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace asio_signals::detail {

class router_state;

template <class T>
struct is_future : std::false_type {};

template <class T>
struct is_future<std::future<T>> : std::true_type {};

struct probe_initiation {
  template <class Handler>
  void operator()(Handler&&) const;
};

// Whether Token starts an operation within the initiating call and gives the
// caller nothing to await (callbacks, asio::detached, asio::use_future): an
// error found in the request is then thrown from the call itself. Lazy tokens
// (asio::use_awaitable, asio::deferred) report it through the completion, at
// the co_await, since throwing from a started initiation would escape run().
template <class Token, class Signature>
constexpr bool eager_token_v = [] {
  using result = decltype(asio::async_initiate<Token, Signature>(std::declval<probe_initiation>(),
                                                                 std::declval<Token&>()));
  return std::is_void_v<result> || is_future<result>::value;
}();

template <class Signature>
struct op_result;

template <>
struct op_result<void(std::exception_ptr)> {
  using type = void;
};

template <class T>
struct op_result<void(std::exception_ptr, T)> {
  using type = T;
};

struct no_work {};

// A completion handler that completes on its associated executor. When that
// is not `ex` (the executor of the operation's signal or router), it keeps
// outstanding work there from the start of the operation until it completes.
template <class Handler>
class tracked_handler {
  using handler_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;
  using tracked_executor = std::decay_t<decltype(asio::prefer(
      std::declval<handler_executor>(), asio::execution::outstanding_work.tracked))>;
  using handler_work =
      std::conditional_t<has_own_executor_v<Handler>, std::optional<tracked_executor>, no_work>;

 public:
  tracked_handler(Handler handler, const asio::any_io_executor& ex) : handler_(std::move(handler)) {
    if constexpr (has_own_executor_v<Handler>) {
      auto own = asio::get_associated_executor(handler_, ex);
      if (asio::any_io_executor(own) != ex)
        work_.emplace(asio::prefer(own, asio::execution::outstanding_work.tracked));
    }
  }

  const Handler& get() const noexcept { return handler_; }

  // Called on `ex`.
  template <class... Args>
  void operator()(Args&&... args) {
    if constexpr (has_own_executor_v<Handler>) {
      if (work_) {
        asio::dispatch(*work_, asio::append(std::move(handler_), std::forward<Args>(args)...));
        return;
      }
    }
    std::move(handler_)(std::forward<Args>(args)...);
  }

 private:
  Handler handler_;
  [[no_unique_address]] handler_work work_;
};

// Runs `work(state, request)` and returns what it threw, with its result, if
// its operation has one, in `result`.
template <class State, class Request, class Work, class Result>
std::exception_ptr run_work(Work& work, State& state, Request& request, Result* result) {
  work_scope scope;
  try {
    if constexpr (std::is_void_v<Result>)
      work(state, request);
    else
      *result = work(state, request);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

template <class Signature, class State, class Handler, class Request, class Work>
class signal_op {
  using result_type = typename op_result<Signature>::type;
  using handler_allocator = asio::associated_allocator_t<Handler>;

 public:
  // The handler's allocator, or, for a handler without one, memory the
  // sending thread recycles.
  using allocator_type = std::conditional_t<std::is_same_v<handler_allocator, std::allocator<void>>,
                                            task_allocator<void>, handler_allocator>;

  signal_op(std::shared_ptr<State> state, Handler handler, Request request, Work work)
      : state_(std::move(state)),
        handler_(std::move(handler), state_->executor()),
        request_(std::move(request)),
        work_(std::move(work)) {}

  allocator_type get_allocator() const noexcept {
    if constexpr (std::is_same_v<allocator_type, handler_allocator>)
      return asio::get_associated_allocator(handler_.get());
    else
      return allocator_type();
  }

  void operator()() {
    if (posted_ops* ops = state_->posted()) ops->ran();
    if constexpr (std::is_same_v<State, router_state>) posted_op_ran();
    if constexpr (std::is_void_v<result_type>) {
      complete(run_work(work_, *state_, request_, static_cast<void*>(nullptr)));
    } else {
      result_type result{};
      std::exception_ptr error = run_work(work_, *state_, request_, &result);
      if constexpr (requires { request_.take_gate(); }) {
        // A full subscription holds the send's event: complete once it has room.
        if (auto gate = request_.take_gate(); gate && !gate->open()) {
          park_on(*gate, error, result);
          return;
        }
      }
      complete(error, std::move(result));
    }
  }

 private:
  // Completes once `gate` opens. Meanwhile the operation is no task in any
  // queue, so it keeps outstanding work on the signal's executor, as an I/O
  // object's pending operation does on its own (and on the handler's, through
  // tracked_handler): run() does not return under it.
  template <class Gate, class Result>
  void park_on(Gate& gate, std::exception_ptr error, Result result) {
    asio::any_io_executor work =
        asio::prefer(state_->executor(), asio::execution::outstanding_work.tracked);
    gate.on_open([op = std::move(*this), work = std::move(work), error, result]() mutable {
      op.complete(error, result);
      work = asio::any_io_executor();
    });
  }

  template <class... Args>
  void complete(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

  std::shared_ptr<State> state_;
  tracked_handler<Handler> handler_;
  Request request_;
  Work work_;
};

template <class Signature, class State, class Work>
class initiate_signal_op {
 public:
  initiate_signal_op(std::shared_ptr<State> state, Work work)
      : state_(std::move(state)), work_(std::move(work)) {}

  template <class Handler, class Request>
  void operator()(Handler&& handler, Request request) {
    using handler_type = std::decay_t<Handler>;
    if (std::exception_ptr error = request.error()) {
      complete_with_error(std::forward<Handler>(handler), std::move(error));
      return;
    }
    // Past the type erasure when the signal is on an io_context, the usual
    // case: posting through any_io_executor costs about as much again.
    const auto* io = state_->executor().template target<asio::io_context::executor_type>();
    asio::any_io_executor ex = io ? asio::any_io_executor() : state_->executor();
    posted_ops* ops = state_->posted();
    signal_op<Signature, State, handler_type, Request, Work> op(
        std::move(state_), std::forward<Handler>(handler), std::move(request), std::move(work_));
    if (ops) ops->posted();
    try {
      if (io)
        asio::post(*io, std::move(op));
      else
        asio::post(ex, std::move(op));
    } catch (...) {
      if (ops) ops->ran();
      throw;
    }
  }

 private:
  template <class Handler>
  void complete_with_error(Handler&& handler, std::exception_ptr error) {
    auto ex = asio::get_associated_executor(handler, state_->executor());
    if constexpr (std::is_void_v<typename op_result<Signature>::type>)
      asio::post(ex, asio::append(std::forward<Handler>(handler), error));
    else
      asio::post(ex, asio::append(std::forward<Handler>(handler), error,
                                  typename op_result<Signature>::type{}));
  }

  std::shared_ptr<State> state_;
  Work work_;
};

// The completion token of an operation of a signal started on the signal's
// executor by its owner, the router, which runs it at once, inside the call,
// and calls `handler` there: so that a listener is connected within the
// router's task, before any later operation of the router runs.
template <class Handler>
struct run_now {
  explicit run_now(Handler h) : handler(std::move(h)) {}

  Handler handler;
};

template <class T>
struct is_run_now : std::false_type {};

template <class Handler>
struct is_run_now<run_now<Handler>> : std::true_type {};

// An operation of the router `state` awaited with asio::use_awaitable. On a
// thread of the router's io_context, with nothing the library posted there
// still queued and no work of the library running on this thread, it runs at
// once and the awaiting coroutine goes on without a trip through the
// scheduler, as after an awaitable that returns without suspending; after a
// bounded number of those in a row, and otherwise, it is posted as any
// other. So it never overtakes what was started before it.
template <class Signature, class State, class Request, class Work>
auto await_signal_op(std::shared_ptr<State> state, Request request, Work work)
    -> asio::awaitable<typename op_result<Signature>::type> {
  using result_type = typename op_result<Signature>::type;
  const auto* io = state->executor().template target<asio::io_context::executor_type>();
  posted_ops* ops = state->posted();
  if (!io || !ops || !ops->none() || !io->running_in_this_thread() || !take_run_at_once())
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, Signature>(
        initiate_signal_op<Signature, State, Work>(std::move(state), std::move(work)),
        asio::use_awaitable, std::move(request));
  std::exception_ptr error = request.error();
  if constexpr (std::is_void_v<result_type>) {
    if (!error) error = run_work(work, *state, request, static_cast<void*>(nullptr));
    if (error) std::rethrow_exception(error);
  } else {
    result_type result{};
    if (!error) error = run_work(work, *state, request, &result);
    if (error) std::rethrow_exception(error);
    co_return result;
  }
}

// Starts an operation of the signal or router `state`: `work(state,
// request)` runs on its executor and its result completes the token. An
// error the request carries is thrown here for eager tokens and completes the
// operation for lazy ones, before anything is scheduled.
template <class Signature, class State, class Token, class Request, class Work>
auto async_signal_op(const std::shared_ptr<State>& state, Token&& token, Request request,
                     Work work) {
  using result_type = typename op_result<Signature>::type;
  if constexpr (is_run_now<std::decay_t<Token>>::value) {
    std::exception_ptr error = request.error();
    if constexpr (std::is_void_v<result_type>) {
      if (!error) error = run_work(work, *state, request, static_cast<void*>(nullptr));
      std::move(token.handler)(error);
    } else {
      result_type result{};
      if (!error) error = run_work(work, *state, request, &result);
      std::move(token.handler)(error, std::move(result));
    }
  } else if constexpr (std::is_same_v<State, router_state> &&
                       std::is_same_v<std::decay_t<Token>, asio::use_awaitable_t<>>) {
    return await_signal_op<Signature>(state, std::move(request), std::move(work));
  } else {
    if constexpr (eager_token_v<Token, Signature>)
      if (std::exception_ptr error = request.error()) std::rethrow_exception(error);
    return asio::async_initiate<Token, Signature>(
        initiate_signal_op<Signature, State, Work>(state, work), token, std::move(request));
  }
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_SIGNAL_OP_HPP
