#pragma once

#include <pointsman/api/request_view.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::accounting {

/// The fields of a request body that admission and accounting read.
struct RequestFacts {
  /// `max_completion_tokens`, else `max_tokens`; nullopt when the request sets neither.
  std::optional<std::int64_t> max_output_tokens;
  /// `stream_options` is present in the body.
  bool has_stream_options = false;
  /// `stream_options.include_usage` is true: the client asked to see the usage chunk.
  bool include_usage = false;
  /// The OpenAI `user` field (an end-user id chosen by the client); empty when absent.
  std::string user;
  /// Estimated prompt tokens: the body's bytes divided by 4, rounded up. The body holds the
  /// prompt text plus JSON syntax, so for text the estimate is at or above the ~4 bytes per
  /// token of common English tokenizers; it is an estimate, not a count.
  std::int64_t estimated_prompt_tokens = 0;
};

/// The facts of a request whose body api::parseRequest read into `view`.
RequestFacts factsOf(const api::RequestView& view, std::size_t body_bytes);

/// Returns `body` with `stream_options.include_usage` set to true, keeping every other field.
/// The gateway asks the upstream for usage this way when the client did not.
std::string withIncludeUsage(std::string_view body, const RequestFacts& facts);

}  // namespace pointsman::accounting
