//
// router.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/router.hpp>

#include <asio_signals/detail/names.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/detail/signal_state.hpp>

#include "thread_cache.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace asio_signals {
namespace detail {

namespace {

bool is_presence(std::string_view event) noexcept {
  return event == connect_event || event == disconnect_event;
}

using trigger_cache = thread_cache<std::unique_ptr<trigger_options>>;

// Options whose names take more room than this are not kept: a thread holds
// on to the memory of short names only.
constexpr std::size_t kept_name_bytes = 256;

// Nor is the memory of more data than this.
constexpr std::size_t kept_data = 8;

// The data of a trigger without data, for what reads them.
const kwargs no_data;

// The kwargs of the router's signals whose values, a sender's name and an
// event's, which the router keeps anyway, stay in their sends' options and
// events from one send to the next (signal_state::keep_values).
constexpr std::size_t kept_name_values = 2;

// A delivery's send to one of the router's signals. Each declares "sender",
// "event" and "data", in that order (make_signal), and its defaults are the
// values a delivery gives for those it would not override: the sender's name
// for a sender's own signals, the event's for a channel's. So the send gives
// all three, already resolved, and nothing is merged with the defaults or
// checked, which the send would otherwise do for each group.
// The options of an earlier delivery's send usually come back with the three
// names (see event_state::assign) and the values of the first two, kept from
// send to send (kept_name_values): then only the values are given, and
// giving a value that is already there changes no reference count (with
// libstdc++, whose shared_ptr skips the assignment of its own object).
void give_event_kwargs(send_request& r, const kwargs::value& sender, const kwargs::value& event,
                       const kwargs::value& data) {
  send_options& options = r.options();
  kwargs_access::put(options.args, 0, "sender", sender);
  kwargs_access::put(options.args, 1, "event", event);
  kwargs_access::put(options.args, 2, "data", data);
  kwargs_access::truncate(options.args, 3);
  options.resolved = true;
}

}  // namespace

trigger_options* make_trigger_options(std::string_view sender, std::string_view event) {
  std::unique_ptr<trigger_options> options;
  if (trigger_cache* cache = trigger_cache::local()) options = cache->take();
  if (!options) options = std::make_unique<trigger_options>();
  const std::size_t size = sender.size() + event.size();
  if (options->capacity < size) {
    options->names = std::make_unique_for_overwrite<char[]>(size);
    options->capacity = size;
  }
  std::memcpy(options->names.get(), sender.data(), sender.size());
  std::memcpy(options->names.get() + sender.size(), event.data(), event.size());
  options->sender_size = sender.size();
  options->event_size = event.size();
  return options.release();
}

void trigger_options_deleter::operator()(trigger_options* p) const noexcept {
  std::unique_ptr<trigger_options> options(p);
  if (trigger_cache* cache = trigger_cache::local();
      cache && options->capacity <= kept_name_bytes) {
    // The next trigger gathers its data into the memory of these, when they
    // were few.
    kwargs_access::clear(options->data, kept_data);
    cache->keep(options);
  }
}

void throw_bad_name(std::string_view name, const char* what) {
  if (name.empty()) throw router_error(std::string("asio_signals: the ") + what + " name is empty");
  throw router_error(std::string("asio_signals: the ") + what +
                     " name '#' names a channel without a name");
}

router_state::router_state(asio::any_io_executor ex)
    : executor_(std::move(ex)),
      posted_(posted_ops_of(executor_)),
      broadcast_(make_signal("", "")),
      empty_data_(kwargs()) {}

signal router_state::make_signal(std::string_view sender, std::string_view event) {
  signal s(executor_, arg("sender", std::string(sender)), arg("event", std::string(event)),
           arg("data", kwargs()));
  s.state_->keep_values(kept_name_values);
  return s;
}

void router_state::add_sender(sender_request& r) {
  auto it = senders_.find(r.name);
  if (it != senders_.end() && it->second.connected)
    throw router_error("asio_signals: sender " + quoted(r.name) + " is already connected");
  name_map<declared_event> declared;
  for (const std::string& e : r.events) {
    check_name(e, "event");
    if (is_presence(e))
      throw router_error("asio_signals: sender " + quoted(r.name) + " declares " + quoted(e) +
                         ", which the router announces itself");
    if (!declared.try_emplace(e, e, is_channel(e), false).second)
      throw router_error("asio_signals: sender " + quoted(r.name) + " declares event " + quoted(e) +
                         " twice");
  }
  name_map<request_method> methods;
  std::optional<request_method> fallback;
  for (request_method& m : r.methods) {
    if (m.name().empty()) {
      if (fallback)
        throw router_error("asio_signals: sender " + quoted(r.name) + " has two default methods");
      fallback.emplace(std::move(m));
    } else if (!methods.try_emplace(m.name(), m).second) {
      throw router_error("asio_signals: sender " + quoted(r.name) + " has two handlers of method " +
                         quoted(m.name()));
    }
  }
  for (std::string_view e : {connect_event, disconnect_event})
    declared.try_emplace(std::string(e), e, true, true);

  if (it == senders_.end()) it = senders_.try_emplace(r.name, r.name).first;
  sender_entry& s = it->second;
  s.declared = std::move(declared);
  ++targets_version_;
  try {
    for (auto& [event, e] : s.declared)
      if (!e.presence)
        trigger_targets_.try_emplace(event_names(it->first, event), trigger_target{&s, &e});
  } catch (...) {
    forget_targets(it->first, s);
    throw;
  }
  s.connected = true;
  s.order = std::move(r.events);
  for (auto& [event, e] : s.declared) {
    if (auto l = s.listeners.find(event); l != s.listeners.end()) e.listeners = &l->second;
    if (auto c = channels_.find(event); e.channel && c != channels_.end())
      e.channel_listeners = &c->second;
    if (auto l = logs_.find(topic_key(e.channel ? std::string() : r.name, event)); l != logs_.end())
      e.log = &l->second;
  }
  s.methods = std::move(methods);
  s.default_method = std::move(fallback);
  presence(s, connect_event);
}

void router_state::forget_targets(const std::string& name, sender_entry& s) noexcept {
  for (const auto& [event, e] : s.declared) trigger_targets_.erase(event_names(name, event));
  s.declared.clear();
  ++targets_version_;
}

bool router_state::remove_sender(const std::string& name) {
  auto it = senders_.find(name);
  if (it == senders_.end() || !it->second.connected) return false;
  sender_entry& s = it->second;
  presence(s, disconnect_event);
  s.connected = false;
  s.order.clear();
  forget_targets(it->first, s);
  s.methods.clear();
  s.default_method.reset();
  auto in_flight = std::move(s.in_flight);
  s.in_flight.clear();
  for (const auto& p : in_flight)
    finish_request(p,
                   std::make_exception_ptr(not_connected_error(
                       "asio_signals: sender " + quoted(name) + " was removed while request " +
                       quoted(p->method) + " was in flight")),
                   std::any());
  // Listeners keep the entry for when the sender comes back; without them
  // nothing of the sender is left.
  if (!s.broadcast && s.listeners.empty()) senders_.erase(it);
  return true;
}

bool router_state::is_connected(const std::string& name) const {
  auto it = senders_.find(name);
  return it != senders_.end() && it->second.connected;
}

std::vector<std::string> router_state::declared_events(const std::string& name) const {
  auto it = senders_.find(name);
  if (it == senders_.end()) return {};
  return it->second.order;
}

std::vector<std::string> router_state::connected_senders() const {
  std::vector<std::string> names;
  for (const auto& [name, s] : senders_)
    if (s.connected) names.push_back(name);
  return names;
}

signal router_state::listener_signal(const listen_target& t) {
  if (!t.sender && !t.event) return broadcast_;
  if (!t.sender) {
    if (!is_channel(*t.event))
      throw router_error("asio_signals: event " + quoted(*t.event) +
                         " is not a channel (its name does not start with '#'): only a listener "
                         "of one sender can hear it");
    auto it = channels_.find(*t.event);
    if (it == channels_.end()) {
      it = channels_.try_emplace(*t.event, make_signal("", *t.event)).first;
      // Once per channel: the senders that declare it find it from now on.
      for (auto& [name, s] : senders_)
        if (auto e = s.declared.find(*t.event); e != s.declared.end())
          e->second.channel_listeners = &it->second;
    }
    return it->second;
  }
  auto it = senders_.find(*t.sender);
  if (it == senders_.end()) it = senders_.try_emplace(*t.sender, *t.sender).first;
  sender_entry& s = it->second;
  if (!t.event) {
    if (!s.broadcast) s.broadcast.emplace(make_signal(*t.sender, ""));
    return *s.broadcast;
  }
  if (s.connected && !s.declared.contains(*t.event))
    throw router_error("asio_signals: sender " + quoted(*t.sender) + " does not declare event " +
                       quoted(*t.event));
  auto l = s.listeners.find(*t.event);
  if (l == s.listeners.end()) {
    l = s.listeners.try_emplace(*t.event, make_signal(*t.sender, *t.event)).first;
    if (auto e = s.declared.find(*t.event); e != s.declared.end()) e->second.listeners = &l->second;
  }
  return l->second;
}

void router_state::trigger(std::string_view sender, std::string_view event, kwargs& data) {
  // The data are released with the trigger, heard or not, and not with its
  // operation; when no listener took them, the memory that held them stays
  // for the caller's next one.
  struct release_data {
    kwargs& data;
    ~release_data() { kwargs_access::truncate(data, 0); }
  } release{data};
  // A loop of triggers of one event finds it without a lookup.
  if (!same_name(last_trigger_.sender, sender) || !same_name(last_trigger_.event, event))
    last_trigger_.rebind(sender, event);
  trigger(last_trigger_, &data);
}

void router_state::trigger(bound_event& b, kwargs* data, const void* source) {
  if (b.version != targets_version_) {
    auto t = trigger_targets_.find(event_names(b.sender, b.event));
    if (t == trigger_targets_.end()) throw_not_a_target(b.sender, b.event);
    b.found_sender = t->second.sender;
    b.found_event = t->second.event;
    b.version = targets_version_;
  }
  for (const auto& [owner, tap] : trigger_taps_)
    if (owner != source) tap(b.sender, b.event, data ? *data : no_data);
  deliver(*b.found_sender, *b.found_event, data);
}

void router_state::throw_not_a_target(std::string_view sender, std::string_view event) const {
  auto it = senders_.find(sender);
  if (it == senders_.end() || !it->second.connected)
    throw not_connected_error("asio_signals: sender " + quoted(sender) + " is not connected");
  if (!it->second.declared.contains(event))
    throw router_error("asio_signals: sender " + quoted(sender) + " did not declare event " +
                       quoted(event));
  throw router_error("asio_signals: " + quoted(event) + " is announced by the router only");
}

void router_state::presence(sender_entry& s, std::string_view event) {
  kwargs data;
  data.set("events", s.order);
  deliver(s, s.declared.find(event)->second, &data);
}

// A retained event is kept first, so that a listener that pulls finds it.
// Each group is one send of its signal, in the order of the groups, run in
// the router's task as a signal runs a send in its own: the router's signals
// live on its executor, so a trigger costs one task, not one per group. A
// group without callbacks is skipped; one whose only callbacks are expired
// weak members is sent to, so that the send prunes them. The data become
// the value of the groups' "data" kwarg only when some group is sent to.
void router_state::deliver(sender_entry& s, const declared_event& e, kwargs* data) {
  if (e.log && !backend_) {
    e.log->append(*s.name.get_if<std::string>(), *e.name.get_if<std::string>(),
                  data ? *data : no_data, history_clock::now());
    if (e.log->waiting > 0) wake(*e.log);
  }
  const bool to_broadcast = broadcast_.state_->has_callbacks();
  const bool to_sender = s.broadcast && s.broadcast->state_->has_callbacks();
  const bool to_channel = e.channel_listeners && e.channel_listeners->state_->has_callbacks();
  const bool to_listeners = e.listeners && e.listeners->state_->has_callbacks();
  if (!to_broadcast && !to_sender && !to_channel && !to_listeners) return;
  // The data go when the delivery ends, unless an event still refers to them.
  struct release_data {
    router_state& router;
    bool lent = false;
    ~release_data() {
      if (lent) router.release_spare_data();
    }
  } release{*this};
  std::optional<kwargs::value> own;
  const kwargs::value* given = nullptr;
  if (data && !data->empty()) {
    if (lent_data_) {
      given = &own.emplace(std::move(*data));
    } else {
      given = &lend_data(*data);
      release.lent = true;
    }
  }
  const kwargs::value& value = given ? *given : empty_data_;
  auto send = [&](signal& target) {
    // The request of the last delivery's send, whose options keep the
    // kwargs' names; none after a send that threw, or for a delivery nested
    // in another's callbacks, which then takes options of its own.
    send_request r = std::move(delivery_);
    give_event_kwargs(r, s.name, e.name, value);
    send_in_task(target, r);
    r.named->clear(kept_name_values);
    delivery_ = std::move(r);
  };
  if (to_broadcast) send(broadcast_);
  if (to_sender) send(*s.broadcast);
  if (to_channel) send(*e.channel_listeners);
  if (to_listeners) {
    if (given) {
      send(*e.listeners);
    } else {
      send_request r;
      send_in_task(*e.listeners, r);
    }
  }
}

// The holder, if any, is empty and only spare_value_ refers to it:
// release_spare_data left it so.
const kwargs::value& router_state::lend_data(kwargs& data) {
  if (!spare_data_) {
    spare_data_ = std::allocate_shared<value_holder<kwargs>>(
        value_allocator<value_holder<kwargs>>(), kwargs());
    spare_value_.emplace(kwargs_access::value_of(spare_data_));
  }
  std::swap(spare_data_->value, data);
  lent_data_ = true;
  return *spare_value_;
}

// A send releases its values once its event is gone (release_event), so the
// holder of a trigger's data is usually free again when the delivery ends.
// The fence orders what another thread read of the holder, through an event
// that escaped its send, before the data are released.
void router_state::release_spare_data() noexcept {
  lent_data_ = false;
  // An event kept the data: they are its own now, and go with it.
  if (spare_data_.use_count() != 2) {
    spare_value_.reset();
    spare_data_.reset();
    return;
  }
  std::atomic_thread_fence(std::memory_order_acquire);
  kwargs_access::clear(spare_data_->value, kept_data);
}

std::size_t router_state::send_in_task(signal& target, send_request& request) {
  // The callbacks run inside the router's work, wherever it started: an
  // operation, a posted handler or the NATS link's own task.
  work_scope scope;
  if (request.overrides_kwargs()) {
    target.state_->resolve(request);
    if (std::exception_ptr error = request.error()) std::rethrow_exception(error);
  }
  return target.state_->send(request);
}

std::size_t router_state::emit(const std::string& name, const kwargs& data,
                               const std::vector<sender>& senders, const std::vector<key>& keys) {
  auto it = named_.find(name);
  if (it == named_.end()) return 0;
  send_request request;
  for (const sender& x : senders) request.add(x);
  for (const key& k : keys) request.add(k);
  if (!data.empty()) request.add(kwarg("data", kwargs::value(data)));
  return send_in_task(it->second.sig, request);
}

void router_state::start_request(const std::shared_ptr<pending_request>& p) {
  if (p->finished) return;
  auto it = senders_.find(p->sender);
  if (it == senders_.end() || !it->second.connected) {
    finish_request(p,
                   std::make_exception_ptr(not_connected_error(
                       "asio_signals: sender " + quoted(p->sender) + " is not connected")),
                   std::any());
    return;
  }
  sender_entry& s = it->second;
  const request_method* m = nullptr;
  if (auto f = s.methods.find(p->method); f != s.methods.end())
    m = &f->second;
  else if (s.default_method)
    m = &*s.default_method;
  if (m == nullptr) {
    finish_request(
        p,
        std::make_exception_ptr(lookup_error("asio_signals: sender " + quoted(p->sender) +
                                             " has no handler for method " + quoted(p->method))),
        std::any());
    return;
  }
  s.in_flight.insert(p);
  asio::any_io_executor ex = sender_request::executor(*m).value_or(executor_);
  // The request is finished at the end of the method's coroutine, not in
  // co_spawn's completion, which comes one post later when the method did not
  // suspend: an awaited operation could overtake that post (posted_ops.hpp).
  auto run = [self = shared_from_this(), p, ex,
              method = sender_request::function(*m)(p->method,
                                                    p->params)]() mutable -> asio::awaitable<void> {
    std::exception_ptr e;
    std::any r;
    try {
      r = co_await std::move(method);
    } catch (...) {
      e = std::current_exception();
    }
    if (ex == self->executor_) {
      self->finish_request(p, std::move(e), std::move(r));
    } else {
      post_counted(self->posted_, self->executor_, [self, p, e, r = std::move(r)]() mutable {
        self->finish_request(p, std::move(e), std::move(r));
      });
    }
  };
  asio::co_spawn(ex, std::move(run), asio::detached);
}

void router_state::withdraw_request(const std::shared_ptr<pending_request>& p) {
  finish_request(
      p, std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted)),
      std::any());
}

void router_state::finish_request(const std::shared_ptr<pending_request>& p,
                                  std::exception_ptr error, std::any response) {
  if (p->finished) return;
  p->finished = true;
  if (auto it = senders_.find(p->sender); it != senders_.end()) it->second.in_flight.erase(p);
  p->done.complete(executor_, std::move(error), std::move(response));
}

signal router_state::named_signal(const std::string& name) {
  auto it = named_.find(name);
  if (it == named_.end()) it = named_.try_emplace(name, make_signal("", name)).first;
  return it->second.sig;
}

void router_state::record(const std::string& name, named_connection c) {
  named_entry& entry = named_.find(name)->second;
  entry.connections.push_back(std::move(c));
  if (entry.connections.size() >= entry.prune_at) {
    std::erase_if(entry.connections, [](const named_connection& n) { return !n.conn.connected(); });
    entry.prune_at = std::max<std::size_t>(8, 2 * entry.connections.size());
  }
}

void router_state::disconnect_named(const named_callback& cb, const std::string* name) {
  auto drop = [&](named_entry& entry) {
    std::erase_if(entry.connections, [&](const named_connection& n) {
      if (!cb.matches(n)) return false;
      n.conn.disconnect();
      return true;
    });
  };
  if (name == nullptr) {
    for (auto& [n, entry] : named_) drop(entry);
  } else if (auto it = named_.find(*name); it != named_.end()) {
    drop(it->second);
  }
}

void router_state::clear(const std::string* name) {
  auto drop = [](named_entry& entry) {
    for (const named_connection& n : entry.connections) n.conn.disconnect();
  };
  if (name == nullptr) {
    for (auto& [n, entry] : named_) drop(entry);
    named_.clear();
  } else if (auto it = named_.find(*name); it != named_.end()) {
    drop(it->second);
    named_.erase(it);
  }
}

bool router_state::responds_to(const named_callback& cb, const std::string& name) const {
  auto it = named_.find(name);
  if (it == named_.end()) return false;
  return std::any_of(
      it->second.connections.begin(), it->second.connections.end(),
      [&](const named_connection& n) { return cb.matches(n) && n.conn.connected(); });
}

std::vector<std::string> router_state::signals(const named_callback& cb) const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : named_)
    if (std::any_of(entry.connections.begin(), entry.connections.end(),
                    [&](const named_connection& n) { return cb.matches(n) && n.conn.connected(); }))
      names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace detail

const std::string& sender_name(const event& ev) {
  return ev.get<std::string>("sender");
}

const std::string& event_name(const event& ev) {
  return ev.get<std::string>("event");
}

const kwargs& event_data(const event& ev) {
  return ev.get<kwargs>("data");
}

router::router(executor_type ex) : state_(std::make_shared<detail::router_state>(std::move(ex))) {}

router::executor_type router::get_executor() const noexcept {
  return state_->executor();
}

emitting::emitting(router r, std::string exit) : router_(std::move(r)), exit_(std::move(exit)) {
  if (!exit_.empty()) detail::check_name(exit_, "signal");
}

emitting::emitting(router r, std::string enter, std::string exit)
    : emitting(std::move(r), std::move(exit)) {
  if (!enter.empty()) router_.emit(std::move(enter), asio::detached);
}

emitting::~emitting() {
  if (!exit_.empty()) router_.emit(std::move(exit_), asio::detached);
}

}  // namespace asio_signals
