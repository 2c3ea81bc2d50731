#pragma once

#include <pointsman/admin/accounting_admin.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>

#include <boost/asio/awaitable.hpp>

namespace pointsman::admin {

/// `GET /admin/spend?from=&to=&group_by=`: the ledger summed per group over a time range. The
/// caller has checked the admin token.
boost::asio::awaitable<void> answerSpend(http::IncomingRequest& request, http::ResponseWriter& writer,
                                         AccountingAdmin& accounting);

}  // namespace pointsman::admin
