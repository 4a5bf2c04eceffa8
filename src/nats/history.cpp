//
// nats/history.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "history.hpp"

#include "wire.hpp"

#include <asio_signals/nats.hpp>

#include <asio_signals/detail/posted_ops.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

namespace asio_signals::detail {

namespace json = boost::json;

namespace {

// How often a waiting pull asks JetStream again.
constexpr std::chrono::milliseconds wait_period{20};

// How long the server keeps a consumer no pull has used.
constexpr std::chrono::seconds consumer_lifetime{30};

// How long a fetch waits for the events its consumer said it has.
constexpr std::chrono::milliseconds fetch_expiry{200};

// How many events a fetch from a time asked from its whole second reads at
// least: those before the time are dropped (start_time).
constexpr std::uint64_t time_read_size = 256;

std::int64_t nanoseconds_of(history_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// What a pull that its caller no longer waits for completes with.
std::exception_ptr aborted() {
  return std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted));
}

// The start time to ask JetStream for, in nanoseconds since the epoch: `t`,
// or its whole second when its fraction of a second has a leading zero,
// which cnats 3.4 writes without it (S.05 as S.5, a time later than `t`);
// fetch drops the events before `t`. 0 for a time at or before the epoch,
// which cnats cannot send: then from the first event.
std::int64_t start_time(history_clock::time_point t) {
  constexpr std::int64_t second = 1'000'000'000;
  std::int64_t ns = nanoseconds_of(t);
  if (ns <= 0) return 0;
  if (ns % second < second / 10) ns -= ns % second;
  return ns;
}

// A name as part of a stream's or a bucket's name: letters and digits as
// they are, every other byte as _XX, so that '-' can separate the parts.
std::string name_part(std::string_view name) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string part;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      part += static_cast<char>(c);
    } else {
      part += '_';
      part += digits[c >> 4];
      part += digits[c & 15];
    }
  }
  return part;
}

[[noreturn]] void fail(const std::string& what, natsStatus s,
                       jsErrCode code = static_cast<jsErrCode>(0)) {
  if (s == NATS_NO_RESPONDERS || code == JSNotEnabledErr || code == JSNotEnabledForAccountErr)
    throw nats_error("asio_signals: " + what +
                     ": JetStream is not enabled on the NATS server (start it with -js)");
  std::string text = status_text(s);
  if (code != 0) text += " (JetStream error " + std::to_string(code) + ")";
  throw nats_error("asio_signals: " + what + ": " + text);
}

void check_not_presence(const topic& t) {
  if (t.event() == connect_event || t.event() == disconnect_event)
    throw router_error("asio_signals: " + describe(t) +
                       " is announced by each link, not published: JetStream cannot keep it");
}

// What JetStream says of a message it delivered.
struct delivery {
  std::uint64_t sequence = 0;  // in the stream
  std::int64_t time = 0;       // stored, in nanoseconds since the epoch
  std::uint64_t pending = 0;   // still for the consumer after it
};

// Reads the acknowledgement subject of a message that JetStream delivered,
// "$JS.ACK.<stream>.<consumer>.<delivered>.<stream sequence>.<consumer
// sequence>.<time>.<pending>", without natsMsg_GetMetaData's allocations (a
// third of what a pull costs per event beyond the fetch); the form with a
// domain and an account hash, which cnats also accepts, is left to cnats.
std::optional<delivery> delivery_of(natsMsg* m) {
  constexpr std::string_view head = "$JS.ACK.";
  const char* reply = natsMsg_GetReply(m);
  std::string_view rest = reply ? reply : "";
  std::array<std::string_view, 8> tokens;
  std::size_t n = 0;
  if (rest.substr(0, head.size()) == head) {
    rest.remove_prefix(head.size());
    for (std::size_t start = 0; n < tokens.size() && start <= rest.size(); ++n) {
      std::size_t dot = std::min(rest.find('.', start), rest.size());
      tokens[n] = rest.substr(start, dot - start);
      start = dot + 1;
    }
  }
  auto number = [](std::string_view token, auto& value) {
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    return error == std::errc() && end == token.data() + token.size() && !token.empty();
  };
  // Every count is a number, as cnats requires; the time is not negative.
  std::uint64_t delivered = 0, consumer_sequence = 0, time = 0;
  delivery d;
  if (n == 7 && number(tokens[2], delivered) && number(tokens[3], d.sequence) &&
      number(tokens[4], consumer_sequence) && number(tokens[5], time) &&
      time <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) &&
      number(tokens[6], d.pending)) {
    d.time = static_cast<std::int64_t>(time);
    return d;
  }
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, m) != NATS_OK) return std::nullopt;
  d.sequence = meta->Sequence.Stream;
  d.time = meta->Timestamp;
  d.pending = meta->NumPending;
  jsMsgMetaData_Destroy(meta);
  return d;
}

// Merges `lists`, each ordered by time, oldest first, up to `batch` events;
// `taken[i]` says how many of `lists[i]` it took.
std::vector<retained_event> merge(std::vector<std::vector<retained_event>>& lists,
                                  std::size_t batch, std::vector<std::size_t>& taken) {
  taken.assign(lists.size(), 0);
  std::size_t total = 0;
  for (const auto& list : lists) total += list.size();
  std::vector<retained_event> out;
  out.reserve(std::min(batch, total));
  while (out.size() < batch) {
    std::size_t oldest = lists.size();
    for (std::size_t i = 0; i < lists.size(); ++i) {
      if (taken[i] == lists[i].size()) continue;
      if (oldest == lists.size() || lists[i][taken[i]].time < lists[oldest][taken[oldest]].time)
        oldest = i;
    }
    if (oldest == lists.size()) break;
    out.push_back(std::move(lists[oldest][taken[oldest]++]));
  }
  return out;
}

}  // namespace

nats_history::nats_history(asio::any_io_executor ex, asio::thread_pool::executor_type blocking,
                           natsConnection* conn, std::string prefix, int replicas,
                           std::chrono::milliseconds wait,
                           std::function<void(std::string, std::exception_ptr)> report)
    : executor_(std::move(ex)),
      blocking_(std::move(blocking)),
      prefix_(std::move(prefix)),
      replicas_(replicas),
      wait_(wait),
      conn_(conn),
      report_(std::move(report)) {}

nats_history::~nats_history() {
  if (kv_) kvStore_Destroy(kv_);
  if (js_) jsCtx_Destroy(js_);
}

void nats_history::close() {
  closed_ = true;
}

jsCtx* nats_history::js() {
  if (js_) return js_;
  jsOptions options;
  jsOptions_Init(&options);
  options.Wait = wait_.count();
  if (natsStatus s = natsConnection_JetStream(&js_, conn_, &options); s != NATS_OK) {
    js_ = nullptr;
    fail("cannot use JetStream", s);
  }
  return js_;
}

std::string nats_history::stream_name(const topic& t) const {
  return name_part(prefix_) + "-" + name_part(t.sender()) + "-" + name_part(t.event());
}

std::string nats_history::stream_subject(const topic& t) const {
  std::string sender = t.sender().empty() ? "*" : encode_token(t.sender());
  return prefix_ + ".s.ev." + sender + "." + encode_token(t.event());
}

template <class F, class... T>
void nats_history::run(history_done<T...> done, F f) {
  if (closed_) {
    std::exception_ptr stopped = link_stopped_error();
    post_counted(executor_, [done = std::move(done), stopped] { done(stopped, T()...); });
    return;
  }
  asio::post(blocking_,
             [self = shared_from_this(), done = std::move(done), f = std::move(f)]() mutable {
               std::exception_ptr error;
               std::tuple<T...> result;
               try {
                 if constexpr (sizeof...(T) == 0)
                   f();
                 else
                   std::get<0>(result) = f();
               } catch (...) {
                 error = std::current_exception();
               }
               // The error moves: this thread keeps no reference to the
               // exception that the executor reads.
               post_counted(self->executor_, [done = std::move(done), error = std::move(error),
                                              result = std::move(result)]() mutable {
                 std::apply([&](T&... v) { done(error, std::move(v)...); }, result);
               });
             });
}

void nats_history::check_retained(const topic& t) {
  check_not_presence(t);
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js(), stream_name(t).c_str(), nullptr, &code);
  jsStreamInfo_Destroy(si);
  if (s == NATS_OK) return;
  if (code == JSStreamNotFoundErr || s == NATS_NOT_FOUND)
    throw router_error("asio_signals: " + describe(t) + " is not retained: retain it first");
  fail("cannot read the stream of " + describe(t), s, code);
}

natsSubscription* nats_history::open(const topic& t, start from) {
  std::string name = stream_name(t);
  std::string subject = stream_subject(t);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = name.c_str();
  so.Config.AckPolicy = js_AckNone;
  so.Config.InactiveThreshold = std::chrono::nanoseconds(consumer_lifetime).count();
  if (std::int64_t since = from.time ? start_time(*from.time) : 0; since > 0) {
    so.Config.DeliverPolicy = js_DeliverByStartTime;
    so.Config.OptStartTime = since;
  } else if (from.after > 0) {
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = from.after + 1;
  } else {
    so.Config.DeliverPolicy = js_DeliverAll;
  }
  natsSubscription* sub = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&sub, js(), subject.c_str(), nullptr, nullptr, &so, &code);
  if (s != NATS_OK) {
    if (code == JSStreamNotFoundErr || s == NATS_NOT_FOUND)
      throw router_error("asio_signals: " + describe(t) + " is not retained: retain it first");
    fail("cannot read the stream of " + describe(t), s, code);
  }
  return sub;
}

std::uint64_t nats_history::pending_of(const topic& t, natsSubscription* sub) {
  jsConsumerInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_GetConsumerInfo(&info, sub, nullptr, &code);
  std::uint64_t pending = info ? info->NumPending : 0;
  jsConsumerInfo_Destroy(info);
  if (s != NATS_OK) fail("cannot read the stream of " + describe(t), s, code);
  return pending;
}

std::vector<retained_event> nats_history::read(const topic& t, natsSubscription* sub, std::size_t n,
                                               std::uint64_t& last, std::uint64_t& left) {
  // A fetch waits until it has its batch or it expires: it asks for no more
  // than the consumer has, so that it returns at once.
  jsFetchRequest request;
  jsFetchRequest_Init(&request);
  request.Batch = static_cast<int>(std::min<std::size_t>(n, 1 << 20));
  // The count may be stale (the stream's bounds dropped events meanwhile):
  // then the fetch gets fewer within the expiry, or none.
  request.Expires = std::chrono::nanoseconds(fetch_expiry).count();
  natsMsgList list{};
  natsStatus s = natsSubscription_FetchRequest(&list, sub, &request);
  std::vector<retained_event> events;
  events.reserve(static_cast<std::size_t>(list.Count));
  kwargs_parser parser;
  event_subject_names names(prefix_);
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* m = list.Msgs[i];
    std::optional<delivery> d = delivery_of(m);
    if (!d) continue;
    last = d->sequence;
    left = d->pending;
    retained_event e;
    e.sequence = d->sequence;
    e.time = history_clock::time_point(
        std::chrono::duration_cast<history_clock::duration>(std::chrono::nanoseconds(d->time)));
    std::string_view subject_of = natsMsg_GetSubject(m);
    std::exception_ptr garbage;
    try {
      if (!names.decode(subject_of))
        throw nats_error("asio_signals: a message of " + describe(t) + " on another subject");
      e.sender = names.sender();
      e.event = names.event();
      parser.parse(
          std::string_view(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))),
          e.data);
      events.push_back(std::move(e));
    } catch (...) {
      garbage = std::current_exception();
    }
    // Garbage published on a retained subject: reported and skipped, as the
    // link drops it for listeners. Posted once the catch has ended, so that
    // this thread holds no reference to the exception that the executor
    // reads.
    if (garbage)
      post_counted(executor_, [report = report_, subject_of = std::string(subject_of),
                               garbage = std::move(garbage)] { report(subject_of, garbage); });
  }
  int count = list.Count;
  natsMsgList_Destroy(&list);
  if (s != NATS_OK && count == 0 && s != NATS_TIMEOUT)
    fail("cannot read the stream of " + describe(t), s);
  if (count == 0) left = 0;
  return events;
}

std::vector<retained_event> nats_history::fetch(const topic& t, start from, std::size_t batch) {
  natsSubscription* sub = open(t, from);
  std::vector<retained_event> events;
  try {
    // Until the batch is full: a consumer opened from a time may start
    // before it (start_time).
    bool early = from.time && start_time(*from.time) != nanoseconds_of(*from.time);
    std::uint64_t pending = pending_of(t, sub);
    while (pending > 0 && events.size() < batch) {
      std::uint64_t wanted = batch - events.size();
      if (early) wanted = std::max(wanted, time_read_size);
      std::uint64_t last = 0;
      std::vector<retained_event> more = read(t, sub, std::min(wanted, pending), last, pending);
      if (last == 0) break;
      for (retained_event& e : more)
        if (!from.time || e.time >= *from.time) events.push_back(std::move(e));
    }
    if (events.size() > batch) events.resize(batch);
  } catch (...) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    throw;
  }
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  return events;
}

std::vector<retained_event> nats_history::read_on(cursor& c, std::size_t batch) {
  auto now = std::chrono::steady_clock::now();
  // A consumer is reopened where the cursor is when the cursor moved back
  // (events given back), or before the server may have dropped it.
  if (!c.reader || c.next != c.delivered + 1 || now - c.used > consumer_lifetime / 3) {
    if (c.reader) natsSubscription_Unsubscribe(c.reader.get());
    c.reader.reset();
    start from;
    from.after = c.delivered;
    c.reader.reset(open(c.t, from));
    c.next = c.delivered + 1;
    c.pending = 0;
  }
  c.used = now;
  if (c.pending == 0) c.pending = pending_of(c.t, c.reader.get());
  if (c.pending == 0) return {};
  std::uint64_t last = 0, left = 0;
  std::vector<retained_event> events;
  try {
    events = read(c.t, c.reader.get(), std::min<std::uint64_t>(batch, c.pending), last, left);
  } catch (...) {
    c.reader.reset();
    throw;
  }
  if (last != 0) c.next = last + 1;
  c.pending = left;
  return events;
}

kvStore* nats_history::bucket() {
  if (kv_) return kv_;
  std::string name = name_part(prefix_) + "-subscribers";
  natsStatus s = js_KeyValue(&kv_, js(), name.c_str());
  if (s == NATS_NOT_FOUND) {
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = name.c_str();
    config.Replicas = replicas_;
    config.StorageType = js_FileStorage;
    s = js_CreateKeyValue(&kv_, js(), &config);
  }
  if (s != NATS_OK) {
    kv_ = nullptr;
    fail("cannot keep the durable subscribers in bucket " + quoted(name), s);
  }
  return kv_;
}

void nats_history::save(const std::string& name, const std::vector<cursor>& cursors,
                        const std::vector<std::uint64_t>& acked, bool wait) {
  json::object places;
  for (std::size_t i = 0; i < cursors.size(); ++i) places[stream_name(cursors[i].t)] = acked[i];
  json::object value;
  value["acked"] = std::move(places);
  std::string text = json::serialize(value);
  std::string key = name_part(name);
  kvStore* kv = bucket();
  natsStatus s = NATS_OK;
  if (wait) {
    std::uint64_t revision = 0;
    s = kvStore_Put(&revision, kv, key.c_str(), text.data(), static_cast<int>(text.size()));
  } else {
    // The bucket's stream keeps what is published on its subjects: sent
    // without waiting for JetStream's reply, as a JetStream ack is.
    std::string subject = "$KV." + std::string(kvStore_Bucket(kv)) + "." + key;
    s = natsConnection_Publish(conn_, subject.c_str(), text.data(), static_cast<int>(text.size()));
  }
  if (s != NATS_OK) fail("cannot save subscriber " + quoted(name), s);
}

void nats_history::retain(history_request r, history_done<> done) {
  run(std::move(done), [this, r = std::move(r)] {
    const topic& t = r.topics.front();
    check_not_presence(t);
    std::string name = stream_name(t);
    std::string subject = stream_subject(t);
    const char* subjects[] = {subject.c_str()};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = name.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Replicas = replicas_;
    config.MaxMsgs = r.max_events ? static_cast<std::int64_t>(*r.max_events) : -1;
    config.MaxBytes = r.max_bytes ? static_cast<std::int64_t>(*r.max_bytes) : -1;
    config.MaxAge =
        r.max_age ? std::chrono::duration_cast<std::chrono::nanoseconds>(*r.max_age).count() : 0;
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js(), &config, nullptr, &code);
    if (s != NATS_OK && code == JSStreamNameExistErr) {
      code = static_cast<jsErrCode>(0);
      s = js_UpdateStream(&si, js(), &config, nullptr, &code);
    }
    jsStreamInfo_Destroy(si);
    if (s != NATS_OK) fail("cannot retain " + describe(t), s, code);
  });
}

void nats_history::pull(history_request r, history_done<std::vector<retained_event>> done) {
  run(std::move(done), [this, r = std::move(r)] {
    std::vector<topic> topics;
    for (const topic& t : r.topics)
      if (std::none_of(topics.begin(), topics.end(),
                       [&](const topic& u) { return same_topic(t, u); }))
        topics.push_back(t);
    std::size_t batch = r.batch.value_or(default_batch);
    std::vector<std::vector<retained_event>> lists;
    for (const topic& t : topics) {
      check_not_presence(t);
      start from;
      from.time = r.since;
      lists.push_back(fetch(t, from, batch));
    }
    std::vector<std::size_t> taken;
    return merge(lists, batch, taken);
  });
}

void nats_history::subscribe(std::string name, history_request r, history_done<> done) {
  run(std::move(done), [this, name = std::move(name), r = std::move(r)] {
    for (const topic& t : r.topics) check_retained(t);
    // What this subscriber acknowledged, in this process or in another.
    json::object saved;
    kvEntry* entry = nullptr;
    natsStatus s = kvStore_Get(&entry, bucket(), name_part(name).c_str());
    if (s == NATS_OK) {
      try {
        saved = parse_object(std::string_view(static_cast<const char*>(kvEntry_Value(entry)),
                                              static_cast<std::size_t>(kvEntry_ValueLen(entry))));
      } catch (...) {
        kvEntry_Destroy(entry);
        throw;
      }
      kvEntry_Destroy(entry);
    } else if (s != NATS_NOT_FOUND) {
      fail("cannot read subscriber " + quoted(name), s);
    }
    const json::object* acked = nullptr;
    if (auto* a = saved.if_contains("acked")) acked = a->if_object();
    std::vector<cursor> cursors;
    for (const topic& t : r.topics) {
      if (std::any_of(cursors.begin(), cursors.end(),
                      [&](const cursor& c) { return same_topic(c.t, t); }))
        continue;
      std::uint64_t place = 0;
      const json::value* was = acked ? acked->if_contains(stream_name(t)) : nullptr;
      if (was && was->is_number()) {
        // Resumed: what was pulled and not acknowledged comes again.
        place = was->to_number<std::uint64_t>();
      } else if (r.since) {
        start from;
        from.time = r.since;
        std::vector<retained_event> first = fetch(t, from, 1);
        if (!first.empty()) {
          place = first.front().sequence - 1;
        } else {
          jsStreamInfo* si = nullptr;
          jsErrCode code = static_cast<jsErrCode>(0);
          s = js_GetStreamInfo(&si, js(), stream_name(t).c_str(), nullptr, &code);
          if (s != NATS_OK) fail("cannot read the stream of " + describe(t), s, code);
          place = si->State.LastSeq;
          jsStreamInfo_Destroy(si);
        }
      }
      cursors.emplace_back(t, place);
    }
    std::vector<std::uint64_t> acked_places;
    for (const cursor& c : cursors) acked_places.push_back(c.acked);
    // Saved first: a subscriber that cannot be saved is not made.
    save(name, cursors, acked_places, true);
    subscribers_[name] = std::move(cursors);
  });
}

std::vector<retained_event> nats_history::take(const std::string& name, std::size_t batch) {
  auto it = subscribers_.find(name);
  if (it == subscribers_.end())
    throw router_error("asio_signals: there is no subscriber " + quoted(name) +
                       ": subscribe it first");
  std::vector<std::vector<retained_event>> lists;
  for (cursor& c : it->second) lists.push_back(read_on(c, batch));
  std::vector<std::size_t> taken;
  std::vector<retained_event> out = merge(lists, batch, taken);
  for (std::size_t i = 0; i < taken.size(); ++i) {
    cursor& c = it->second[i];
    // All taken: past what was read, skipped messages included.
    if (taken[i] == lists[i].size())
      c.delivered = std::max(c.delivered, c.next - 1);
    else if (taken[i] > 0)
      c.delivered = lists[i][taken[i] - 1].sequence;
  }
  return out;
}

void nats_history::give_back(const std::string& name, const std::vector<retained_event>& events) {
  auto it = subscribers_.find(name);
  if (it == subscribers_.end()) return;
  for (const retained_event& e : events)
    for (cursor& c : it->second)
      if (same_topic(c.t, topic_of(e)))
        c.delivered = std::max(c.acked, std::min(c.delivered, e.sequence - 1));
}

void nats_history::pull(std::string name, std::size_t batch, bool wait,
                        std::function<bool()> wanted,
                        history_done<std::vector<retained_event>> done) {
  auto self = shared_from_this();
  history_done<std::vector<retained_event>> then = [self, name, batch, wait, wanted, done](
                                                       std::exception_ptr e,
                                                       std::vector<retained_event> events) {
    if (!wanted()) {
      // The caller went away: the events go back to the subscriber.
      if (!events.empty())
        asio::post(self->blocking_, [self, name, events] { self->give_back(name, events); });
      return done(aborted(), {});
    }
    if (e || !events.empty() || !wait) return done(std::move(e), std::move(events));
    auto timer = std::make_shared<asio::steady_timer>(self->executor_, wait_period);
    timer->async_wait([self, timer, name, batch, wanted, done](boost::system::error_code) {
      if (wanted())
        self->pull(name, batch, true, wanted, done);
      else
        done(aborted(), {});
    });
  };
  run(std::move(then), [this, name, batch] { return take(name, batch); });
}

void nats_history::ack(std::string name, std::vector<retained_event> batch, history_done<> done) {
  run(std::move(done), [this, name = std::move(name), batch = std::move(batch)] {
    auto it = subscribers_.find(name);
    if (it == subscribers_.end())
      throw router_error("asio_signals: there is no subscriber " + quoted(name) +
                         ": subscribe it first");
    std::vector<std::pair<cursor*, std::uint64_t>> acks;
    for (const retained_event& e : batch) {
      topic t = topic_of(e);
      auto c = std::find_if(it->second.begin(), it->second.end(),
                            [&](const cursor& c) { return same_topic(c.t, t); });
      if (c == it->second.end())
        throw router_error("asio_signals: subscriber " + quoted(name) + " does not pull " +
                           describe(t));
      if (e.sequence > c->delivered)
        throw router_error("asio_signals: subscriber " + quoted(name) + " has not pulled event #" +
                           std::to_string(e.sequence) + " of " + describe(t));
      acks.emplace_back(&*c, e.sequence);
    }
    // All or nothing: the batch is checked whole, and saved, first.
    std::vector<std::uint64_t> acked;
    for (const cursor& c : it->second) acked.push_back(c.acked);
    for (auto [c, seq] : acks) {
      std::size_t i = static_cast<std::size_t>(c - it->second.data());
      acked[i] = std::max(acked[i], seq);
    }
    save(name, it->second, acked, false);
    for (std::size_t i = 0; i < acked.size(); ++i) it->second[i].acked = acked[i];
  });
}

void nats_history::unsubscribe(std::string name, history_done<bool> done) {
  run(std::move(done), [this, name = std::move(name)] {
    bool known = subscribers_.erase(name) > 0;
    kvEntry* entry = nullptr;
    natsStatus s = kvStore_Get(&entry, bucket(), name_part(name).c_str());
    kvEntry_Destroy(entry);
    if (s == NATS_OK) {
      known = true;
      if (natsStatus d = kvStore_Delete(bucket(), name_part(name).c_str()); d != NATS_OK)
        fail("cannot forget subscriber " + quoted(name), d);
    }
    return known;
  });
}

}  // namespace asio_signals::detail
