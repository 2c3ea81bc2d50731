#include <pointsman/upstream/concurrency_gate.hpp>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <optional>
#include <thread>
#include <vector>

namespace pointsman::upstream {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Runs one `enter` on `io` and keeps what it returned.
struct Entry {
  CancelState cancel;
  std::optional<GateEntry> result;
};

asio::awaitable<void> enterInto(ConcurrencyGate& gate, std::chrono::milliseconds timeout, Entry& entry) {
  entry.result = co_await gate.enter(timeout, entry.cancel);
}

TEST(ConcurrencyGate, AdmitsUpToTheLimitWithoutWaiting) {
  ConcurrencyGate gate(2, 0);
  EXPECT_TRUE(gate.tryEnter());
  EXPECT_TRUE(gate.tryEnter());
  EXPECT_FALSE(gate.tryEnter());
  gate.leave();
  EXPECT_TRUE(gate.tryEnter());
  EXPECT_EQ(gate.inFlight(), 2u);
}

TEST(ConcurrencyGate, FullQueueRefusesAtOnce) {
  asio::io_context io;
  ConcurrencyGate gate(1, 1);
  ASSERT_TRUE(gate.tryEnter());
  Entry first;
  Entry second;
  asio::co_spawn(io, enterInto(gate, 10s, first), asio::detached);
  asio::co_spawn(io, enterInto(gate, 10s, second), asio::detached);
  io.run_for(50ms);
  ASSERT_TRUE(second.result.has_value());
  EXPECT_EQ(*second.result, GateEntry::QueueFull);
  EXPECT_FALSE(first.result.has_value());
  EXPECT_EQ(gate.waiting(), 1u);

  gate.leave();
  io.run_for(50ms);
  ASSERT_TRUE(first.result.has_value());
  EXPECT_EQ(*first.result, GateEntry::Entered);
  EXPECT_EQ(gate.inFlight(), 1u);
}

TEST(ConcurrencyGate, LeavingHandsTheSlotToTheOldestWaiter) {
  asio::io_context io;
  ConcurrencyGate gate(1, 4);
  ASSERT_TRUE(gate.tryEnter());
  Entry older;
  Entry newer;
  asio::co_spawn(io, enterInto(gate, 10s, older), asio::detached);
  io.run_for(10ms);
  asio::co_spawn(io, enterInto(gate, 10s, newer), asio::detached);
  io.run_for(10ms);

  gate.leave();
  // A newcomer cannot overtake the queue: the slot went to the waiter.
  EXPECT_FALSE(gate.tryEnter());
  io.run_for(20ms);
  EXPECT_EQ(older.result, GateEntry::Entered);
  EXPECT_FALSE(newer.result.has_value());
  newer.cancel.cancel();
  io.run_for(20ms);
  EXPECT_EQ(newer.result, GateEntry::Cancelled);
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(ConcurrencyGate, WaitEndsWithTimeout) {
  asio::io_context io;
  ConcurrencyGate gate(1, 1);
  ASSERT_TRUE(gate.tryEnter());
  Entry entry;
  asio::co_spawn(io, enterInto(gate, 20ms, entry), asio::detached);
  io.run_for(200ms);
  EXPECT_EQ(entry.result, GateEntry::TimedOut);
  EXPECT_EQ(gate.waiting(), 0u);
  EXPECT_EQ(gate.inFlight(), 1u);
}

TEST(ConcurrencyGate, SlotFreedOnAnotherThreadWakesTheWaiter) {
  asio::io_context io;
  ConcurrencyGate gate(1, 1);
  ASSERT_TRUE(gate.tryEnter());
  Entry entry;
  asio::co_spawn(io, enterInto(gate, 5s, entry), asio::detached);
  io.run_for(10ms);
  std::thread other([&gate] { gate.leave(); });
  other.join();
  io.run_for(100ms);
  EXPECT_EQ(entry.result, GateEntry::Entered);
}

}  // namespace
}  // namespace pointsman::upstream
