#pragma once

#include <pointsman/http/response_writer.hpp>
#include <pointsman/upstream/upstream_call.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace pointsman::upstream {

/// Several attempts racing for one client: hedged requests and fan-out's first success. The
/// attempt that first writes to the client wins, which is the moment its answer is whole (JSON) or
/// its first content event has arrived (streams). Every other attempt is cancelled at once.
/// Lives on one worker's thread, like the request.
class Race {
 public:
  /// Adds an attempt; `cancel` is how it is stopped when it loses.
  std::size_t join(CancelState& cancel);

  /// Makes `runner` the winner if nobody has won yet; true when `runner` is (now) the winner.
  bool claim(std::size_t runner);

  [[nodiscard]] std::optional<std::size_t> winner() const { return winner_; }

  /// Stops every attempt, for a client that went away.
  void cancelAll();

 private:
  std::vector<CancelState*> runners_;
  std::optional<std::size_t> winner_;
};

/// One racer's view of the client: writes pass through once the racer has won; a racer that lost
/// sees a client that is gone, so it stops like after a disconnect.
class RaceWriter final : public http::ResponseWriter {
 public:
  RaceWriter(http::ResponseWriter& client, Race& race, CancelState& cancel);

  boost::asio::awaitable<bool> sendResponse(unsigned status, http::HeaderList headers, std::string body) override;
  boost::asio::awaitable<bool> startStream(unsigned status, http::HeaderList headers) override;
  boost::asio::awaitable<bool> sendStreamData(std::string_view bytes) override;
  boost::asio::awaitable<bool> endStream() override;
  [[nodiscard]] bool headersSent() const override;
  [[nodiscard]] bool clientGone() const override;
  /// Ignores the racer's registration, because the race owns disconnect handling.
  void setDisconnectHandler(std::function<void()>) override {}

 private:
  [[nodiscard]] bool won() const { return race_.winner() == runner_; }

  http::ResponseWriter& client_;
  Race& race_;
  std::size_t runner_;
};

}  // namespace pointsman::upstream
