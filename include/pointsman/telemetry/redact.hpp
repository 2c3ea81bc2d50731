#pragma once

#include <string>
#include <string_view>

namespace pointsman::telemetry {

/// Masks the secrets a URL can carry before it is logged: the userinfo before "@" in the
/// authority ("https://user:pass@host" becomes "https://***@host"), every query value
/// ("?key=abc&x=1" becomes "?key=***&x=***", and a parameter without "=" becomes "***"), and a
/// non-empty fragment. Scheme, host, port and path stay as they are. A URL without "://" is taken
/// as a path with an optional query and fragment.
std::string redactUrl(std::string_view url);

/// Returns "***" for a header whose value is a credential, else `value`. Credential headers are
/// authorization, proxy-authorization, x-api-key, api-key, cookie, set-cookie and any name that
/// contains "key", "token" or "secret". Names compare case-insensitively.
std::string redactHeaderValue(std::string_view name, std::string_view value);

}  // namespace pointsman::telemetry
