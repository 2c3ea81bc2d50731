#include <pointsman/http/response_writer.hpp>

namespace pointsman::http {

HeaderList headerListOf(std::span<const HeaderView> views) {
  HeaderList list;
  list.reserve(views.size());
  for (const auto& [name, value] : views) list.emplace_back(name, value);
  return list;
}

// This is not a coroutine, so the list is built before it returns, while the views are valid.
boost::asio::awaitable<bool> ResponseWriter::sendResponseViews(unsigned status, std::span<const HeaderView> headers,
                                                               std::string body) {
  return sendResponse(status, headerListOf(headers), std::move(body));
}

}  // namespace pointsman::http
