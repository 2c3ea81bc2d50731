#pragma once

#include <pointsman/upstream/upstream_call.hpp>

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace pointsman::upstream {

/// How a request fared at a deployment's concurrency limit.
enum class GateEntry {
  /// A slot is held; `leave()` gives it back.
  Entered,
  /// The wait queue was full, so the request did not wait.
  QueueFull,
  /// The request waited for `queue_timeout` and no slot came free.
  TimedOut,
  /// The client went away while the request waited.
  Cancelled,
};

/// Caps the requests in flight at one deployment, across every worker, with a bounded FIFO of
/// waiters. Entering and leaving below the limit is one atomic operation and takes no lock. The
/// mutex guards only the wait queue, which exists only while the deployment is full. A leaving
/// request hands its slot straight to the oldest waiter, so a burst cannot overtake the queue.
class ConcurrencyGate {
 public:
  ConcurrencyGate(std::size_t max_concurrent, std::size_t max_queue);
  ConcurrencyGate(const ConcurrencyGate&) = delete;
  ConcurrencyGate& operator=(const ConcurrencyGate&) = delete;

  /// Takes a slot if one is free, without waiting.
  bool tryEnter();

  /// Takes a slot, waiting in the queue up to `timeout` when the deployment is full. The wait
  /// registers its timer in `cancel`, so a client disconnect ends it at once.
  boost::asio::awaitable<GateEntry> enter(std::chrono::milliseconds timeout, CancelState& cancel);

  /// Gives a slot back, or hands it to the oldest waiter.
  void leave();

  [[nodiscard]] std::size_t inFlight() const { return in_flight_.load(); }
  [[nodiscard]] std::size_t waiting() const { return waiting_.load(); }
  [[nodiscard]] std::size_t maxConcurrent() const { return max_concurrent_; }

  struct Waiter;

 private:
  void handOffToWaiters();

  const std::size_t max_concurrent_;
  const std::size_t max_queue_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> waiting_{0};
  std::mutex queue_mutex_;
  std::deque<std::shared_ptr<Waiter>> queue_;
};

}  // namespace pointsman::upstream
