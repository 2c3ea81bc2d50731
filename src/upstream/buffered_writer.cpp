#include <pointsman/upstream/buffered_writer.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;

asio::awaitable<bool> BufferedWriter::sendResponse(unsigned status, http::HeaderList headers, std::string body) {
  answered_ = true;
  status_ = status;
  headers_ = std::move(headers);
  body_ = std::move(body);
  co_return true;
}

asio::awaitable<bool> BufferedWriter::startStream(unsigned, http::HeaderList) { co_return false; }

asio::awaitable<bool> BufferedWriter::sendStreamData(std::string_view) { co_return false; }

asio::awaitable<bool> BufferedWriter::endStream() { co_return false; }

}  // namespace pointsman::upstream
