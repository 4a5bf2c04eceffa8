//
// model.cpp
// ~~~~~~~~~
//
// A randomized model-based test of the rules of docs/semantics.md: random sequences of
// connects (free functions, lambdas, coroutines, members by pointer and by
// weak_ptr, random senders, keys and call limits), disconnects (by connection,
// by callable, full and partial by sender or key), sends (random senders, keys
// and kwargs, some invalid) and expiries of weak members' objects, each
// checked against a small reference model: what every send calls, in which
// order, with which kwarg, how many it counts, and which connections are
// connected. On a failure it prints the seed and a shrunk sequence.
//
// ASIO_SIGNALS_MODEL_OPS sets how many operations to run in all (50,000 by
// default), ASIO_SIGNALS_MODEL_SEED replays one seed.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// What the callbacks of the system under test record, in call order.
std::vector<std::string> calls;

void record(const std::string& who, const sig::event& ev) {
  calls.push_back(who + "/" + std::to_string(ev.get<int>("n")));
}

void f0(const sig::event& ev) {
  record("f0", ev);
}
void f1(const sig::event& ev) {
  record("f1", ev);
}
void f2(const sig::event& ev) {
  record("f2", ev);
}
using function = void (*)(const sig::event&);
constexpr function functions[] = {f0, f1, f2};
constexpr int function_count = 3;

struct target {
  std::string name;
  void on_event(const sig::event& ev) { record(name, ev); }
};

constexpr int raw_count = 2;
constexpr int weak_count = 2;
int sender_objects[4];
constexpr int sender_count = 4;
const sig::key key_pool[] = {sig::key("a"), sig::key("b"), sig::key(1), sig::key(2)};
constexpr int key_count = 4;

enum class op_type {
  connect_function,
  connect_lambda,
  connect_raw,
  connect_weak,
  disconnect_connection,
  disconnect_function,
  disconnect_raw,
  disconnect_weak,
  send,
  send_invalid,
  expire,
  revive
};

const char* const op_names[] = {"connect_function",
                                "connect_lambda",
                                "connect_raw",
                                "connect_weak",
                                "disconnect_connection",
                                "disconnect_function",
                                "disconnect_raw",
                                "disconnect_weak",
                                "send",
                                "send_invalid",
                                "expire",
                                "revive"};

// One step. `which` picks a function, an object or a connection, modulo what
// exists, so that a sequence with steps removed still replays.
struct op {
  op_type type;
  int which = 0;
  std::vector<int> senders;
  std::vector<int> keys;
  std::uint32_t limit = 0;
  bool flag = false;  // a coroutine lambda; a disconnect through the connection handle
  int n = 0;          // the kwarg of a send, 0 for the default

  std::string describe() const {
    std::ostringstream out;
    out << op_names[int(type)] << " which=" << which << " senders={";
    for (int s : senders) out << s << " ";
    out << "} keys={";
    for (int k : keys) out << k << " ";
    out << "} limit=" << limit << " flag=" << flag << " n=" << n;
    return out.str();
  }
};

// The reference model of one connection.
struct model_connection {
  std::string label;     // what its callback records
  std::string identity;  // for comparable callables, else empty
  int weak_object = -1;  // the weak object it calls, if any
  bool unfiltered = false;
  std::set<int> senders;
  std::set<int> keys;
  std::uint32_t calls_left = 0;
  bool alive = true;
  sig::connection handle;
};

class run {
 public:
  run() : signal_(ctx_, sig::arg("n", 0)) {
    for (int j = 0; j < raw_count; ++j)
      raws_.push_back(std::make_unique<target>(target{"r" + std::to_string(j)}));
    for (int j = 0; j < weak_count; ++j) revive(j);
  }

  // Runs one step; returns a description of the first disagreement, if any.
  std::optional<std::string> step(const op& o) {
    switch (o.type) {
      case op_type::connect_function:
        return connect_comparable(o, "f" + std::to_string(o.which % function_count), -1);
      case op_type::connect_lambda:
        return connect_lambda(o);
      case op_type::connect_raw:
        return connect_comparable(o, "r" + std::to_string(o.which % raw_count), -1);
      case op_type::connect_weak:
        return connect_comparable(o, weak_label(o.which % weak_count), o.which % weak_count);
      case op_type::disconnect_connection:
        return disconnect_connection(o);
      case op_type::disconnect_function:
        return disconnect_callable(o, "f" + std::to_string(o.which % function_count));
      case op_type::disconnect_raw:
        return disconnect_callable(o, "r" + std::to_string(o.which % raw_count));
      case op_type::disconnect_weak:
        return disconnect_callable(o, weak_label(o.which % weak_count));
      case op_type::send:
        return send(o);
      case op_type::send_invalid:
        return send_invalid(o);
      case op_type::expire:
        weaks_[std::size_t(o.which % weak_count)].reset();
        return std::nullopt;
      case op_type::revive:
        revive(o.which % weak_count);
        return std::nullopt;
    }
    return std::nullopt;
  }

  // Checks connected() of every handle against the model.
  std::optional<std::string> check_connections() const {
    for (const model_connection& c : model_) {
      // A weak member whose object expired ends when a send meets it, or when
      // the same member is connected to a new object at the same address.
      if (c.weak_object >= 0 && c.alive && !object_alive(c)) continue;
      if (c.handle.connected() != c.alive)
        return "connection " + c.label + ": connected() is " +
               (c.handle.connected() ? "true" : "false") + ", the model says " +
               (c.alive ? "true" : "false");
    }
    return std::nullopt;
  }

 private:
  std::string weak_label(int j) const {
    return "w" + std::to_string(j) + "." + std::to_string(generation_[std::size_t(j)]);
  }

  bool object_alive(const model_connection& c) const {
    return weaks_[std::size_t(c.weak_object)] && c.label == weak_label(c.weak_object);
  }

  // Makes a new object j. Each j lives in one buffer, apart from its control
  // block: a new object has the address of the one before, which may still
  // have a connection waiting to be pruned. Deterministic, unlike reusing what
  // malloc hands back.
  void revive(int j) {
    if (weaks_.size() < std::size_t(weak_count)) {
      weaks_.resize(std::size_t(weak_count));
      generation_.resize(std::size_t(weak_count));
    }
    weaks_[std::size_t(j)].reset();
    ++generation_[std::size_t(j)];
    void* place = storage_[j];
    weaks_[std::size_t(j)] =
        std::shared_ptr<target>(new (place) target{weak_label(j)}, [](target* t) { t->~target(); });
  }

  void drain() {
    ctx_.restart();
    ctx_.run();
  }

  static std::vector<sig::sender> senders_of(const op& o) {
    std::vector<sig::sender> out;
    for (int s : o.senders) out.emplace_back(&sender_objects[s]);
    return out;
  }

  static std::vector<sig::key> keys_of(const op& o) {
    std::vector<sig::key> out;
    for (int k : o.keys) out.push_back(key_pool[k]);
    return out;
  }

  template <class... Callable>
  void make(const op& o, sig::connection& made, bool& failed, Callable&&... callable) {
    auto token = [&](std::exception_ptr e, sig::connection c) {
      failed = e != nullptr;
      made = c;
    };
    try {
      if (o.limit != 0)
        signal_.connect(std::forward<Callable>(callable)..., sig::senders(senders_of(o)),
                        sig::keys(keys_of(o)), sig::max_calls(o.limit), token);
      else
        signal_.connect(std::forward<Callable>(callable)..., sig::senders(senders_of(o)),
                        sig::keys(keys_of(o)), token);
    } catch (const std::invalid_argument&) {
      failed = true;
    }
    drain();
  }

  // Applies a connect to the model; returns the model connection.
  model_connection& model_connect(const op& o, std::string label, std::string identity,
                                  int weak_object) {
    if (!identity.empty()) {
      for (model_connection& c : model_) {
        if (c.alive && c.identity == identity && !(c.weak_object >= 0 && !object_alive(c))) {
          merge(c, o);
          return c;
        }
      }
    }
    model_connection c;
    c.label = std::move(label);
    c.identity = std::move(identity);
    c.weak_object = weak_object;
    merge(c, o);
    model_.push_back(std::move(c));
    return model_.back();
  }

  static void merge(model_connection& c, const op& o) {
    if (o.senders.empty() && o.keys.empty()) c.unfiltered = true;
    c.senders.insert(o.senders.begin(), o.senders.end());
    c.keys.insert(o.keys.begin(), o.keys.end());
    if (o.limit != 0) c.calls_left = o.limit;
  }

  std::optional<std::string> connect_comparable(const op& o, const std::string& label,
                                                int weak_object) {
    sig::connection made;
    bool failed = false;
    switch (o.type) {
      case op_type::connect_function:
        make(o, made, failed, functions[o.which % function_count]);
        break;
      case op_type::connect_raw:
        make(o, made, failed, &target::on_event, raws_[std::size_t(o.which % raw_count)].get());
        break;
      default: {
        std::weak_ptr<target> object = weaks_[std::size_t(weak_object)];
        make(o, made, failed, &target::on_event, object);
      }
    }
    bool expired = weak_object >= 0 && !weaks_[std::size_t(weak_object)];
    if (failed != expired)
      return std::string("connect ") + (failed ? "failed" : "succeeded") + " unexpectedly";
    if (failed) return std::nullopt;
    model_connection& c = model_connect(o, label, "id:" + label, weak_object);
    if (!(c.handle == sig::connection()) && !(c.handle == made))
      return "a merged connect returned another connection";
    c.handle = made;
    return std::nullopt;
  }

  std::optional<std::string> connect_lambda(const op& o) {
    std::string label = "l" + std::to_string(lambdas_++);
    sig::connection made;
    bool failed = false;
    if (o.flag) {
      auto coroutine = [label](const sig::event& ev) -> asio::awaitable<void> {
        record(label, ev);
        co_return;
      };
      make(o, made, failed, coroutine);
    } else {
      auto plain = [label](const sig::event& ev) { record(label, ev); };
      make(o, made, failed, plain);
    }
    if (failed) return "connecting a lambda failed";
    model_connect(o, label, "", -1).handle = made;
    return std::nullopt;
  }

  static void model_disconnect(model_connection& c, const op& o) {
    if (o.senders.empty() && o.keys.empty()) {
      c.alive = false;
      return;
    }
    for (int s : o.senders) c.senders.erase(s);
    for (int k : o.keys) c.keys.erase(k);
    if (c.senders.empty() && c.keys.empty() && !c.unfiltered) c.alive = false;
  }

  std::optional<std::string> disconnect_connection(const op& o) {
    if (model_.empty()) return std::nullopt;
    model_connection& c = model_[std::size_t(o.which) % model_.size()];
    bool full = o.senders.empty() && o.keys.empty();
    if (o.flag && full) {
      c.handle.disconnect();
    } else {
      signal_.disconnect(c.handle, sig::senders(senders_of(o)), sig::keys(keys_of(o)),
                         [](std::exception_ptr) {});
    }
    drain();
    if (c.alive) model_disconnect(c, o);
    return std::nullopt;
  }

  std::optional<std::string> disconnect_callable(const op& o, const std::string& label) {
    auto done = [](std::exception_ptr) {};
    switch (o.type) {
      case op_type::disconnect_function:
        signal_.disconnect(functions[o.which % function_count], sig::senders(senders_of(o)),
                           sig::keys(keys_of(o)), done);
        break;
      case op_type::disconnect_raw:
        signal_.disconnect(&target::on_event, raws_[std::size_t(o.which % raw_count)].get(),
                           sig::senders(senders_of(o)), sig::keys(keys_of(o)), done);
        break;
      default: {
        std::weak_ptr<target> object = weaks_[std::size_t(o.which % weak_count)];
        signal_.disconnect(&target::on_event, object, sig::senders(senders_of(o)),
                           sig::keys(keys_of(o)), done);
      }
    }
    drain();
    for (model_connection& c : model_) {
      if (!c.alive || c.identity != "id:" + label) continue;
      // A weak member's object that expired cannot be named any more.
      if (c.weak_object >= 0 && !object_alive(c)) continue;
      model_disconnect(c, o);
    }
    return std::nullopt;
  }

  std::optional<std::string> send(const op& o) {
    std::vector<std::string> expected;
    for (model_connection& c : model_) {
      if (!c.alive) continue;
      bool matches =
          c.unfiltered ||
          std::any_of(o.senders.begin(), o.senders.end(),
                      [&](int s) { return c.senders.count(s); }) ||
          std::any_of(o.keys.begin(), o.keys.end(), [&](int k) { return c.keys.count(k); });
      if (!matches) continue;
      if (c.weak_object >= 0 && !object_alive(c)) {
        c.alive = false;  // pruned, not counted
        continue;
      }
      expected.push_back(c.label + "/" + std::to_string(o.n));
      if (c.calls_left != 0 && --c.calls_left == 0) c.alive = false;
    }
    calls.clear();
    std::optional<std::size_t> count;
    auto token = [&](std::exception_ptr, std::size_t n) { count = n; };
    if (o.n != 0)
      signal_.send(sig::senders(senders_of(o)), sig::keys(keys_of(o)), sig::arg("n", o.n), token);
    else
      signal_.send(sig::senders(senders_of(o)), sig::keys(keys_of(o)), token);
    drain();
    if (!count) return "the send did not complete";
    if (*count != expected.size())
      return "the send counted " + std::to_string(*count) + ", the model " +
             std::to_string(expected.size());
    if (calls != expected) {
      std::string got;
      for (const auto& c : calls) got += c + " ";
      std::string want;
      for (const auto& c : expected) want += c + " ";
      return "the send called [" + got + "], the model [" + want + "]";
    }
    return std::nullopt;
  }

  std::optional<std::string> send_invalid(const op& o) {
    calls.clear();
    bool threw = false;
    try {
      if (o.flag)
        signal_.send(sig::keys(keys_of(o)), sig::arg("n", "not an int"),
                     [](std::exception_ptr, std::size_t) {});
      else
        signal_.send(sig::keys(keys_of(o)), sig::arg("undeclared", 1),
                     [](std::exception_ptr, std::size_t) {});
    } catch (const sig::kwarg_error&) {
      threw = true;
    }
    drain();
    if (!threw) return "an invalid kwarg did not throw kwarg_error";
    if (!calls.empty()) return "an invalid send called a callback";
    return std::nullopt;
  }

  asio::io_context ctx_;
  sig::signal signal_;
  std::vector<std::unique_ptr<target>> raws_;
  alignas(target) unsigned char storage_[weak_count][sizeof(target)];
  std::vector<std::shared_ptr<target>> weaks_;
  std::vector<int> generation_;
  std::vector<model_connection> model_;
  int lambdas_ = 0;
};

// Runs a sequence from scratch; returns the first failure with its step.
std::optional<std::string> replay(const std::vector<op>& ops) {
  run r;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    std::optional<std::string> failure = r.step(ops[i]);
    if (!failure) failure = r.check_connections();
    if (failure) return "step " + std::to_string(i) + " (" + ops[i].describe() + "): " + *failure;
  }
  return std::nullopt;
}

std::vector<op> generate(std::uint64_t seed, int length) {
  std::mt19937_64 random(seed);
  auto pick = [&](int n) { return int(random() % std::uint64_t(n)); };
  auto subset = [&](int n, int chance_of_none) {
    std::vector<int> out;
    if (pick(100) < chance_of_none) return out;
    for (int i = 0; i < n; ++i)
      if (pick(3) == 0) out.push_back(i);
    return out;
  };
  std::vector<op> ops;
  for (int i = 0; i < length; ++i) {
    op o;
    int roll = pick(100);
    o.type = roll < 10   ? op_type::connect_function
             : roll < 20 ? op_type::connect_lambda
             : roll < 26 ? op_type::connect_raw
             : roll < 33 ? op_type::connect_weak
             : roll < 41 ? op_type::disconnect_connection
             : roll < 46 ? op_type::disconnect_function
             : roll < 49 ? op_type::disconnect_raw
             : roll < 52 ? op_type::disconnect_weak
             : roll < 88 ? op_type::send
             : roll < 91 ? op_type::send_invalid
             : roll < 96 ? op_type::expire
                         : op_type::revive;
    o.which = pick(16);
    bool is_connect = roll < 33;
    bool is_send = roll >= 52 && roll < 91;
    o.senders = subset(sender_count, is_send ? 20 : 40);
    o.keys = subset(key_count, is_send ? 20 : 40);
    o.limit = is_connect && pick(5) == 0 ? std::uint32_t(1 + pick(3)) : 0;
    o.flag = pick(2) == 0;
    o.n = is_send && pick(2) == 0 ? 1 + pick(9) : 0;
    ops.push_back(o);
  }
  return ops;
}

// Removes steps while the sequence still fails (a simple delta debugging).
std::vector<op> shrink(std::vector<op> ops) {
  for (std::size_t chunk = ops.size() / 2; chunk >= 1; chunk /= 2) {
    for (std::size_t start = 0; start + chunk <= ops.size();) {
      std::vector<op> smaller(ops.begin(), ops.begin() + std::ptrdiff_t(start));
      smaller.insert(smaller.end(), ops.begin() + std::ptrdiff_t(start + chunk), ops.end());
      if (replay(smaller))
        ops = std::move(smaller);
      else
        start += chunk;
    }
    if (chunk == 1) break;
  }
  return ops;
}

long environment(const char* name, long fallback) {
  const char* value = std::getenv(name);
  return value ? std::strtol(value, nullptr, 10) : fallback;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_test)

BOOST_AUTO_TEST_CASE(random_sequences_agree_with_the_model) {
  constexpr int length = 200;
  long total = environment("ASIO_SIGNALS_MODEL_OPS", 50000);
  long only = environment("ASIO_SIGNALS_MODEL_SEED", -1);
  long first = only >= 0 ? only : 1;
  long last = only >= 0 ? only : first + std::max(1L, total / length) - 1;
  for (long seed = first; seed <= last; ++seed) {
    std::vector<op> ops = generate(std::uint64_t(seed), length);
    std::optional<std::string> failure = replay(ops);
    std::ostringstream report;
    if (failure) {
      std::vector<op> small = shrink(ops);
      report << "seed " << seed << ": " << *failure << "\nshrunk to " << small.size()
             << " steps (replay with ASIO_SIGNALS_MODEL_SEED=" << seed << "):";
      for (const op& o : small) report << "\n  " << o.describe();
      report << "\nwhich fails at " << replay(small).value_or("?");
    }
    BOOST_TEST_REQUIRE(!failure.has_value(), report.str());
  }
  BOOST_TEST_MESSAGE("model: " << (last - first + 1) * length << " operations, seeds " << first
                               << " to " << last);
}

BOOST_AUTO_TEST_SUITE_END()
