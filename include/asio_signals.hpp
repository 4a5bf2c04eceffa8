//
// asio_signals.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_HPP
#define ASIO_SIGNALS_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/connection_block.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/event_trigger.hpp>
#include <asio_signals/history.hpp>
#include <asio_signals/history_subscription.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwarg_handle.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/router.hpp>
#include <asio_signals/scoped_connection.hpp>
#include <asio_signals/scoped_mute.hpp>
#include <asio_signals/sender.hpp>
#include <asio_signals/signal.hpp>
#include <asio_signals/subscription.hpp>

#endif  // ASIO_SIGNALS_HPP
