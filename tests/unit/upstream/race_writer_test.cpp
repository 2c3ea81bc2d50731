#include <pointsman/upstream/buffered_writer.hpp>
#include <pointsman/upstream/race_writer.hpp>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pointsman::upstream {
namespace {

namespace asio = boost::asio;

template <typename T>
T run(asio::awaitable<T> work) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(work), asio::use_future);
  io.run();
  return future.get();
}

TEST(RaceWriter, FirstWriterWinsAndTheOtherIsCancelled) {
  BufferedWriter client;
  Race race;
  CancelState first_cancel;
  CancelState second_cancel;
  RaceWriter first(client, race, first_cancel);
  RaceWriter second(client, race, second_cancel);

  EXPECT_TRUE(run(second.sendResponse(200, {}, "second")));
  EXPECT_TRUE(first_cancel.cancelled);
  EXPECT_FALSE(second_cancel.cancelled);
  EXPECT_EQ(race.winner(), std::optional<std::size_t>(1));

  EXPECT_FALSE(run(first.sendResponse(200, {}, "first")));
  EXPECT_TRUE(first.clientGone());
  EXPECT_FALSE(second.clientGone());
  EXPECT_EQ(client.body(), "second");
}

TEST(RaceWriter, LoserCannotWriteStreamData) {
  BufferedWriter client;
  Race race;
  CancelState first_cancel;
  CancelState second_cancel;
  RaceWriter first(client, race, first_cancel);
  RaceWriter second(client, race, second_cancel);
  ASSERT_TRUE(race.claim(0));
  EXPECT_FALSE(run(second.sendStreamData("data: x\n\n")));
  EXPECT_FALSE(run(second.endStream()));
  EXPECT_FALSE(second.headersSent());
}

TEST(Race, CancelAllStopsEveryRacer) {
  Race race;
  CancelState first;
  CancelState second;
  race.join(first);
  race.join(second);
  race.cancelAll();
  EXPECT_TRUE(first.cancelled);
  EXPECT_TRUE(second.cancelled);
  EXPECT_FALSE(race.winner().has_value());
}

// A writer without its own sendResponseViews gets the headers as a list, in order, and the
// race still counts the response as the attempt's.
TEST(RaceWriter, HeaderViewsReachTheClientAsAList) {
  BufferedWriter client;
  Race race;
  CancelState cancel;
  RaceWriter writer(client, race, cancel);
  const std::string deployment = "mini";
  const std::vector<http::HeaderView> views = {{"content-type", "application/json"},
                                               {"x-pointsman-deployment", deployment}};

  EXPECT_TRUE(run(writer.sendResponseViews(200, views, "answer")));

  const http::HeaderList expected = {{"content-type", "application/json"}, {"x-pointsman-deployment", "mini"}};
  EXPECT_EQ(client.headers(), expected);
  EXPECT_EQ(client.body(), "answer");
  EXPECT_EQ(race.winner(), std::optional<std::size_t>(0));
}

}  // namespace
}  // namespace pointsman::upstream
