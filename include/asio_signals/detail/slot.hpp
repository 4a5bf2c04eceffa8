//
// detail/slot.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_SLOT_HPP
#define ASIO_SIGNALS_DETAIL_SLOT_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/sender.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <typeinfo>
#include <vector>

namespace asio_signals::detail {

// The identity of a comparable callable: a function pointer, or a member
// pointer with the address of its object.
struct callable_id {
  const std::type_info* type;
  const void* object;
  std::array<unsigned char, 2 * sizeof(void*)> bits;

  friend bool operator==(const callable_id& a, const callable_id& b) noexcept {
    return a.object == b.object && a.bits == b.bits && *a.type == *b.type;
  }
};

struct ASIO_SIGNALS_DECL callable_id_hash {
  std::size_t operator()(const callable_id& id) const noexcept;
};

template <class Fn>
callable_id make_callable_id(Fn fn, const void* object) noexcept {
  static_assert(sizeof(Fn) <= sizeof(callable_id::bits));
  callable_id id{&typeid(Fn), object, {}};
  std::memcpy(id.bits.data(), &fn, sizeof(Fn));
  return id;
}

// One connected callback. Owned by the signal's connection index while it is
// connected (through index_ref), and by every task that is about to run it.
// Everything but state_ is touched on the signal's executor only.
class slot {
 public:
  // What a send does with the slot: call a function, start a coroutine,
  // complete a next(), or queue the event for a subscription.
  enum kind : std::uint8_t { plain, coroutine, wait, queue };

  // What a connection with filters, a counted connection, a comparable callable
  // or one bound to another executor needs besides the callable itself.
  struct extras {
    std::vector<sender> senders;
    std::vector<key> keys;
    std::optional<callable_id> id;
    std::optional<asio::any_io_executor> executor;
    // Senders whose sends skip the connection (not_from).
    std::vector<sender> not_from;
    // Calls left for a counted connection; zero when it is not counted.
    std::uint32_t calls_left = 0;
  };

  slot(const slot&) = delete;
  slot& operator=(const slot&) = delete;
  virtual ~slot() = default;

  kind callback_kind() const noexcept { return kind_; }
  bool is_callback() const noexcept { return kind_ == plain || kind_ == coroutine; }
  bool is_weak() const noexcept { return weak_; }

  // The object of a weak member, or null once it expired. Asked only of weak
  // slots: the others have nothing to keep alive.
  virtual std::shared_ptr<void> lock() const noexcept = 0;

  // Whether a weak member's object has expired, without owning it even for a
  // moment; false for the other slots. Any thread.
  virtual bool expired() const noexcept { return false; }

  // Whether the callback is connected: neither disconnected nor ended. Any thread.
  bool connected() const noexcept {
    return (state_.load(std::memory_order_acquire) & (connected_bit | cancelled_bit)) ==
           connected_bit;
  }

  // Whether the callback may still run: false once it was disconnected
  // explicitly. Any thread.
  bool runnable() const noexcept {
    return (state_.load(std::memory_order_acquire) & cancelled_bit) == 0;
  }

  // Marks the slot disconnected; returns false if it already was.
  bool cancel() noexcept {
    return (state_.fetch_or(cancelled_bit, std::memory_order_acq_rel) & cancelled_bit) == 0;
  }

  // Marks the connection ended (no send will schedule it again).
  void end() noexcept { state_.fetch_and(~connected_bit, std::memory_order_release); }

  // For a send: whether the callback runs inline, in the send's own task (a
  // plain callback on the signal's executor, not weak), and is ready to,
  // neither blocked nor disconnected. One read of the state.
  bool ready_inline() const noexcept {
    return inline_ && state_.load(std::memory_order_acquire) == connected_bit;
  }

  enum class readiness { ready, blocked, gone };

  // For a send: whether to schedule the slot, skip it while blocked, or prune
  // it (disconnected or ended). One read of the state. Any thread.
  readiness ready() const noexcept {
    std::uint32_t s = state_.load(std::memory_order_acquire);
    if ((s & (connected_bit | cancelled_bit)) != connected_bit) return readiness::gone;
    return s >= block_unit ? readiness::blocked : readiness::ready;
  }

  // Blocking: sends skip the slot while at least one block is held. Any thread.
  void block() noexcept { state_.fetch_add(block_unit, std::memory_order_acq_rel); }
  void unblock() noexcept { state_.fetch_sub(block_unit, std::memory_order_acq_rel); }
  bool blocked() const noexcept { return state_.load(std::memory_order_acquire) >= block_unit; }

  // Whether the callback is bound to an executor of its own (extra->executor).
  bool bound() const noexcept { return bound_; }
  void set_bound() noexcept {
    bound_ = true;
    inline_ = false;
  }

  // Makes the connection counted: it ends after `calls` calls (not zero).
  void limit_calls(std::uint32_t calls) noexcept {
    extra->calls_left = calls;
    counted_ = true;
  }
  bool counted() const noexcept { return counted_; }

  // Makes the connection skip sends from `senders` (extra->not_from).
  void ignore_senders(const std::vector<sender>& senders) {
    extra->not_from.insert(extra->not_from.end(), senders.begin(), senders.end());
    ignores_senders_ = true;
    inline_ = false;
  }

  // Whether a send naming `named` skips the connection.
  template <class Set>
  bool ignores_any(const Set& named) const {
    if (!ignores_senders_) return false;
    for (const sender& s : extra->not_from)
      if (named.contains(s)) return true;
    return false;
  }

  // The connection's position in connection order.
  std::uint64_t seq = 0;
  // What only some connections need; null for the others.
  std::unique_ptr<extras> extra;
  // The index's reference, which keeps the slot connected; null once it ended.
  std::shared_ptr<slot> index_ref;
  // Last, so that it packs with the private flags below: a slot and a small
  // callable share their allocation with little padding.
  bool unfiltered = false;

 protected:
  slot(kind k, bool weak) noexcept : kind_(k), weak_(weak), inline_(k == plain && !weak) {}

 private:
  static constexpr std::uint32_t connected_bit = 1;
  static constexpr std::uint32_t cancelled_bit = 2;
  // The bits above the flags count the blocks held.
  static constexpr std::uint32_t block_unit = 4;

  std::atomic<std::uint32_t> state_{connected_bit};
  const kind kind_;
  const bool weak_;
  bool bound_ = false;
  bool inline_;
  bool counted_ = false;
  bool ignores_senders_ = false;
};

// A slot whose callback is a plain function.
class plain_slot : public slot {
 public:
  virtual void call(const event& ev, void* object) = 0;

 protected:
  explicit plain_slot(bool weak) noexcept : slot(plain, weak) {}
};

// A slot whose callback is a coroutine.
class coroutine_slot : public slot {
 public:
  virtual asio::awaitable<void> start(const event& ev, void* object) = 0;

 protected:
  explicit coroutine_slot(bool weak) noexcept : slot(coroutine, weak) {}
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_SLOT_HPP
