#include <pointsman/upstream/race_writer.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;

std::size_t Race::join(CancelState& cancel) {
  runners_.push_back(&cancel);
  return runners_.size() - 1;
}

bool Race::claim(std::size_t runner) {
  if (winner_) return *winner_ == runner;
  winner_ = runner;
  for (std::size_t other = 0; other < runners_.size(); ++other) {
    if (other != runner) runners_[other]->cancel();
  }
  return true;
}

void Race::cancelAll() {
  for (auto* runner : runners_) runner->cancel();
}

RaceWriter::RaceWriter(http::ResponseWriter& client, Race& race, CancelState& cancel)
    : client_(client), race_(race), runner_(race.join(cancel)) {}

asio::awaitable<bool> RaceWriter::sendResponse(unsigned status, http::HeaderList headers, std::string body) {
  if (!race_.claim(runner_)) co_return false;
  co_return co_await client_.sendResponse(status, std::move(headers), std::move(body));
}

asio::awaitable<bool> RaceWriter::startStream(unsigned status, http::HeaderList headers) {
  if (!race_.claim(runner_)) co_return false;
  co_return co_await client_.startStream(status, std::move(headers));
}

asio::awaitable<bool> RaceWriter::sendStreamData(std::string_view bytes) {
  if (!won()) co_return false;
  co_return co_await client_.sendStreamData(bytes);
}

asio::awaitable<bool> RaceWriter::endStream() {
  if (!won()) co_return false;
  co_return co_await client_.endStream();
}

bool RaceWriter::headersSent() const { return won() && client_.headersSent(); }

bool RaceWriter::clientGone() const {
  if (race_.winner() && !won()) return true;
  return client_.clientGone();
}

}  // namespace pointsman::upstream
