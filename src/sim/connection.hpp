// Serves the HTTP/1.1 requests of one accepted connection.
#pragma once

#include "sim/request_router.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace pointsman::sim {

/// Reads requests from `socket` and sends the reply `router` plans for each, until the peer closes
/// the connection, a request sets `Connection: close`, or a fault resets it. `router` must outlive
/// the coroutine.
boost::asio::awaitable<void> serveConnection(boost::asio::ip::tcp::socket socket,
                                             RequestRouter& router);

}  // namespace pointsman::sim
