#pragma once

// One timer for a series of waits on a connection, such as the reads between requests or of an
// upstream's response. Each new deadline is usually later than the last one, and then the timer
// is not touched. When it fires early, it waits again for the deadline then current. Beast's
// TCP stream instead arms and cancels a timer for every read: two locked timer-queue changes and
// a cancelled handler each time, about 2,100 instructions per relayed request on its two
// connections. Included only by the .cpp files of src/http.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace pointsman::http {

class LazyDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  /// `on_expired` runs when a wait passes its deadline, on the executor's thread.
  LazyDeadline(const boost::asio::any_io_executor& executor, std::function<void()> on_expired)
      : state_(std::make_shared<State>(executor, std::move(on_expired))) {}

  /// Starts a wait that must end by `deadline`.
  void start(Clock::time_point deadline) {
    auto& state = *state_;
    state.deadline = deadline;
    state.waiting = true;
    state.expired = false;
    // Only a deadline earlier than the armed one moves the timer.
    if (!state.armed || deadline < state.armed_for) arm(state_);
  }

  /// Ends the wait. The timer stays armed and finds nothing to do when it fires.
  void stop() { state_->waiting = false; }

  /// Returns whether the last wait passed its deadline.
  [[nodiscard]] bool expired() const { return state_->expired; }

 private:
  struct State {
    State(const boost::asio::any_io_executor& executor, std::function<void()> callback)
        : timer(executor), on_expired(std::move(callback)) {}

    boost::asio::steady_timer timer;
    std::function<void()> on_expired;
    Clock::time_point deadline;
    Clock::time_point armed_for;
    bool armed = false;
    bool waiting = false;
    bool expired = false;
  };

  static void arm(const std::shared_ptr<State>& state) {
    state->armed = true;
    state->armed_for = state->deadline;
    // expires_at() aborts a wait armed for a later time, and that wait's handler returns at once.
    state->timer.expires_at(state->deadline);
    state->timer.async_wait([weak = std::weak_ptr<State>(state)](boost::system::error_code error) {
      if (error == boost::asio::error::operation_aborted) return;
      if (const auto locked = weak.lock()) fire(locked);
    });
  }

  static void fire(const std::shared_ptr<State>& state) {
    state->armed = false;
    if (!state->waiting) return;
    if (Clock::now() < state->deadline) {
      arm(state);
      return;
    }
    state->waiting = false;
    state->expired = true;
    state->on_expired();
  }

  // Shared with the timer's handler, which may run after the owner is gone.
  std::shared_ptr<State> state_;
};

}  // namespace pointsman::http
