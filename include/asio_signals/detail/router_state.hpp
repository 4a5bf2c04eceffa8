//
// detail/router_state.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_ROUTER_STATE_HPP
#define ASIO_SIGNALS_DETAIL_ROUTER_STATE_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/history_log.hpp>
#include <asio_signals/detail/names.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/router.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <any>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace asio_signals::detail {

// Hashes std::string and std::string_view alike, for lookups without a copy:
// FNV-1a, short and inline, for the short names of senders and events.
struct name_hash {
  using is_transparent = void;

  static constexpr std::uint64_t basis = 14695981039346656037u;

  // `h` followed by the bytes of `s`.
  static std::uint64_t add(std::uint64_t h, std::string_view s) noexcept {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211u;
    }
    return h;
  }

  std::size_t operator()(std::string_view s) const noexcept {
    return static_cast<std::size_t>(add(basis, s));
  }
};

// A sender's name and one of its events' names.
using event_names = std::pair<std::string_view, std::string_view>;

// Hashes event_names as name_hash hashes the two names with a byte 0xff
// between them, so that "ab", "c" and "a", "bc" seldom collide (they are told
// apart by event_names_equal anyway).
struct event_names_hash {
  std::size_t operator()(const event_names& n) const noexcept {
    std::uint64_t h = name_hash::add(name_hash::basis, n.first);
    h = name_hash::add(h, std::string_view("\xff", 1));
    return static_cast<std::size_t>(name_hash::add(h, n.second));
  }
};

// The pair's operator== spelled out (same_name): GCC called it out of line
// on every lookup.
struct event_names_equal {
  bool operator()(const event_names& a, const event_names& b) const noexcept {
    return same_name(a.first, b.first) && same_name(a.second, b.second);
  }
};

struct name_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// A map from names whose elements stay where they are: a declared event
// points at its listeners' signals in them. Measured against an
// open-addressing map for the few events a sender declares, it searched
// faster (docs/performance.md).
template <class T>
using name_map = std::unordered_map<std::string, T, name_hash, name_equal>;

// Throws router_error for a name that is empty or only '#'.
[[noreturn]] ASIO_SIGNALS_DECL void throw_bad_name(std::string_view name, const char* what);

// Throws router_error unless `name` is a usable sender, event or method name.
inline void check_name(std::string_view name, const char* what) {
  // Not `name == "#"`: GCC may call compare() and memcmp for it out of line.
  if (name.size() <= 1 && (name.empty() || name[0] == '#')) throw_bad_name(name, what);
}

// What add_sender gathers from its options.
struct sender_request {
  std::string name;
  std::vector<std::string> events;
  std::vector<request_method> methods;

  void add(event_list list) {
    for (std::string& e : list.names_) events.push_back(std::move(e));
  }
  void add(request_method m) { methods.push_back(std::move(m)); }

  static const request_method::function_type& function(const request_method& m) noexcept {
    return m.function_;
  }
  static const std::optional<asio::any_io_executor>& executor(const request_method& m) noexcept {
    return m.executor_;
  }
};

// Which listeners add_listener registers: a sender, an event, both or neither.
struct listen_target {
  std::optional<std::string> sender;
  std::optional<std::string> event;
};

// A callback registered with on(): its connection, and the function it
// calls when it is a function pointer, to find it by.
struct named_connection {
  std::optional<std::uintptr_t> function;
  connection conn;
};

// What a disconnect_from, responds_to or signals names: a function pointer
// or a connection.
struct named_callback {
  std::optional<std::uintptr_t> function;
  connection conn;

  bool matches(const named_connection& c) const noexcept {
    return function ? c.function == function : c.conn == conn;
  }
};

// One request, from its start until it completes exactly once.
struct pending_request {
  using signature = void(std::exception_ptr, std::any);

  pending_request(completion<signature>::handler_type handler,
                  const asio::any_io_executor& fallback, std::string s, std::string m, kwargs p)
      : done(std::move(handler), fallback),
        sender(std::move(s)),
        method(std::move(m)),
        params(std::move(p)) {}

  completion<signature> done;
  std::string sender;
  std::string method;
  kwargs params;
  bool finished = false;
};

// One pull of a durable subscriber, from its start until it completes
// exactly once; while it waits for events, in the router's waiting pulls.
struct pending_pull {
  using signature = void(std::exception_ptr, std::vector<retained_event>);

  pending_pull(completion<signature>::handler_type handler, const asio::any_io_executor& fallback,
               std::string n, std::size_t b, bool w)
      : done(std::move(handler), fallback), name(std::move(n)), batch(b), wait(w) {}

  completion<signature> done;
  std::string name;
  std::size_t batch;
  bool wait;
  bool finished = false;
  // Set by the cancellation, on whichever thread emits it, before the
  // withdrawal reaches the executor: events are no longer taken for it.
  std::atomic<bool> cancelled{false};
  // The logs whose next event wakes the pull.
  std::vector<topic_log*> watched;
};

// The state of a router; every member function runs on its executor.
class ASIO_SIGNALS_DECL router_state : public std::enable_shared_from_this<router_state> {
  struct sender_entry;
  struct declared_event;

 public:
  // An event by its names, and what its last trigger found, which holds
  // while `version` is the router's targets_version_: an event_trigger's,
  // whose names never change once it is made (they are read on any thread),
  // or the last trigger's by names, which rebind names anew. What it found
  // belongs to the router's executor.
  struct bound_event {
    bound_event(std::string s, std::string e) : sender(std::move(s)), event(std::move(e)) {}

    // Names another event, not found yet, in the memory of these names. It
    // is not found first, so that names half given when an assign throws
    // find nothing stale.
    void rebind(std::string_view s, std::string_view e) {
      version = 0;
      sender.assign(s);
      event.assign(e);
    }

    std::string sender;
    std::string event;
    std::uint64_t version = 0;
    sender_entry* found_sender = nullptr;
    declared_event* found_event = nullptr;
  };

  explicit router_state(asio::any_io_executor ex);

  const asio::any_io_executor& executor() const noexcept { return executor_; }
  // The count of its executor's io_context, or null (posted_ops.hpp).
  posted_ops* posted() const noexcept { return posted_; }

  void add_sender(sender_request& r);
  bool remove_sender(const std::string& name);
  bool is_connected(const std::string& name) const;
  std::vector<std::string> declared_events(const std::string& name) const;
  // The names of the connected senders.
  std::vector<std::string> connected_senders() const;

  // The signal whose connections are the listeners `t` names; throws
  // router_error for an event the sender or the channels cannot have.
  signal listener_signal(const listen_target& t);

  // A trigger of `event` from `sender`, with `data`, which it leaves empty.
  void trigger(std::string_view sender, std::string_view event, kwargs& data);
  // A trigger of `b`'s event, with `data` or none (null), which looks the
  // names up only when the senders changed since the last one. The trigger
  // tap of `source`, the NATS link an event came in by, if any, is not
  // called: the event is not its to publish.
  void trigger(bound_event& b, kwargs* data, const void* source = nullptr);

  // Called by trigger() with the names and the data once the event is
  // found, before anything is scheduled, in the order they were added; what
  // one throws fails the trigger. Each NATS link on the router publishes the
  // triggers of the senders it shares from its own.
  using trigger_tap =
      std::function<void(std::string_view sender, std::string_view event, const kwargs& data)>;
  void add_trigger_tap(const void* owner, trigger_tap tap) {
    trigger_taps_.emplace_back(owner, std::move(tap));
  }
  void remove_trigger_tap(const void* owner) {
    std::erase_if(trigger_taps_, [owner](const auto& t) { return t.first == owner; });
  }

  // Sends on the named signal `name` and returns the number of callbacks
  // scheduled: 0 without callbacks or without a signal of that name.
  std::size_t emit(const std::string& name, const kwargs& data, const std::vector<sender>& senders,
                   const std::vector<key>& keys);

  void start_request(const std::shared_ptr<pending_request>& p);
  void withdraw_request(const std::shared_ptr<pending_request>& p);

  // The named signal `name`, made if absent.
  signal named_signal(const std::string& name);
  // Keeps the connection on() has just made on the named signal `name`, to
  // find it by later.
  void record(const std::string& name, named_connection c);
  void disconnect_named(const named_callback& cb, const std::string* name);
  void clear(const std::string* name);
  bool responds_to(const named_callback& cb, const std::string& name) const;
  std::vector<std::string> signals(const named_callback& cb) const;

  // Retained history, in memory or in the backend when one is set: `r`
  // holds the operation's topics and options.
  void retain(history_request r, history_done<> done);
  void pull(history_request r, history_done<std::vector<retained_event>> done);
  void subscribe(std::string name, history_request r, history_done<> done);
  void start_pull(const std::shared_ptr<pending_pull>& p);
  void withdraw_pull(const std::shared_ptr<pending_pull>& p);
  // Acknowledges, for each event of `batch`, that event and every earlier
  // one of its topic.
  void ack(std::string name, std::vector<retained_event> batch, history_done<> done);
  void unsubscribe(std::string name, history_done<bool> done);
  // Sets where the history is kept from now on; null: in memory. Pulls
  // waiting in memory fail: their events will be kept elsewhere.
  void set_history_backend(std::shared_ptr<history_backend> backend);
  // How many times the history moved; whether it is in memory now.
  std::uint64_t history_moves() const noexcept { return history_moves_; }
  bool history_in_memory() const noexcept { return backend_ == nullptr; }

 private:
  // A retained topic: an empty sender and a channel's name, or a sender's
  // name and one of its events.
  using topic_key = std::pair<std::string, std::string>;

  // An event a sender declares, and the signals of its listeners, found
  // once, when they are made or the sender is added, rather than per trigger.
  struct declared_event {
    declared_event(std::string_view n, bool is_channel, bool is_presence)
        : name(n), channel(is_channel), presence(is_presence) {}

    kwargs::value name;
    bool channel;
    bool presence;
    signal* listeners = nullptr;
    signal* channel_listeners = nullptr;
    topic_log* log = nullptr;
  };

  struct sender_entry {
    explicit sender_entry(const std::string& n) : name(n) {}

    kwargs::value name;
    bool connected = false;
    std::vector<std::string> order;
    name_map<declared_event> declared;
    name_map<request_method> methods;
    std::optional<request_method> default_method;
    std::unordered_set<std::shared_ptr<pending_request>> in_flight;
    std::optional<signal> broadcast;
    name_map<signal> listeners;
  };

  struct named_entry {
    explicit named_entry(signal s) : sig(std::move(s)) {}

    signal sig;
    std::vector<named_connection> connections;
    std::size_t prune_at = 8;
  };

  signal make_signal(std::string_view sender, std::string_view event);
  // Removes the events of the sender `name` from trigger_targets_ and from
  // the sender.
  void forget_targets(const std::string& name, sender_entry& s) noexcept;
  // Throws the error of a trigger of an event that is not in
  // trigger_targets_: why a trigger may not name it.
  [[noreturn]] void throw_not_a_target(std::string_view sender, std::string_view event) const;
  // Delivers an event with `data` or none (null). When some group hears it,
  // the data move into the groups' "data" kwarg, leaving `data` empty.
  void deliver(sender_entry& s, const declared_event& e, kwargs* data);
  // `data`, moved from, as the value of the "data" kwarg: spare_value_,
  // lent until release_spare_data.
  const kwargs::value& lend_data(kwargs& data);
  // Releases the data in spare_data_, keeping its memory, once no other
  // value refers to it; lets go of the holder otherwise.
  void release_spare_data() noexcept;
  // Sends `request` on `target` at once; on the router's executor only.
  static std::size_t send_in_task(signal& target, send_request& request);
  void finish_request(const std::shared_ptr<pending_request>& p, std::exception_ptr error,
                      std::any response);
  void presence(sender_entry& s, std::string_view event);
  // The history in memory.
  void retain_here(const history_request& r);
  std::vector<retained_event> pull_here(const history_request& r);
  void subscribe_here(const std::string& name, const history_request& r);
  void ack_here(const std::string& name, const std::vector<retained_event>& batch);
  bool unsubscribe_here(const std::string& name);
  // The log of a retained topic; throws router_error for a topic that is not.
  topic_log& retained_log(const topic& t);
  // Merges the events of `cursors` after each one's `delivered`, oldest
  // first, up to `batch` of them, moving `delivered` past those returned.
  void finish_pull(const std::shared_ptr<pending_pull>& p, std::exception_ptr error,
                   std::vector<retained_event> events);
  // Makes the waiting pull `p` wait for the topics of its subscriber.
  void watch(pending_pull& p, std::vector<history_cursor>& cursors);
  void unwatch(pending_pull& p);
  // Completes the waiting pulls that the new event of `log` gives events to.
  void wake(const topic_log& log);
  static std::vector<retained_event> merge(std::vector<history_cursor>& cursors, std::size_t batch,
                                           history_clock::time_point now);

  // A declared event that a trigger may name, and its sender.
  struct trigger_target {
    sender_entry* sender;
    declared_event* event;
  };

  asio::any_io_executor executor_;
  posted_ops* const posted_;
  signal broadcast_;
  name_map<sender_entry> senders_;
  // The events of the connected senders that triggers may name (not the
  // presence events), found with one lookup per trigger; the names are the
  // keys of senders_ and of the senders' declared events. Open addressing:
  // one table for every sender's events, where it searched in fewer
  // instructions than std::unordered_map (docs/performance.md).
  boost::unordered_flat_map<event_names, trigger_target, event_names_hash, event_names_equal>
      trigger_targets_;
  // Moves whenever trigger_targets_ changes: what a bound_event found holds
  // while this has not moved. Never 0, a bound_event's "never found". A
  // sender_entry or declared_event a target points to must not be freed
  // without moving it (forget_targets does, before remove_sender erases).
  std::uint64_t targets_version_ = 1;
  bound_event last_trigger_{std::string(), std::string()};
  name_map<signal> channels_;
  name_map<named_entry> named_;
  kwargs::value empty_data_;
  // The holder of a trigger's data, which takes the next trigger's once no
  // other value refers to it: a delivery then allocates neither holder nor
  // kwargs. spare_value_ refers to it, and deliveries lend it to their sends
  // rather than copy it; one nested in another's callbacks finds it lent
  // (lent_data_) and makes a value of its own.
  std::shared_ptr<value_holder<kwargs>> spare_data_;
  std::optional<kwargs::value> spare_value_;
  bool lent_data_ = false;
  // The request of the last delivery's send, for the next one.
  send_request delivery_;
  std::vector<std::pair<const void*, trigger_tap>> trigger_taps_;
  std::map<topic_key, topic_log> logs_;
  name_map<std::vector<history_cursor>> subscribers_;
  std::vector<std::shared_ptr<pending_pull>> waiting_pulls_;
  std::shared_ptr<history_backend> backend_;
  std::uint64_t history_moves_ = 0;
};

// A router's state, for the components built on a router (the NATS link).
struct router_access {
  static const std::shared_ptr<router_state>& state(const router& r) noexcept { return r.state_; }
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_ROUTER_STATE_HPP
