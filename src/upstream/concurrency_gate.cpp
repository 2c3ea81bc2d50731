#include <pointsman/upstream/concurrency_gate.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace pointsman::upstream {
namespace asio = boost::asio;

/// One request waiting for a slot. Shared with the queue, because a slot may be handed over from
/// another worker's thread while this one's timer fires.
struct ConcurrencyGate::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : executor(executor), timer(executor) {}

  asio::any_io_executor executor;
  asio::steady_timer timer;
  /// Set under the queue mutex when a leaving request handed its slot over.
  bool granted = false;
};

ConcurrencyGate::ConcurrencyGate(std::size_t max_concurrent, std::size_t max_queue)
    : max_concurrent_(std::max<std::size_t>(1, max_concurrent)), max_queue_(max_queue) {}

bool ConcurrencyGate::tryEnter() {
  std::size_t current = in_flight_.load();
  while (current < max_concurrent_) {
    if (in_flight_.compare_exchange_weak(current, current + 1)) return true;
  }
  return false;
}

asio::awaitable<GateEntry> ConcurrencyGate::enter(std::chrono::milliseconds timeout, CancelState& cancel) {
  if (tryEnter()) co_return GateEntry::Entered;
  if (max_queue_ == 0 || timeout.count() == 0) co_return GateEntry::QueueFull;

  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(queue_mutex_);
    if (queue_.size() >= max_queue_) co_return GateEntry::QueueFull;
    // Counted before the second try: a leave() that misses this count freed its slot earlier,
    // so the try below sees it. Either way no slot is lost while the request waits.
    waiting_.fetch_add(1);
    if (tryEnter()) {
      waiting_.fetch_sub(1);
      co_return GateEntry::Entered;
    }
    queue_.push_back(waiter);
  }

  waiter->timer.expires_after(timeout);
  cancel.sleeping = &waiter->timer;
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  cancel.sleeping = nullptr;

  std::lock_guard lock(queue_mutex_);
  if (waiter->granted) {
    if (!cancel.cancelled) co_return GateEntry::Entered;
    // The slot came with the disconnect: pass it on rather than leak it.
    in_flight_.fetch_sub(1);
    handOffToWaiters();
    co_return GateEntry::Cancelled;
  }
  queue_.erase(std::find(queue_.begin(), queue_.end(), waiter));
  waiting_.fetch_sub(1);
  co_return cancel.cancelled ? GateEntry::Cancelled : GateEntry::TimedOut;
}

void ConcurrencyGate::leave() {
  in_flight_.fetch_sub(1);
  if (waiting_.load() == 0) return;
  std::lock_guard lock(queue_mutex_);
  handOffToWaiters();
}

void ConcurrencyGate::handOffToWaiters() {
  // Called with the queue mutex held.
  while (!queue_.empty() && tryEnter()) {
    auto waiter = std::move(queue_.front());
    queue_.pop_front();
    waiting_.fetch_sub(1);
    waiter->granted = true;
    // The waiter's timer belongs to its worker's thread, so the wake-up runs there.
    asio::post(waiter->executor, [waiter] { waiter->timer.cancel(); });
  }
}

}  // namespace pointsman::upstream
