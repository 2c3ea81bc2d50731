#include <pointsman/http/response_writer.hpp>

namespace pointsman::http {

// This is not a coroutine, so the list is built before it returns, while the views are valid.
boost::asio::awaitable<bool> ResponseWriter::sendResponseViews(unsigned status, std::span<const HeaderView> headers,
                                                               std::string body) {
  HeaderList list;
  list.reserve(headers.size());
  for (const auto& [name, value] : headers) list.emplace_back(name, value);
  return sendResponse(status, std::move(list), std::move(body));
}

}  // namespace pointsman::http
