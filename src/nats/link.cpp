//
// nats/link.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <asio_signals/detail/names.hpp>
#include <asio_signals/detail/posted_ops.hpp>

#include "event_loop.hpp"
#include "history.hpp"
#include "wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <nats/nats.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <climits>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

namespace asio_signals {

namespace detail {

namespace json = boost::json;

// A message received, as the link keeps it while it waits its turn.
struct nats_message {
  std::string subject;
  std::string reply;
  std::string data;
  bool no_responders = false;
  // Set instead of the rest for the expiry of a silent link's senders.
  std::string expired_link;
};

// A message received, read where a nats_inbox keeps it.
struct nats_message_view {
  std::string_view subject;
  std::string_view reply;
  std::string_view data;
  bool no_responders = false;

  nats_message copy() const {
    return nats_message{std::string(subject), std::string(reply), std::string(data), no_responders,
                        std::string()};
  }
};

enum class nats_source { signals, replies, requests, connection };

// An event held for its sender, not yet announced.
struct nats_held_event {
  std::string sender;
  std::string subject;
  std::string payload;
  std::chrono::steady_clock::time_point since;

  std::size_t bytes() const noexcept { return subject.size() + payload.size(); }
};

// The closure of a cnats callback, and all that a cnats thread touches: it
// posts to the executor, where the weak pointer is locked. Deleted on the
// executor once cnats has said it will not call back with it again.
struct nats_anchor {
  asio::any_io_executor executor;
  // The count of the executor's io_context (posted_ops.hpp), or null.
  posted_ops* posted;
  std::weak_ptr<nats_link_state> state;
  nats_source source;
  std::shared_ptr<struct nats_mailbox> mailbox;
};

// What a cnats thread copies out of messages before posting them: their
// texts one after another in one buffer, and where each lies. (Posting the
// messages themselves costs more: cnats frees every message on a thread of
// its own, which the executor's thread would then wake once per message.)
// Cleared, it keeps its capacity up to a bound, so that once grown it takes
// messages without allocating (no allocation on a cnats thread freed on the
// executor), and a burst does not hold its memory for good.
class nats_inbox {
 public:
  // What an inbox copies of a message.
  struct texts {
    explicit texts(natsMsg* msg)
        : subject(natsMsg_GetSubject(msg)),
          reply(or_empty(natsMsg_GetReply(msg))),
          data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))),
          no_responders(natsMsg_IsNoResponders(msg)) {}

    std::size_t size() const noexcept { return subject.size() + reply.size() + data.size(); }

    std::string_view subject;
    std::string_view reply;
    std::string_view data;
    bool no_responders;

   private:
    static std::string_view or_empty(const char* text) noexcept {
      return text ? std::string_view(text) : std::string_view();
    }
  };

  void append(nats_source source, const texts& m) {
    const std::size_t start = text_.size();
    entries_.push_back(
        entry{source, m.no_responders, m.subject.size(), m.reply.size(), m.data.size()});
    try {
      text_ += m.subject;
      text_ += m.reply;
      text_ += m.data;
    } catch (...) {
      // A failed append leaves the inbox as it was.
      entries_.pop_back();
      text_.resize(start);
      throw;
    }
  }

  // Calls f(source, view) for each message, in the order they arrived.
  template <class F>
  void for_each(F f) const {
    std::string_view rest = text_;
    for (const entry& e : entries_) {
      nats_message_view m;
      m.subject = rest.substr(0, e.subject);
      m.reply = rest.substr(e.subject, e.reply);
      m.data = rest.substr(e.subject + e.reply, e.data);
      m.no_responders = e.no_responders;
      rest.remove_prefix(e.subject + e.reply + e.data);
      f(e.source, m);
    }
  }

  // The bytes of the messages kept.
  std::size_t bytes() const noexcept { return text_.size(); }

  void clear() noexcept {
    entries_.clear();
    text_.clear();
    if (text_.capacity() > max_kept_bytes) std::string().swap(text_);
    if (entries_.capacity() > max_kept_entries) std::vector<entry>().swap(entries_);
  }

  void swap(nats_inbox& other) noexcept {
    entries_.swap(other.entries_);
    text_.swap(other.text_);
  }

 private:
  // The sizes of a message's subject, reply and data.
  struct entry {
    nats_source source;
    bool no_responders;
    std::size_t subject;
    std::size_t reply;
    std::size_t data;
  };

  static constexpr std::size_t max_kept_bytes = 1 << 20;
  static constexpr std::size_t max_kept_entries = 1 << 14;

  std::vector<entry> entries_;
  std::string text_;
};

// The messages received and not yet taken by the executor: cnats's threads
// append to it and post a drain only when none is pending, so that a burst
// costs one post, and messages keep the order they arrived in. Those that
// would take it beyond `limit` bytes are counted instead, for the drain to
// report.
struct nats_mailbox {
  explicit nats_mailbox(std::size_t limit) : limit(limit) {}

  const std::size_t limit;
  std::mutex mutex;
  nats_inbox messages;
  bool drain_posted = false;
  std::uint64_t overflowed = 0;
  // The subject of the first message counted in `overflowed`.
  std::string overflow_subject;
};

// A remote request waiting for its reply: the timer expires at its timeout
// and is cancelled when the reply arrives.
struct nats_pending_request {
  nats_pending_request(const asio::any_io_executor& ex, std::string s)
      : timer(ex), sender(std::move(s)) {}
  asio::steady_timer timer;
  std::string sender;
  std::optional<nats_message> reply;
};

// A synchronous subscription of the requests' connection to the replies of
// one request at a time, `_INBOX.<link id>.<n>.*`: cnats gives NATS's "no
// responders" without its subject, and it is known to be that request's.
// Each subscription the link makes has a number `n` of its own, never a
// subject an earlier one had.
struct nats_reply_slot {
  natsSubscription* sub = nullptr;
  // `_INBOX.<link id>.<n>.`, which a request's number completes.
  std::string prefix;
  // The request in the slot; 0 when it is free.
  std::uint64_t request = 0;
};

// A local sender the link shares: its events, and the subject of each;
// which share it was; whether it is announced yet.
struct nats_local_sender {
  std::vector<std::string> events;
  std::vector<std::string> subjects;
  std::uint64_t share = 0;
  bool announced = false;
};

// A sender of another link, added to the router as a proxy.
struct nats_remote_sender {
  std::string owner;
  std::vector<std::string> events;
};

namespace {

// events(names...) for a list whose length is known at run time only: the
// router takes event names as a parameter pack.
constexpr std::size_t max_remote_events = 64;

// The kwargs of a remote event whose memory the link keeps for the next.
constexpr std::size_t kept_event_data = 8;

template <std::size_t... I>
event_list events_of(const std::vector<std::string>& names, std::index_sequence<I...>) {
  return events(std::string_view(names[I])...);
}

event_list events_of(const std::vector<std::string>& names) {
  using maker = event_list (*)(const std::vector<std::string>&);
  static constexpr auto makers = []<std::size_t... N>(std::index_sequence<N...>) {
    return std::array<maker, sizeof...(N)>{+[](const std::vector<std::string>& v) {
      return events_of(v, std::make_index_sequence<N>());
    }...};
  }
  (std::make_index_sequence<max_remote_events + 1>());
  if (names.size() > max_remote_events)
    throw nats_error("asio_signals: a remote sender declares more than 64 events");
  return makers[names.size()](names);
}

std::string random_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> dist;
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  for (std::uint64_t v = dist(device), i = 0; i < 16; ++i, v >>= 4) id += digits[v & 0xf];
  return id;
}

}  // namespace

class nats_link_state : public std::enable_shared_from_this<nats_link_state> {
 public:
  nats_link_state(router r, nats_options options)
      : router_(std::move(r)),
        options_(std::move(options)),
        link_id_(random_id()),
        inbox_("_INBOX." + link_id_),
        wake_(router_.get_executor()),
        heartbeat_(router_.get_executor()) {
    if (options_.servers.empty())
      throw std::invalid_argument("asio_signals: nats_options::servers is empty");
    check_prefix(options_.prefix);
    if (options_.heartbeat_interval.count() <= 0 ||
        options_.presence_expiry <= options_.heartbeat_interval)
      throw std::invalid_argument(
          "asio_signals: nats_options needs 0 < heartbeat_interval < presence_expiry");
    if (options_.pending_bytes == 0)
      throw std::invalid_argument("asio_signals: nats_options::pending_bytes is 0");
    if (options_.write_deadline.count() < 0)
      throw std::invalid_argument("asio_signals: nats_options::write_deadline is negative");
    spent_.reserve(max_spent);
  }

  ~nats_link_state() { destroy_spent(); }

  // A start sets up the connections, subscriptions and listeners; should it
  // fail, or should stop() be called meanwhile, it shuts down what it set up
  // and fails. A stop called during a start waits for it, and a stop called
  // during a stop completes with it.
  asio::awaitable<void> start();
  asio::awaitable<void> stop();

  void on_message(nats_source source, const nats_message_view& m);
  // Takes the messages of the mailbox, on the executor.
  void drain(nats_mailbox& mailbox);
  void on_anchor_done() { --open_anchors_; }
  // An event of the connection (with `requests`, of the requests'
  // connection), or an error of the subscription to `subscribed`.
  void on_connection_event(natsStatus status, bool closed, bool reconnected,
                           const std::string& subscribed, bool requests);

  asio::any_io_executor executor() const { return router_.get_executor(); }

  asio::awaitable<std::any> remote_request(std::string sender, std::string method, kwargs params);

  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> failed{0};

 private:
  std::string subject(std::string_view kind) const {
    return options_.prefix + "." + std::string(kind);
  }
  std::string event_subject(const std::string& sender, const std::string& event) const {
    return subject("s.ev.") + encode_token(sender) + "." + encode_token(event);
  }
  std::string request_subject(const std::string& sender) const {
    return subject("rq.") + encode_token(sender);
  }

  void report(const std::string& subject, std::exception_ptr e);
  // Counts a message received on `subject` and dropped, and reports why.
  void drop(const std::string& subject, std::exception_ptr e);
  // Subscribes on `conn`. The link takes requests from their subscription
  // itself, after each read of the requests' connection's event loop; the
  // rest come through the mailbox.
  natsSubscription* subscribe(natsConnection* conn, const std::string& subject, nats_source source);
  // Bounds cnats's queue of the subscription by pending_bytes.
  natsStatus limit_pending(natsSubscription* sub) const;
  // Takes the messages of the requests' connection's subscriptions, on the
  // executor.
  void take_received();
  // Takes the reply slot the request `id` waits in, or none when all the
  // slots are taken (the request's replies then come through the mailbox).
  std::optional<std::size_t> take_reply_slot(std::uint64_t id);
  // Gives the slot of the request `id` back, once it ended. A slot whose
  // request had no answer might still receive NATS's "no responders" to it,
  // which would be taken for the next request's: its subscription goes.
  void give_reply_slot(std::size_t slot, std::uint64_t id, bool answered);
  // Counts in `dropped` what cnats dropped from the queues of the link's
  // subscriptions (a slow consumer) since last counted.
  void count_client_drops();
  // Destroys the messages taken from the requests' connection so far.
  void destroy_spent() noexcept;
  // Publishes on the main connection, or with `at_once` on the requests'.
  natsStatus publish(const std::string& subject, std::string_view payload,
                     const std::string& reply = std::string(), bool at_once = false);
  void publish_or_report(const std::string& subject, std::string_view payload,
                         const std::string& reply = std::string(), bool at_once = false);
  void publish_presence(bool bye = false);
  // Shares the local sender `name`: announced, its triggers published, and
  // its requests served.
  void share(const std::string& name, std::vector<std::string> events);
  // The callback of the link's listeners of the presence of every sender.
  void on_presence(const event& ev);
  // Publishes a trigger of a shared sender, from within the router's
  // trigger; what the kwargs' encoding throws (nats_error for a type without
  // one) fails the trigger.
  void on_local_trigger(std::string_view sender, std::string_view event, const kwargs& data);
  // Connects `callback` to the listeners `target` names, within this task.
  template <class Callback>
  connection listen(listen_target target, Callback callback);
  void unmark(const std::string& name);

  // Announces the local senders of the shares up to `upto` once the server
  // has their requests' subscriptions, which are on the requests'
  // connection, not on the one of the announcement: a flush of it returned.
  // A request made on their announcement then finds them.
  asio::awaitable<void> announce(std::shared_ptr<nats_link_state> self, std::uint64_t upto);
  // Announces at once the local senders of the shares up to `upto` not
  // announced yet, if any.
  void announce_shared(std::uint64_t upto);
  asio::awaitable<void> consume(std::shared_ptr<nats_link_state> self);
  asio::awaitable<void> heartbeat(std::shared_ptr<nats_link_state> self);
  // Triggers the event a message of `subject` carries, or holds it for its
  // sender not yet announced, and returns whether the message was an event;
  // an event that cannot be decoded is dropped and reported.
  bool deliver_event(std::string_view subject, std::string_view payload);
  // Holds the event of `subject` for its sender, not yet announced.
  void hold_event(std::string_view subject, std::string_view payload);
  // Takes the held events of the sender `name` out of held_, in order.
  std::vector<nats_held_event> take_held(const std::string& name);
  // Counts and reports an event of `sender` dropped for `why`.
  void drop_event(const std::string& sender, const std::string& subject, std::string_view why);
  // Drops the oldest held event, for `why`.
  void drop_oldest_held(std::string_view why);
  asio::awaitable<void> handle(nats_message m);
  asio::awaitable<void> reconcile(std::string link, json::object presence);
  asio::awaitable<void> add_proxy(std::string name, std::string owner,
                                  std::vector<std::string> events);
  asio::awaitable<void> remove_proxy(std::string name);
  asio::awaitable<void> remove_proxies_of(std::string link);
  asio::awaitable<void> serve_request(std::shared_ptr<nats_link_state> self, nats_message m);
  // Returns once `done()` holds, or after `limit`, checking every `period`.
  template <class Predicate>
  asio::awaitable<void> poll_until(Predicate done, std::chrono::milliseconds period,
                                   std::chrono::milliseconds limit);
  // Returns once cnats has released every anchor, so that no cnats thread
  // posts to the executor any more, or after 5 s.
  asio::awaitable<void> anchors_released();
  // What a start does once connected: the listeners, the subscriptions, the
  // tap of the triggers, the history, and the announcement.
  asio::awaitable<void> set_up(std::shared_ptr<nats_link_state> self);
  // Undoes what a start set up, and says bye; with `announce_waiting`, first
  // announces the senders whose announcement waits for a flush.
  asio::awaitable<void> shut_down(bool announce_waiting);
  // Fails a start that stop() was called during.
  void check_stop_requested() const;

  router router_;
  const nats_options options_;
  const std::string link_id_;
  const std::string inbox_;

  // Blocking cnats calls (connect, flush, close) run here, never on the
  // router's executor.
  asio::thread_pool blocking_{1};

  natsConnection* conn_ = nullptr;
  // Requests and replies go out at once, on a connection of their own, so
  // that the events' writes keep being gathered on the main one.
  natsConnection* requests_conn_ = nullptr;
  std::vector<natsSubscription*> subscriptions_;
  std::map<std::string, natsSubscription*> request_subscriptions_;
  // The subscriptions of the requests' connection, whose messages the link
  // takes itself, and their source.
  std::vector<std::pair<natsSubscription*, nats_source>> taken_;
  std::vector<nats_reply_slot> reply_slots_;
  static constexpr std::size_t max_reply_slots = 64;
  // The messages taken from the requests' connection and done with, kept
  // until its next write has gone out, most often the answer's or the next
  // request's: cnats destroys a message on a thread of its own, which it
  // wakes for it, and which, woken on the executor's core, would preempt the
  // executor before that write. At most 64 messages of at most 1 KiB each
  // are kept; any other is destroyed at once.
  std::vector<natsMsg*> spent_;
  static constexpr std::size_t max_spent = 64;
  static constexpr std::size_t max_spent_size = 1024;
  // The reply slots' subscriptions made so far.
  std::uint64_t reply_subscriptions_ = 0;
  // Per subscription, the messages cnats dropped (a slow consumer) that are
  // counted in `dropped`.
  std::map<natsSubscription*, std::int64_t> client_drops_;
  int open_anchors_ = 0;
  std::shared_ptr<nats_mailbox> mailbox_ = std::make_shared<nats_mailbox>(options_.pending_bytes);
  // The messages of one drain, kept to reuse their capacity.
  nats_inbox drained_;
  // Parses the payloads of events, one after another in the signal loop,
  // and decodes their names.
  kwargs_parser events_parser_;
  event_subject_names event_names_{options_.prefix};
  // The data of the event being delivered, in the memory of an earlier
  // event's: empty between events.
  kwargs event_data_;
  // Encodes the kwargs of the local triggers.
  kwargs_writer events_writer_;
  // The remote requests being served, until their reply is published.
  int serving_ = 0;
  // A start is under way; until it returns, whether it succeeds or not.
  bool starting_ = false;
  // stop() was called during the start under way.
  bool stop_requested_ = false;
  bool started_ = false;
  // A stop, or a failed start's shutdown, is under way.
  bool stopping_ = false;
  std::optional<asio::any_io_executor> work_;
  // The router's history in JetStream, when the options ask for it.
  std::shared_ptr<nats_history> history_;
  // The link's listeners: of #connect, of #disconnect.
  connection connect_listener_;
  connection disconnect_listener_;

  // The messages of the signal subjects that wait for the consumer, which
  // waits on `wake_` for them when it has none.
  std::deque<nats_message> queue_;
  bool consumer_waiting_ = false;
  asio::steady_timer wake_;
  asio::steady_timer heartbeat_;

  // The local senders the link shares.
  std::map<std::string, nats_local_sender, std::less<>> local_senders_;
  // The shares made so far.
  std::uint64_t shares_ = 0;
  // The subject of the last local trigger published, for the triggers that
  // follow with the same names; null when local_senders_ changed since.
  std::string last_sender_;
  std::string last_event_;
  const std::string* last_subject_ = nullptr;
  // The proxies of remote senders, by name.
  std::map<std::string, nats_remote_sender> proxies_;
  // The router's target of the last remote event delivered, a proxy's,
  // while the events that follow have the same names: forgotten when a proxy
  // goes.
  std::optional<router_state::bound_event> last_target_;
  // Per proxy, the presence callbacks still to come from what the link itself
  // did to it (add, remove): not to be published back.
  std::map<std::string, int> echo_marks_;
  // The events of senders not yet announced, in the order they came, until
  // their sender's announcement or presence_expiry; their subjects' and
  // payloads' bytes.
  std::deque<nats_held_event> held_;
  std::size_t held_bytes_ = 0;
  // When each other link was last heard of.
  std::map<std::string, std::chrono::steady_clock::time_point> links_seen_;

  std::uint64_t next_request_ = 0;
  std::map<std::uint64_t, std::shared_ptr<nats_pending_request>> pending_;
};

namespace {

// Posts `f` to the anchor's executor from a cnats thread, where nothing may
// escape to cnats; returns false when the post could not allocate.
template <class F>
bool post_from_cnats(nats_anchor* anchor, F f) noexcept {
  try {
    post_counted(anchor->posted, anchor->executor, std::move(f));
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

void on_nats_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* anchor = static_cast<nats_anchor*>(closure);
  nats_mailbox& mailbox = *anchor->mailbox;
  const nats_inbox::texts m(msg);
  const std::size_t size = m.size();
  bool post = false;
  {
    std::lock_guard lock(mailbox.mutex);
    bool kept = false;
    if (size <= mailbox.limit && mailbox.messages.bytes() <= mailbox.limit - size) {
      try {
        mailbox.messages.append(anchor->source, m);
        kept = true;
      } catch (const std::bad_alloc&) {
        // Counted with those beyond the bound: nothing may escape to cnats.
      }
    }
    if (!kept && mailbox.overflowed++ == 0) {
      try {
        mailbox.overflow_subject = m.subject;
      } catch (const std::bad_alloc&) {
        // Reported without its subject.
      }
    }
    post = !std::exchange(mailbox.drain_posted, true);
  }
  natsMsg_Destroy(msg);
  if (!post) return;
  auto drain = [state = anchor->state, mailbox = anchor->mailbox] {
    if (auto s = state.lock()) s->drain(*mailbox);
  };
  if (!post_from_cnats(anchor, std::move(drain))) {
    // The messages wait in the mailbox for the next message's post.
    std::lock_guard lock(mailbox.mutex);
    mailbox.drain_posted = false;
  }
}

// Without memory for the post, the anchor is kept, and stop() gives up
// waiting for it after 5 s.
void release_anchor(nats_anchor* anchor) {
  post_from_cnats(anchor, [anchor] {
    std::unique_ptr<nats_anchor> owned(anchor);
    if (auto s = owned->state.lock()) s->on_anchor_done();
  });
}

void on_subscription_complete(void* closure) {
  release_anchor(static_cast<nats_anchor*>(closure));
}

// Sets a flag for as long as it lives, however its scope ends.
struct flag_scope {
  explicit flag_scope(bool& f) noexcept : flag(f) { flag = true; }
  flag_scope(const flag_scope&) = delete;
  flag_scope& operator=(const flag_scope&) = delete;
  ~flag_scope() { flag = false; }
  bool& flag;
};

void post_connection_event(void* closure, natsStatus status, bool closed, bool reconnected,
                           const char* subject = "", bool requests = false) noexcept {
  auto* anchor = static_cast<nats_anchor*>(closure);
  try {
    post_from_cnats(anchor, [state = anchor->state, status, closed, reconnected,
                             subject = std::string(subject), requests] {
      if (auto s = state.lock())
        s->on_connection_event(status, closed, reconnected, subject, requests);
    });
  } catch (const std::bad_alloc&) {
    // No memory for the subject's copy: the event is not reported, as
    // without memory for the post.
  }
}

void on_disconnected(natsConnection*, void* closure) {
  post_connection_event(closure, NATS_CONNECTION_DISCONNECTED, false, false);
}

void on_reconnected(natsConnection*, void* closure) {
  post_connection_event(closure, NATS_OK, false, true);
}

void on_closed(natsConnection*, void* closure) {
  post_connection_event(closure, NATS_CONNECTION_CLOSED, true, false);
  release_anchor(static_cast<nats_anchor*>(closure));
}

void on_async_error(natsConnection*, natsSubscription* sub, natsStatus status, void* closure) {
  const char* subject = sub ? natsSubscription_GetSubject(sub) : nullptr;
  post_connection_event(closure, status, false, false, subject ? subject : "");
}

// The requests' connection reports its errors and its closing, which ends
// the link's requests: the main connection reports what happens to the
// server, to both.
void on_requests_closed(natsConnection*, void* closure) {
  post_connection_event(closure, NATS_CONNECTION_CLOSED, true, false, "", true);
  release_anchor(static_cast<nats_anchor*>(closure));
}

// Which of a connection's events are posted to the link through its anchor.
enum class nats_events { all, errors };

// Connects, on the link's blocking thread, and posts the connection's
// `events` to the link through `anchor`, which cnats releases once the
// connection is closed. The requests' connection writes each publish at once
// instead of by cnats's flusher, which waits about a millisecond to gather
// writes, and runs on `loop`.
natsConnection* connect_to_nats(const nats_options& options, nats_anchor* anchor,
                                nats_events events, nats_event_loop* loop = nullptr) {
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  std::vector<const char*> servers;
  for (const auto& url : options.servers) servers.push_back(url.c_str());
  if (s == NATS_OK)
    s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetNoRandomize(opts, !options.randomize_servers);
  if (s == NATS_OK) s = natsOptions_SetNoEcho(opts, true);
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, 2000);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, options.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, options.reconnect_wait.count());
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(opts, options.reconnect_buffer_bytes);
  if (s == NATS_OK) s = natsOptions_SetWriteDeadline(opts, options.write_deadline.count());
  if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, events == nats_events::errors);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(opts, on_async_error, anchor);
  if (s == NATS_OK && loop) s = loop->set_on(opts);
  // Its writes never wait, so a server that stops reading is found by its
  // pings instead: gone after three write_deadlines without an answer.
  if (loop && options.write_deadline.count() > 0) {
    if (s == NATS_OK) s = natsOptions_SetPingInterval(opts, options.write_deadline.count());
    if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts, 2);
  }
  if (events == nats_events::all) {
    if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, on_disconnected, anchor);
    if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, on_reconnected, anchor);
    if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, on_closed, anchor);
  } else {
    if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, on_requests_closed, anchor);
  }
  natsConnection* conn = nullptr;
  if (s == NATS_OK) s = natsConnection_Connect(&conn, opts);
  std::string error = s == NATS_OK ? std::string() : status_text(s);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) throw nats_error("asio_signals: cannot connect to NATS: " + error);
  return conn;
}

}  // namespace

void nats_link_state::report(const std::string& subject, std::exception_ptr e) {
  if (!options_.on_error) return;
  try {
    options_.on_error(subject, e);
  } catch (...) {
    // An error handler that throws has nowhere to report to.
  }
}

void nats_link_state::drop(const std::string& subject, std::exception_ptr e) {
  ++dropped;
  report(subject, std::move(e));
}

natsSubscription* nats_link_state::subscribe(natsConnection* conn, const std::string& subject,
                                             nats_source source) {
  const bool taken = source == nats_source::requests;
  std::unique_ptr<nats_anchor> anchor;
  natsSubscription* sub = nullptr;
  natsStatus s = NATS_OK;
  if (taken) {
    s = natsConnection_SubscribeSync(&sub, conn, subject.c_str());
  } else {
    anchor.reset(
        new nats_anchor{executor(), posted_ops_of(executor()), weak_from_this(), source, mailbox_});
    s = natsConnection_Subscribe(&sub, conn, subject.c_str(), on_nats_message, anchor.get());
  }
  if (s == NATS_OK) s = limit_pending(sub);
  if (s == NATS_OK && !taken)
    s = natsSubscription_SetOnCompleteCB(sub, on_subscription_complete, anchor.get());
  if (s != NATS_OK) {
    if (sub) natsSubscription_Destroy(sub);
    throw nats_error("asio_signals: cannot subscribe to " + subject + ": " + status_text(s));
  }
  client_drops_.emplace(sub, 0);
  if (taken) {
    taken_.emplace_back(sub, source);
  } else {
    anchor.release();
    ++open_anchors_;
  }
  return sub;
}

natsStatus nats_link_state::limit_pending(natsSubscription* sub) const {
  // The link's mailbox bounds the messages; cnats's queue only waits for
  // its delivery thread, or for the end of a read. It counts payloads' bytes
  // only, so it is held to a message per 64 of them too (at least cnats's
  // default, 65,536).
  const std::size_t bytes = std::min<std::size_t>(options_.pending_bytes, INT_MAX);
  const std::size_t messages = std::max<std::size_t>(bytes / 64, 65536);
  return natsSubscription_SetPendingLimits(sub, static_cast<int>(messages),
                                           static_cast<int>(bytes));
}

void nats_link_state::destroy_spent() noexcept {
  for (natsMsg* msg : spent_) natsMsg_Destroy(msg);
  spent_.clear();
}

void nats_link_state::count_client_drops() {
  for (auto& [sub, counted] : client_drops_) {
    std::int64_t n = 0;
    if (natsSubscription_GetDropped(sub, &n) == NATS_OK && n > counted) {
      dropped += static_cast<std::uint64_t>(n - counted);
      counted = n;
    }
  }
}

natsStatus nats_link_state::publish(const std::string& subject, std::string_view payload,
                                    const std::string& reply, bool at_once) {
  natsConnection* conn = at_once ? requests_conn_ : conn_;
  if (!conn) return NATS_CONNECTION_CLOSED;
  if (reply.empty())
    return natsConnection_Publish(conn, subject.c_str(), payload.data(),
                                  static_cast<int>(payload.size()));
  return natsConnection_PublishRequest(conn, subject.c_str(), reply.c_str(), payload.data(),
                                       static_cast<int>(payload.size()));
}

void nats_link_state::publish_or_report(const std::string& subject, std::string_view payload,
                                        const std::string& reply, bool at_once) {
  if (natsStatus s = publish(subject, payload, reply, at_once); s != NATS_OK) {
    ++failed;
    report(subject,
           std::make_exception_ptr(nats_error("asio_signals: cannot publish: " + status_text(s))));
  }
}

void nats_link_state::publish_presence(bool bye) {
  json::object senders;
  if (!bye)
    for (const auto& [name, shared] : local_senders_) {
      if (!shared.announced) continue;
      json::array list;
      for (const auto& e : shared.events) list.emplace_back(json::string(e));
      senders[name] = std::move(list);
    }
  json::object presence;
  presence["senders"] = std::move(senders);
  presence["bye"] = bye;
  publish_or_report(subject("s.pr.") + link_id_, json::serialize(presence));
}

void nats_link_state::unmark(const std::string& name) {
  auto it = echo_marks_.find(name);
  if (it != echo_marks_.end() && --it->second == 0) echo_marks_.erase(it);
}

template <class Callback>
connection nats_link_state::listen(listen_target target, Callback callback) {
  signal listeners = router_access::state(router_)->listener_signal(target);
  std::tuple<Callback> callbacks{std::move(callback)};
  std::tuple<> options;
  return connect_now(listeners, callbacks, options);
}

void nats_link_state::share(const std::string& name, std::vector<std::string> events) {
  nats_local_sender shared;
  for (const auto& e : events) shared.subjects.push_back(event_subject(name, e));
  shared.events = std::move(events);
  shared.share = ++shares_;
  local_senders_[name] = std::move(shared);
  last_subject_ = nullptr;
  if (request_subscriptions_.count(name)) return;
  try {
    request_subscriptions_[name] =
        subscribe(requests_conn_, request_subject(name), nats_source::requests);
  } catch (...) {
    report(request_subject(name), std::current_exception());
  }
}

void nats_link_state::on_presence(const event& ev) {
  const std::string& name = sender_name(ev);
  if (echo_marks_.count(name)) return unmark(name);
  if (proxies_.count(name) || !started_) return;
  if (event_name(ev) == connect_event) {
    share(name, event_data(ev).get<std::vector<std::string>>("events"));
    asio::co_spawn(executor(), announce(shared_from_this(), shares_), asio::detached);
    return;
  } else {
    local_senders_.erase(name);
    last_subject_ = nullptr;
    if (auto it = request_subscriptions_.find(name); it != request_subscriptions_.end()) {
      count_client_drops();
      client_drops_.erase(it->second);
      std::erase_if(taken_, [sub = it->second](const auto& t) { return t.first == sub; });
      natsSubscription_Unsubscribe(it->second);
      natsSubscription_Destroy(it->second);
      request_subscriptions_.erase(it);
    }
  }
  publish_presence();
}

void nats_link_state::on_local_trigger(std::string_view sender, std::string_view event,
                                       const kwargs& data) {
  if (!last_subject_ || !same_name(last_sender_, sender) || !same_name(last_event_, event)) {
    auto it = local_senders_.find(sender);
    if (it == local_senders_.end()) return;
    const nats_local_sender& shared = it->second;
    auto e = std::find(shared.events.begin(), shared.events.end(), event);
    if (e == shared.events.end()) return;
    // Forgotten first: names half given when an assign throws find nothing.
    last_subject_ = nullptr;
    last_sender_.assign(sender);
    last_event_.assign(event);
    last_subject_ = &shared.subjects[static_cast<std::size_t>(e - shared.events.begin())];
  }
  publish_or_report(*last_subject_, events_writer_.write(data, options_));
}

void nats_link_state::take_received() {
  auto take = [this](natsSubscription* sub, nats_source source, std::uint64_t request) {
    int pending = 0;
    while (natsSubscription_GetPending(sub, &pending, nullptr) == NATS_OK && pending > 0) {
      natsMsg* msg = nullptr;
      const natsStatus s = natsSubscription_NextMsg(&msg, sub, 0);
      if (s == NATS_NO_RESPONDERS) {
        if (auto it = pending_.find(request); it != pending_.end() && !it->second->reply) {
          it->second->reply.emplace().no_responders = true;
          it->second->timer.cancel();
        }
        continue;
      }
      // cnats says once that it dropped messages of the subscription, which
      // its error handler reported.
      if (s == NATS_SLOW_CONSUMER) continue;
      if (s != NATS_OK) break;
      std::unique_ptr<natsMsg, void (*)(natsMsg*)> owned(msg, natsMsg_Destroy);
      const nats_inbox::texts m(msg);
      try {
        on_message(source, nats_message_view{m.subject, m.reply, m.data, m.no_responders});
      } catch (const std::bad_alloc&) {
        drop(natsMsg_GetSubject(msg), std::current_exception());
      }
      // Within the capacity reserved: no allocation.
      if (spent_.size() < max_spent && m.size() <= max_spent_size) {
        spent_.push_back(msg);
        owned.release();
      }
    }
  };
  // By index: what a message does never changes the subscriptions at once,
  // and must not find a loop over them invalidated if it ever does.
  for (std::size_t i = 0; i < taken_.size(); ++i) take(taken_[i].first, taken_[i].second, 0);
  for (std::size_t i = 0; i < reply_slots_.size(); ++i)
    if (reply_slots_[i].request != 0)
      take(reply_slots_[i].sub, nats_source::replies, reply_slots_[i].request);
}

std::optional<std::size_t> nats_link_state::take_reply_slot(std::uint64_t id) {
  auto free = std::find_if(reply_slots_.begin(), reply_slots_.end(),
                           [](const nats_reply_slot& slot) { return slot.request == 0; });
  if (free == reply_slots_.end()) {
    if (reply_slots_.size() == max_reply_slots) return std::nullopt;
    free = reply_slots_.emplace(reply_slots_.end());
  }
  if (!free->sub) {
    free->prefix = inbox_ + "." + std::to_string(++reply_subscriptions_) + ".";
    const std::string subject = free->prefix + "*";
    natsStatus s = natsConnection_SubscribeSync(&free->sub, requests_conn_, subject.c_str());
    if (s == NATS_OK) s = limit_pending(free->sub);
    if (s != NATS_OK) {
      natsSubscription_Destroy(std::exchange(free->sub, nullptr));
      return std::nullopt;
    }
    client_drops_.emplace(free->sub, 0);
  }
  free->request = id;
  return static_cast<std::size_t>(free - reply_slots_.begin());
}

void nats_link_state::give_reply_slot(std::size_t slot, std::uint64_t id, bool answered) {
  // After a stop, the slots are gone, or another start's.
  if (slot >= reply_slots_.size() || reply_slots_[slot].request != id) return;
  nats_reply_slot& s = reply_slots_[slot];
  s.request = 0;
  if (answered) return;
  count_client_drops();
  client_drops_.erase(s.sub);
  natsSubscription_Unsubscribe(s.sub);
  natsSubscription_Destroy(std::exchange(s.sub, nullptr));
}

void nats_link_state::drain(nats_mailbox& mailbox) {
  std::uint64_t overflowed = 0;
  std::string overflow_subject;
  {
    std::lock_guard lock(mailbox.mutex);
    drained_.swap(mailbox.messages);
    mailbox.drain_posted = false;
    overflowed = std::exchange(mailbox.overflowed, 0);
    if (overflowed > 0) overflow_subject.swap(mailbox.overflow_subject);
  }
  if (overflowed > 0) {
    dropped += overflowed;
    report(overflow_subject,
           std::make_exception_ptr(
               nats_error("asio_signals: " + std::to_string(overflowed) +
                          " messages received are dropped, the first on this subject: the router's "
                          "executor fell behind by more than nats_options::pending_bytes (or "
                          "memory ran out)")));
  }
  drained_.for_each(
      [this](nats_source source, const nats_message_view& m) { on_message(source, m); });
  drained_.clear();
}

void nats_link_state::on_message(nats_source source, const nats_message_view& m) {
  if (!started_) return;
  switch (source) {
    case nats_source::signals:
      // An event that finds nothing queued before it and the consumer
      // waiting is triggered at once; anything else takes its turn.
      if (consumer_waiting_ && queue_.empty() && deliver_event(m.subject, m.data)) break;
      queue_.push_back(m.copy());
      wake_.cancel();
      break;
    case nats_source::replies: {
      const std::string_view token = m.subject.substr(m.subject.rfind('.') + 1);
      std::uint64_t id = 0;
      const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), id);
      // Not a reply to this link's requests, or a reply after its timeout:
      // it finds no request, and is dropped.
      auto it = error == std::errc() && end == token.data() + token.size() ? pending_.find(id)
                                                                           : pending_.end();
      if (it != pending_.end() && !it->second->reply) {
        it->second->reply = m.copy();
        it->second->timer.cancel();
      }
      break;
    }
    case nats_source::requests:
      asio::co_spawn(executor(), serve_request(shared_from_this(), m.copy()), asio::detached);
      break;
    case nats_source::connection:
      break;
  }
}

void nats_link_state::on_connection_event(natsStatus status, bool closed, bool reconnected,
                                          const std::string& subscribed, bool requests) {
  if (!started_) return;
  if (reconnected) {
    // The others may have expired this link's senders meanwhile.
    publish_presence();
    publish_or_report(subject("s.q"), "{}");
    return;
  }
  std::string what = closed ? "asio_signals: the NATS connection is closed"
                            : "asio_signals: NATS: " + std::string(natsStatus_GetText(status));
  if (closed && requests)
    what =
        "asio_signals: the NATS connection of the link's requests is closed: requests to and "
        "from this link fail until it is stopped and started again";
  if (status == NATS_CONNECTION_DISCONNECTED)
    what = "asio_signals: disconnected from the NATS server; reconnecting";
  if (status == NATS_SLOW_CONSUMER) {
    count_client_drops();
    what =
        "asio_signals: NATS: messages of this subscription are dropped: cnats's queue of it "
        "exceeded nats_options::pending_bytes, or a message per 64 of them (a slow consumer)";
  }
  report(subscribed, std::make_exception_ptr(nats_error(what)));
}

template <class Predicate>
asio::awaitable<void> nats_link_state::poll_until(Predicate done, std::chrono::milliseconds period,
                                                  std::chrono::milliseconds limit) {
  asio::steady_timer poll(executor());
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    poll.expires_after(period);
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> nats_link_state::anchors_released() {
  auto released = [this] { return open_anchors_ == 0; };
  co_await poll_until(released, std::chrono::milliseconds(5), std::chrono::milliseconds(5000));
}

asio::awaitable<void> nats_link_state::start() {
  auto self = shared_from_this();
  if (stopping_) throw nats_error("asio_signals: the NATS link is still stopping");
  if (starting_ || started_) throw nats_error("asio_signals: the NATS link is already started");
  // Cleared however the start ends, memory running out included: a stop
  // waits for it.
  flag_scope starting(starting_);
  stop_requested_ = false;
  auto make_anchor = [this] {
    return std::make_unique<nats_anchor>(nats_anchor{executor(), posted_ops_of(executor()),
                                                     weak_from_this(), nats_source::connection,
                                                     mailbox_});
  };
  auto owned_main = make_anchor();
  auto owned_requests = make_anchor();
  nats_anchor* main_anchor = owned_main.get();
  nats_anchor* requests_anchor = owned_requests.get();
  auto take = [weak = weak_from_this()] {
    // The messages are served as the mailbox's are, from the library's
    // work: what they start is posted, never run inside the loop.
    work_scope scope;
    if (auto s = weak.lock()) {
      try {
        s->take_received();
      } catch (const std::bad_alloc&) {
        // Memory ran out reporting a message dropped for want of it: the
        // next read takes the rest.
      }
    }
  };
  auto written = [weak = weak_from_this()] {
    if (auto s = weak.lock()) s->destroy_spent();
  };
  auto detached = [weak = weak_from_this()] {
    if (auto s = weak.lock()) s->on_anchor_done();
  };
  auto loop = std::make_shared<nats_event_loop>(executor(), std::move(take), std::move(written),
                                                std::move(detached));
  // The requests' connection first: if the main one fails, it is closed,
  // and cnats releases its anchor and detaches it from its loop.
  struct connected {
    natsConnection* main = nullptr;
    natsConnection* requests = nullptr;
    // Whether the requests' connection was made, kept or closed since.
    bool requests_made = false;
    std::exception_ptr error;
  };
  auto connect = [&options = options_, main_anchor, requests_anchor,
                  loop]() -> asio::awaitable<connected> {
    connected c;
    try {
      c.requests = connect_to_nats(options, requests_anchor, nats_events::errors, loop.get());
      c.requests_made = true;
      c.main = connect_to_nats(options, main_anchor, nats_events::all);
    } catch (...) {
      c.error = std::current_exception();
      if (c.requests) natsConnection_Close(c.requests);
    }
    co_return c;
  };
  // From here on the connect has the anchors, and a connection it makes
  // keeps its own until its closed callback releases it. Should this
  // coroutine be destroyed before it resumes, they are leaked, never freed
  // under cnats.
  owned_main.release();
  owned_requests.release();
  connected c;
  try {
    c = co_await asio::co_spawn(blocking_, std::move(connect), asio::use_awaitable);
  } catch (...) {
    // co_spawn failed, not the connect, which throws nothing: no connection
    // was made, or none is known; the anchors are kept.
    throw;
  }
  if (c.requests_made) {
    // Its anchor, and its loop's detachment.
    open_anchors_ += 2;
  } else {
    delete requests_anchor;
  }
  if (c.error) {
    delete main_anchor;
    // The closed requests' connection posts its anchor's release and its
    // detachment: once both have come, no cnats thread posts to the
    // executor any more, and the loop calls cnats no more.
    if (c.requests_made) {
      co_await anchors_released();
      natsConnection_Destroy(c.requests);
    }
    std::rethrow_exception(c.error);
  }
  ++open_anchors_;
  conn_ = c.main;
  requests_conn_ = c.requests;
  work_ = asio::prefer(executor(), asio::execution::outstanding_work.tracked);
  // From here on, a start that fails shuts down what it set up, as stop()
  // does; so does one that stop() was called during.
  std::exception_ptr failed;
  try {
    check_stop_requested();
    co_await set_up(self);
    check_stop_requested();
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    // A stop() called meanwhile waits for this shutdown, which marks itself
    // stopping before anything can see the start ended, then completes.
    started_ = false;
    starting_ = false;
    try {
      co_await shut_down(false);
    } catch (...) {
      // What the start failed for is what it reports.
    }
    std::rethrow_exception(failed);
  }
}

asio::awaitable<void> nats_link_state::set_up(std::shared_ptr<nats_link_state> self) {
  auto presence = [weak = weak_from_this()](const event& ev) {
    if (auto s = weak.lock()) s->on_presence(ev);
  };
  connect_listener_ = listen(listen_target{std::nullopt, std::string(connect_event)}, presence);
  disconnect_listener_ =
      listen(listen_target{std::nullopt, std::string(disconnect_event)}, presence);
  auto& state = *router_access::state(router_);
  // The senders added before the link started are shared too.
  for (const auto& name : state.connected_senders()) share(name, state.declared_events(name));
  subscriptions_.push_back(subscribe(conn_, subject("s.>"), nats_source::signals));
  // NATS's "no responders" comes back on the connection of the request.
  subscriptions_.push_back(subscribe(requests_conn_, inbox_ + ".*", nats_source::replies));
  // From here on the triggers of the shared senders are published; one whose
  // kwargs cannot go on the wire fails.
  auto tap = [weak = weak_from_this()](std::string_view sender, std::string_view event,
                                       const kwargs& data) {
    if (auto s = weak.lock()) s->on_local_trigger(sender, event, data);
  };
  state.add_trigger_tap(this, std::move(tap));
  started_ = true;
  if (options_.jetstream_history) {
    auto report = [weak = weak_from_this()](std::string subject, std::exception_ptr e) {
      if (auto s = weak.lock()) s->drop(subject, e);
    };
    history_ = std::make_shared<nats_history>(executor(), blocking_.get_executor(), conn_,
                                              options_.prefix, options_.history_replicas,
                                              options_.request_timeout, std::move(report));
    state.set_history_backend(history_);
  }
  asio::co_spawn(executor(), consume(self), asio::detached);
  asio::co_spawn(executor(), heartbeat(self), asio::detached);
  co_await announce(self, shares_);
  check_stop_requested();
  publish_or_report(subject("s.q"), "{}");
  // cnats sends the subscriptions without waiting for the server. Once a
  // flush returns (the server's PONG comes after it has them), what another
  // process publishes after this start completes reaches the listeners here.
  // A flush blocks, so it runs on the blocking thread; one that fails means
  // the server went away, and the reconnection subscribes again.
  auto flush = [conn = conn_]() -> asio::awaitable<void> {
    natsConnection_FlushTimeout(conn, 1000);
    co_return;
  };
  co_await asio::co_spawn(blocking_, std::move(flush), asio::use_awaitable);
}

void nats_link_state::check_stop_requested() const {
  if (stop_requested_) throw nats_error("asio_signals: the NATS link was stopped while it started");
}

asio::awaitable<void> nats_link_state::stop() {
  auto self = shared_from_this();
  // A start under way goes on until it has failed, or has started the link,
  // which this stop then stops. A start takes seconds (cnats's connect
  // timeouts): a day is no limit.
  if (starting_) {
    stop_requested_ = true;
    auto started = [this] { return !starting_; };
    co_await poll_until(started, std::chrono::milliseconds(5), std::chrono::hours(24));
  }
  if (stopping_) {
    auto stopped = [this] { return !stopping_; };
    co_await poll_until(stopped, std::chrono::milliseconds(5), std::chrono::hours(24));
    co_return;
  }
  if (!started_) co_return;
  started_ = false;
  co_await shut_down(true);
}

asio::awaitable<void> nats_link_state::shut_down(bool announce_waiting) {
  flag_scope stopping(stopping_);
  connect_listener_.disconnect();
  disconnect_listener_.disconnect();
  router_access::state(router_)->remove_trigger_tap(this);
  if (history_) {
    router_access::state(router_)->set_history_backend(nullptr);
    history_->close();
  }
  history_.reset();
  wake_.cancel();
  heartbeat_.cancel();
  for (auto& [id, p] : pending_) p->timer.cancel();
  count_client_drops();
  client_drops_.clear();
  std::vector<natsSubscription*> subs = std::move(subscriptions_);
  // New requests get NATS's "no responders"; those being served answer
  // before the senders say bye.
  for (auto& [name, sub] : request_subscriptions_) {
    natsSubscription_Unsubscribe(sub);
    subs.push_back(sub);
  }
  request_subscriptions_.clear();
  auto served = [this] { return serving_ == 0; };
  co_await poll_until(served, std::chrono::milliseconds(1), options_.request_timeout);
  // The senders whose announcement waits for its flush are announced first:
  // their events published meanwhile then reach listeners before the bye.
  if (announce_waiting) announce_shared(shares_);
  publish_presence(true);
  taken_.clear();
  for (auto& slot : reply_slots_)
    if (slot.sub) subs.push_back(slot.sub);
  reply_slots_.clear();
  std::array<natsConnection*, 2> conns{std::exchange(conn_, nullptr),
                                       std::exchange(requests_conn_, nullptr)};
  // The requests' connection's flush needs the executor, which reads it.
  auto close = [conns, subs]() -> asio::awaitable<void> {
    for (auto* conn : conns) {
      natsConnection_FlushTimeout(conn, 1000);
      natsConnection_Close(conn);
    }
    for (auto* sub : subs) natsSubscription_Destroy(sub);
    natsConnection_Destroy(conns[0]);
    co_return;
  };
  co_await asio::co_spawn(blocking_, std::move(close), asio::use_awaitable);
  co_await anchors_released();
  // Closed, and detached from its loop.
  natsConnection_Destroy(conns[1]);
  destroy_spent();
  std::vector<std::string> names;
  for (const auto& [name, proxy] : proxies_) names.push_back(name);
  for (auto& name : names) co_await remove_proxy(name);
  local_senders_.clear();
  last_subject_ = nullptr;
  links_seen_.clear();
  echo_marks_.clear();
  queue_.clear();
  while (!held_.empty()) drop_oldest_held("the link stopped before its sender was announced");
  work_.reset();
}

asio::awaitable<void> nats_link_state::announce(std::shared_ptr<nats_link_state>,
                                                std::uint64_t upto) {
  auto flush = [conn = requests_conn_]() -> asio::awaitable<void> {
    natsConnection_FlushTimeout(conn, 1000);
    co_return;
  };
  co_await asio::co_spawn(blocking_, std::move(flush), asio::use_awaitable);
  if (started_) announce_shared(upto);
}

void nats_link_state::announce_shared(std::uint64_t upto) {
  bool announced = false;
  for (auto& [name, shared] : local_senders_)
    if (!shared.announced && shared.share <= upto) announced = shared.announced = true;
  if (announced) publish_presence();
}

asio::awaitable<void> nats_link_state::consume(std::shared_ptr<nats_link_state>) {
  while (started_) {
    if (queue_.empty()) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      consumer_waiting_ = true;
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      consumer_waiting_ = false;
      continue;
    }
    nats_message m = std::move(queue_.front());
    queue_.pop_front();
    if (!m.expired_link.empty() || !deliver_event(m.subject, m.data)) co_await handle(std::move(m));
  }
}

asio::awaitable<void> nats_link_state::heartbeat(std::shared_ptr<nats_link_state>) {
  while (started_) {
    publish_presence();
    count_client_drops();
    auto now = std::chrono::steady_clock::now();
    for (auto it = links_seen_.begin(); it != links_seen_.end();) {
      if (now - it->second > options_.presence_expiry) {
        nats_message expiry;
        expiry.expired_link = it->first;
        queue_.push_back(std::move(expiry));
        wake_.cancel();
        it = links_seen_.erase(it);
      } else {
        ++it;
      }
    }
    while (!held_.empty() && now - held_.front().since > options_.presence_expiry)
      drop_oldest_held("no link announced it within nats_options::presence_expiry");
    heartbeat_.expires_after(options_.heartbeat_interval);
    co_await heartbeat_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

bool nats_link_state::deliver_event(std::string_view subject, std::string_view payload) {
  // The data go with the event, heard or not, dropped or failed; the memory
  // of a few stays for the next one.
  struct release_data {
    kwargs& data;
    ~release_data() { kwargs_access::clear(data, kept_event_data); }
  } release{event_data_};
  try {
    if (!event_names_.decode(subject)) return false;
    events_parser_.parse(payload, event_data_);
    if (!last_target_ || !same_name(last_target_->sender, event_names_.sender()) ||
        !same_name(last_target_->event, event_names_.event())) {
      if (!proxies_.count(event_names_.sender())) {
        if (local_senders_.count(event_names_.sender()))
          drop_event(event_names_.sender(), std::string(subject),
                     "the sender is this process's own");
        else
          hold_event(subject, payload);
        return true;
      }
      if (last_target_)
        last_target_->rebind(event_names_.sender(), event_names_.event());
      else
        last_target_.emplace(event_names_.sender(), event_names_.event());
    }
    // The link runs on the router's executor, and the events of one sender
    // are triggered in the order they arrive: within this call.
    router_access::state(router_)->trigger(*last_target_, &event_data_, this);
  } catch (...) {
    drop(std::string(subject), std::current_exception());
  }
  return true;
}

void nats_link_state::hold_event(std::string_view subject, std::string_view payload) {
  const std::size_t bytes = subject.size() + payload.size();
  if (bytes > options_.held_event_bytes) {
    drop_event(event_names_.sender(), std::string(subject),
               "it is larger than nats_options::held_event_bytes");
    return;
  }
  while (held_bytes_ + bytes > options_.held_event_bytes)
    drop_oldest_held(
        "the events held for senders not yet announced exceed "
        "nats_options::held_event_bytes");
  held_.push_back(nats_held_event{event_names_.sender(), std::string(subject), std::string(payload),
                                  std::chrono::steady_clock::now()});
  held_bytes_ += bytes;
}

std::vector<nats_held_event> nats_link_state::take_held(const std::string& name) {
  // One pass: the others keep their order at the front.
  auto first = std::stable_partition(held_.begin(), held_.end(),
                                     [&](const nats_held_event& e) { return e.sender != name; });
  std::vector<nats_held_event> taken(std::make_move_iterator(first),
                                     std::make_move_iterator(held_.end()));
  for (const auto& e : taken) held_bytes_ -= e.bytes();
  held_.erase(first, held_.end());
  return taken;
}

void nats_link_state::drop_event(const std::string& sender, const std::string& subject,
                                 std::string_view why) {
  drop(subject, std::make_exception_ptr(nats_error("asio_signals: an event of sender '" + sender +
                                                   "' is dropped: " + std::string(why))));
}

void nats_link_state::drop_oldest_held(std::string_view why) {
  nats_held_event e = std::move(held_.front());
  held_.pop_front();
  held_bytes_ -= e.bytes();
  drop_event(e.sender, e.subject, why);
}

asio::awaitable<void> nats_link_state::handle(nats_message m) {
  if (!m.expired_link.empty()) {
    co_await remove_proxies_of(m.expired_link);
    co_return;
  }
  std::exception_ptr error;
  try {
    auto tokens = subject_tokens(m.subject, options_.prefix);
    if (!tokens || tokens->size() < 2 || (*tokens)[0] != "s")
      throw nats_error("asio_signals: not a subject of the link");
    const auto& t = *tokens;
    if (t.size() == 3 && t[1] == "pr") {
      co_await reconcile(std::string(t[2]), parse_object(m.data));
    } else if (t.size() == 2 && t[1] == "q") {
      publish_presence();
    } else {
      throw nats_error("asio_signals: not a subject of the link");
    }
  } catch (...) {
    error = std::current_exception();
  }
  if (error) drop(m.subject, error);
}

asio::awaitable<void> nats_link_state::reconcile(std::string link, json::object presence) {
  if (link == link_id_) co_return;
  const json::value* bye = presence.if_contains("bye");
  const json::value* senders = presence.if_contains("senders");
  if (!senders || !senders->is_object() || (bye && !bye->is_bool()))
    throw nats_error("asio_signals: malformed presence announcement");
  std::map<std::string, std::vector<std::string>> announced;
  for (const auto& [name, events] : senders->get_object()) {
    auto& list = announced[std::string(name)];
    for (const auto& e : events.as_array()) list.emplace_back(e.as_string());
  }
  if (bye && bye->get_bool()) {
    links_seen_.erase(link);
    // The link answered the requests it was serving before its bye, but
    // cnats may deliver the bye first: the replies still on their way are
    // let in (or time out) before its senders go.
    auto replied = [this, &link] {
      for (const auto& [id, p] : pending_)
        if (auto it = proxies_.find(p->sender); it != proxies_.end() && it->second.owner == link)
          return false;
      return true;
    };
    co_await poll_until(replied, std::chrono::milliseconds(1), options_.request_timeout);
    co_await remove_proxies_of(link);
    co_return;
  }
  links_seen_[link] = std::chrono::steady_clock::now();
  std::vector<std::string> gone;
  for (const auto& [name, proxy] : proxies_) {
    auto it = announced.find(name);
    if (proxy.owner == link && (it == announced.end() || it->second != proxy.events))
      gone.push_back(name);
  }
  for (auto& name : gone) co_await remove_proxy(name);
  for (auto& [name, events] : announced)
    if (!proxies_.count(name)) co_await add_proxy(name, link, events);
}

// Forwards the requests of a proxy to its link.
struct nats_forward_request {
  std::weak_ptr<nats_link_state> state;
  std::string sender;

  asio::awaitable<std::any> operator()(const std::string& method, const kwargs& params) const {
    auto s = state.lock();
    if (!s) throw nats_error("asio_signals: the NATS link is gone");
    return s->remote_request(sender, method, params);
  }
};

asio::awaitable<void> nats_link_state::add_proxy(std::string name, std::string owner,
                                                 std::vector<std::string> events) {
  if (local_senders_.count(name)) {
    for (const auto& e : take_held(name))
      drop_event(name, e.subject, "the sender is this process's own");
    report(subject("s.pr.") + owner,
           std::make_exception_ptr(router_error("asio_signals: sender '" + name +
                                                "' is announced by another process too")));
    co_return;
  }
  auto list = events_of(events);
  // Made outside the co_await: GCC 12 miscompiles braced temporaries in one.
  auto forward = default_method(nats_forward_request{weak_from_this(), name});
  proxies_[name] = nats_remote_sender{owner, std::move(events)};
  ++echo_marks_[name];
  std::exception_ptr error;
  try {
    co_await router_.add_sender(name, std::move(list), std::move(forward), asio::use_awaitable);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    proxies_.erase(name);
    last_target_.reset();
    unmark(name);
    for (const auto& e : take_held(name))
      drop_event(name, e.subject, "the router refused its sender's announcement");
    report(subject("s.pr.") + owner, error);
    co_return;
  }
  for (const auto& e : take_held(name)) deliver_event(e.subject, e.payload);
}

asio::awaitable<void> nats_link_state::remove_proxy(std::string name) {
  proxies_.erase(name);
  last_target_.reset();
  ++echo_marks_[name];
  bool was_connected = co_await router_.remove_sender(name);
  if (!was_connected) unmark(name);
}

asio::awaitable<void> nats_link_state::remove_proxies_of(std::string link) {
  std::vector<std::string> names;
  for (const auto& [name, proxy] : proxies_)
    if (proxy.owner == link) names.push_back(name);
  for (auto& name : names) co_await remove_proxy(name);
}

asio::awaitable<std::any> nats_link_state::remote_request(std::string sender, std::string method,
                                                          kwargs params) {
  auto self = shared_from_this();
  if (!started_) throw nats_error("asio_signals: the NATS link is not started");
  json::object body;
  body["method"] = method;
  body["params"] = encode_kwargs(params, options_);
  auto id = ++next_request_;
  auto pending = std::make_shared<nats_pending_request>(executor(), sender);
  pending->timer.expires_after(options_.request_timeout);
  // The request waits in pending_, and in its reply slot, until it ends,
  // whatever ends it; a publish that failed may still have been buffered.
  struct waiting {
    nats_link_state& link;
    std::uint64_t id;
    std::optional<std::size_t> slot;
    bool answered = false;
    ~waiting() {
      link.pending_.erase(id);
      if (slot) link.give_reply_slot(*slot, id, answered);
    }
  } wait{*this, id, std::nullopt};
  pending_[id] = pending;
  wait.slot = take_reply_slot(id);
  std::string reply =
      (wait.slot ? reply_slots_[*wait.slot].prefix : inbox_ + ".") + std::to_string(id);
  if (natsStatus s = publish(request_subject(sender), json::serialize(body), reply, true);
      s != NATS_OK)
    throw nats_error("asio_signals: cannot send the request to '" + sender +
                     "': " + status_text(s));
  co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  wait.answered = pending->reply.has_value();
  if (!pending->reply) {
    if (!started_) throw nats_error("asio_signals: the NATS link stopped during the request");
    throw boost::system::system_error(
        asio::error::timed_out, "asio_signals: no reply from '" + sender + "' to '" + method + "'");
  }
  if (pending->reply->no_responders)
    throw not_connected_error("asio_signals: no process answers the requests of sender '" + sender +
                              "' (NATS: no responders)");
  json::object answer = parse_object(pending->reply->data);
  if (const json::value* kind = answer.if_contains("error")) {
    std::string message =
        answer.contains("message") ? std::string(answer.at("message").as_string()) : std::string();
    std::string_view k = kind->is_string() ? std::string_view(kind->get_string()) : "";
    if (k == "lookup") throw lookup_error(message);
    if (k == "not_connected") throw not_connected_error(message);
    throw remote_error(message);
  }
  if (const json::value* result = answer.if_contains("result")) co_return decode_any(*result);
  co_return std::any();
}

asio::awaitable<void> nats_link_state::serve_request(std::shared_ptr<nats_link_state>,
                                                     nats_message m) {
  ++serving_;
  struct served {
    int& count;
    ~served() { --count; }
  } guard{serving_};
  json::object answer;
  std::string sender;
  std::string method;
  kwargs params;
  try {
    auto tokens = subject_tokens(m.subject, options_.prefix);
    if (!tokens || tokens->size() != 2) throw nats_error("asio_signals: not a request subject");
    sender = decode_token((*tokens)[1]);
    json::object request = parse_object(m.data);
    method = std::string(request.at("method").as_string());
    params = decode_kwargs(request.at("params").as_object());
  } catch (...) {
    drop(m.subject, std::current_exception());
    co_return;
  }
  try {
    std::any response =
        co_await router_.request(std::move(sender), std::move(method), std::move(params));
    if (response.has_value()) answer["result"] = encode_any(response, options_);
  } catch (const lookup_error& e) {
    answer["error"] = "lookup";
    answer["message"] = e.what();
  } catch (const not_connected_error& e) {
    answer["error"] = "not_connected";
    answer["message"] = e.what();
  } catch (const std::exception& e) {
    answer["error"] = "handler";
    answer["message"] = e.what();
  } catch (...) {
    answer["error"] = "handler";
    answer["message"] = "a non-standard exception";
  }
  // A stopping link still answers: stop() waits for it.
  if (!m.reply.empty() && requests_conn_)
    publish_or_report(m.reply, json::serialize(answer), std::string(), true);
}

}  // namespace detail

nats_link::nats_link(router r, nats_options options)
    : state_(std::make_shared<detail::nats_link_state>(std::move(r), std::move(options))) {}

nats_link::~nats_link() {
  // The stop runs on, holding the state, until cnats is done with it.
  asio::co_spawn(
      state_->executor(), [s = state_]() { return s->stop(); }, asio::detached);
}

nats_link::executor_type nats_link::get_executor() const noexcept {
  return state_->executor();
}

void nats_link::start_impl(asio::any_completion_handler<void(std::exception_ptr)> handler) {
  asio::co_spawn(
      state_->executor(), [s = state_]() { return s->start(); }, std::move(handler));
}

void nats_link::stop_impl(asio::any_completion_handler<void(std::exception_ptr)> handler) {
  asio::co_spawn(
      state_->executor(), [s = state_]() { return s->stop(); }, std::move(handler));
}

std::uint64_t nats_link::dropped_messages() const noexcept {
  return state_->dropped.load();
}

std::uint64_t nats_link::failed_publishes() const noexcept {
  return state_->failed.load();
}

}  // namespace asio_signals
