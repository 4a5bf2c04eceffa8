//
// impl/router.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_IMPL_ROUTER_HPP
#define ASIO_SIGNALS_IMPL_ROUTER_HPP

#include <asio_signals/detail/callback.hpp>
#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/router_op.hpp>
#include <asio_signals/detail/router_state.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <any>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace asio_signals {

template <class F>
request_method method(std::string name, F f) {
  using function = std::decay_t<F>;
  static_assert(std::is_invocable_v<function&, const kwargs&> || std::is_invocable_v<function&>,
                "asio_signals: a request handler takes const kwargs& (the params) or nothing");
  std::optional<asio::any_io_executor> ex;
  if constexpr (detail::has_own_executor_v<function>) ex = asio::get_associated_executor(f);
  request_method::function_type call = [f = std::move(f)](const std::string&, kwargs params) {
    if constexpr (std::is_invocable_v<function&, const kwargs&>)
      return detail::call_request_handler(f, std::move(params));
    else
      return detail::call_request_handler(f);
  };
  return request_method(std::move(name), std::move(call), std::move(ex));
}

template <class F>
request_method default_method(F f) {
  using function = std::decay_t<F>;
  static_assert(std::is_invocable_v<function&, const std::string&, const kwargs&>,
                "asio_signals: a default request handler takes the method's name (const "
                "std::string&) and the params (const kwargs&)");
  std::optional<asio::any_io_executor> ex;
  if constexpr (detail::has_own_executor_v<function>) ex = asio::get_associated_executor(f);
  request_method::function_type call = [f = std::move(f)](const std::string& method,
                                                          kwargs params) {
    return detail::call_request_handler(f, method, std::move(params));
  };
  return request_method(std::string(), std::move(call), std::move(ex));
}

template <class... Args>
auto router::add_sender(std::string name, Args&&... args) {
  detail::sender_request request;
  request.name = std::move(name);
  return detail::with_sender_options(
      std::move(request),
      [&](auto&& token, detail::sender_request r) {
        std::exception_ptr early;
        try {
          detail::check_name(r.name, "sender");
        } catch (...) {
          early = std::current_exception();
        }
        return detail::async_router_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), early,
            [r = std::move(r)](detail::router_state& s) mutable { s.add_sender(r); });
      },
      std::forward<Args>(args)...);
}

template <class Token>
auto router::remove_sender(std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr, bool)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(name)](detail::router_state& s) { return s.remove_sender(name); });
}

template <class Token>
auto router::is_connected(std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr, bool)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(name)](detail::router_state& s) { return s.is_connected(name); });
}

template <class Token>
auto router::declared_events(std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr, std::vector<std::string>)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(name)](detail::router_state& s) { return s.declared_events(name); });
}

template <class... Args>
auto router::add_listener(Args&&... args) {
  using split = detail::listener_args<2, Args&&...>;
  static_assert(
      [] {
        bool ok = true;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          ok = (std::is_same_v<std::remove_cvref_t<std::tuple_element_t<split::options_begin + I,
                                                                        std::tuple<Args...>>>,
                               call_limit> &&
                ...);
        }
        (std::make_index_sequence<split::options_end - split::options_begin>());
        return ok;
      }(),
      "asio_signals: add_listener takes a callback, a sender and an event name (or sig::any), "
      "then once() or max_calls(n), then an optional completion token");
  auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
  detail::listen_target target;
  std::exception_ptr early;
  try {
    if constexpr (split::names >= 1) {
      target.sender = detail::router_name(std::get<split::callback_size>(refs));
      if (target.sender) detail::check_name(*target.sender, "sender");
    }
    if constexpr (split::names >= 2) {
      target.event = detail::router_name(std::get<split::callback_size + 1>(refs));
      if (target.event) detail::check_name(*target.event, "event");
    }
  } catch (...) {
    early = std::current_exception();
  }
  auto callback = detail::hold_callback<split>(refs);
  auto options = detail::hold_options<split>(
      refs, std::make_index_sequence<split::options_end - split::options_begin>());
  return detail::async_router_op<void(std::exception_ptr, connection)>(
      state_, detail::token_of<split>(refs), early,
      [target = std::move(target), callback = std::move(callback),
       options = std::move(options)](detail::router_state& s) mutable {
        signal listeners = s.listener_signal(target);
        return detail::connect_now(listeners, callback, options);
      });
}

template <class... Args>
auto router::trigger(std::string_view sender, std::string_view event, Args&&... args) {
  std::exception_ptr early;
  try {
    detail::check_name(sender, "sender");
    detail::check_name(event, "event");
  } catch (...) {
    early = std::current_exception();
  }
  detail::trigger_request request;
  request.options.reset(detail::make_trigger_options(sender, event));
  return detail::with_data(
      std::move(early), request.options->data,
      [&](auto&& token, std::exception_ptr& error) {
        if (error) {
          request.options.reset();
          request.early = std::move(error);
        }
        return detail::async_signal_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), std::move(request),
            [](detail::router_state& s, detail::trigger_request& r) {
              s.trigger(r.options->sender(), r.options->event(), r.options->data);
            });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto router::request(std::string sender, std::string method, Args&&... args) {
  using signature = detail::pending_request::signature;
  std::exception_ptr early;
  try {
    detail::check_name(sender, "sender");
    detail::check_name(method, "method");
  } catch (...) {
    early = std::current_exception();
  }
  kwargs params;
  return detail::with_data(
      std::move(early), params,
      [&](auto&& token, std::exception_ptr& error) {
        if constexpr (detail::eager_token_v<decltype(token), signature>)
          if (error) std::rethrow_exception(error);
        return asio::async_initiate<decltype(token), signature>(
            [](auto&& handler, std::shared_ptr<detail::router_state> state,
               std::exception_ptr early, std::string sender, std::string method, kwargs params) {
              const asio::any_io_executor& ex = state->executor();
              auto p = std::make_shared<detail::pending_request>(
                  detail::completion<signature>::handler_type(std::move(handler)), ex,
                  std::move(sender), std::move(method), std::move(params));
              if (early) {
                p->finished = true;
                p->done.complete(ex, early, std::any());
                return;
              }
              p->done.on_cancel(ex, [state, w = std::weak_ptr<detail::pending_request>(p)] {
                if (auto p = w.lock()) state->withdraw_request(p);
              });
              detail::post_counted(state->posted(), ex, [state, p] { state->start_request(p); });
            },
            token, state_, std::move(error), std::move(sender), std::move(method),
            std::move(params));
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto router::on(std::string name, Args&&... args) {
  using split = detail::listener_args<0, Args&&...>;
  auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
  std::exception_ptr early;
  try {
    detail::check_name(name, "signal");
  } catch (...) {
    early = std::current_exception();
  }
  std::optional<std::uintptr_t> id;
  if constexpr (split::callback_size == 1) id = detail::function_id(std::get<0>(refs));
  auto callback = detail::hold_callback<split>(refs);
  auto options = detail::hold_options<split>(
      refs, std::make_index_sequence<split::options_end - split::options_begin>());
  return detail::async_router_op<void(std::exception_ptr, connection)>(
      state_, detail::token_of<split>(refs), early,
      [name = std::move(name), id, callback = std::move(callback),
       options = std::move(options)](detail::router_state& s) mutable {
        signal named = s.named_signal(name);
        connection c = detail::connect_now(named, callback, options);
        s.record(name, detail::named_connection{id, c});
        return c;
      });
}

template <class... Args>
auto router::emit(std::string name, Args&&... args) {
  return detail::with_options(
      detail::emit_request(),
      [&](auto&& token, detail::emit_request r) {
        std::exception_ptr early;
        kwargs data;
        try {
          detail::check_name(name, "signal");
          data = detail::make_kwargs(std::move(r.data));
        } catch (...) {
          early = std::current_exception();
        }
        return detail::async_router_op<void(std::exception_ptr, std::size_t)>(
            state_, std::forward<decltype(token)>(token), early,
            [name = std::move(name), data = std::move(data), senders = std::move(r.senders),
             keys = std::move(r.keys)](detail::router_state& s) {
              return s.emit(name, data, senders, keys);
            });
      },
      std::forward<Args>(args)...);
}

template <class Callback, class Token>
auto router::disconnect_from(Callback callback, std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr)>(
      state_, std::forward<Token>(token), nullptr,
      [cb = detail::make_named_callback(callback),
       name = std::move(name)](detail::router_state& s) { s.disconnect_named(cb, &name); });
}

template <class Callback, class Token>
auto router::disconnect(Callback callback, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr)>(
      state_, std::forward<Token>(token), nullptr,
      [cb = detail::make_named_callback(callback)](detail::router_state& s) {
        s.disconnect_named(cb, nullptr);
      });
}

template <class Token>
auto router::clear(std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(name)](detail::router_state& s) { s.clear(&name); });
}

template <class Token>
auto router::clear_all(Token&& token) {
  return detail::async_router_op<void(std::exception_ptr)>(
      state_, std::forward<Token>(token), nullptr,
      [](detail::router_state& s) { s.clear(nullptr); });
}

template <class Callback, class Token>
auto router::responds_to(Callback callback, std::string name, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr, bool)>(
      state_, std::forward<Token>(token), nullptr,
      [cb = detail::make_named_callback(callback),
       name = std::move(name)](detail::router_state& s) { return s.responds_to(cb, name); });
}

template <class Callback, class Token>
auto router::signals(Callback callback, Token&& token) {
  return detail::async_router_op<void(std::exception_ptr, std::vector<std::string>)>(
      state_, std::forward<Token>(token), nullptr,
      [cb = detail::make_named_callback(callback)](detail::router_state& s) {
        return s.signals(cb);
      });
}

template <class... Args>
auto router::retain(topic t, Args&&... args) {
  detail::history_request request;
  request.add(std::move(t));
  return detail::with_history_options<retention_bound>(
      std::move(request),
      [&](auto&& token, detail::history_request r) {
        std::exception_ptr early = detail::history_error(r, "retain");
        return detail::async_history_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), early,
            [r = std::move(r)](detail::router_state& s, detail::history_done<> done) {
              s.retain(std::move(r), std::move(done));
            });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto router::pull(topic t, Args&&... args) {
  detail::history_request request;
  request.add(std::move(t));
  return detail::with_history_options<topic, pull_start, batch_size>(
      std::move(request),
      [&](auto&& token, detail::history_request r) {
        std::exception_ptr early = detail::history_error(r, "pull");
        return detail::async_history_op<void(std::exception_ptr, std::vector<retained_event>)>(
            state_, std::forward<decltype(token)>(token), early,
            [r = std::move(r)](detail::router_state& s,
                               detail::history_done<std::vector<retained_event>> done) {
              s.pull(std::move(r), std::move(done));
            });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto router::subscribe(std::string subscriber, Args&&... args) {
  return detail::with_history_options<topic, pull_start>(
      detail::history_request(),
      [&](auto&& token, detail::history_request r) {
        std::exception_ptr early = detail::history_error(r, "subscribe", subscriber);
        return detail::async_history_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), early,
            [name = std::move(subscriber), r = std::move(r)](detail::router_state& s,
                                                             detail::history_done<> done) {
              s.subscribe(std::move(name), std::move(r), std::move(done));
            });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto router::pull(std::string subscriber, Args&&... args) {
  using signature = detail::pending_pull::signature;
  return detail::with_history_options<batch_size, pull_wait>(
      detail::history_request(),
      [&](auto&& token, detail::history_request r) {
        std::exception_ptr early = detail::history_error(r, "pull", subscriber);
        if constexpr (detail::eager_token_v<decltype(token), signature>)
          if (early) std::rethrow_exception(early);
        return asio::async_initiate<decltype(token), signature>(
            [](auto&& handler, std::shared_ptr<detail::router_state> state,
               std::exception_ptr early, std::string name, std::size_t batch, bool wait) {
              const asio::any_io_executor& ex = state->executor();
              auto p = std::make_shared<detail::pending_pull>(
                  detail::completion<signature>::handler_type(std::move(handler)), ex,
                  std::move(name), batch, wait);
              if (early) {
                p->finished = true;
                p->done.complete(ex, early, std::vector<retained_event>());
                return;
              }
              p->done.on_cancel(
                  ex,
                  [state, w = std::weak_ptr<detail::pending_pull>(p)] {
                    if (auto p = w.lock()) state->withdraw_pull(p);
                  },
                  &p->cancelled);
              detail::post_counted(state->posted(), ex, [state, p] { state->start_pull(p); });
            },
            token, state_, std::move(early), std::move(subscriber),
            r.batch.value_or(detail::default_batch), r.wait);
      },
      std::forward<Args>(args)...);
}

template <class Token>
auto router::ack(std::string subscriber, std::vector<retained_event> batch, Token&& token) {
  return detail::async_history_op<void(std::exception_ptr)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(subscriber), batch = std::move(batch)](detail::router_state& s,
                                                               detail::history_done<> done) {
        s.ack(std::move(name), std::move(batch), std::move(done));
      });
}

template <class Token>
auto router::ack(std::string subscriber, const retained_event& last, Token&& token) {
  std::vector<retained_event> batch(1, last);
  return ack(std::move(subscriber), std::move(batch), std::forward<Token>(token));
}

template <class Token>
auto router::unsubscribe(std::string subscriber, Token&& token) {
  return detail::async_history_op<void(std::exception_ptr, bool)>(
      state_, std::forward<Token>(token), nullptr,
      [name = std::move(subscriber)](detail::router_state& s, detail::history_done<bool> done) {
        s.unsubscribe(std::move(name), std::move(done));
      });
}

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_IMPL_ROUTER_HPP
