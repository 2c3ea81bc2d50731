#pragma once

#include <pointsman/admin/accounting_admin.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace pointsman::admin {

/// `/admin/keys` (GET lists, POST creates) and `/admin/keys/{name}` (GET shows, DELETE revokes).
/// `name` is empty for the collection. The caller has checked the admin token.
boost::asio::awaitable<void> answerKeys(http::IncomingRequest& request, http::ResponseWriter& writer,
                                        const config::Config& config, AccountingAdmin& accounting,
                                        std::string_view name);

}  // namespace pointsman::admin
