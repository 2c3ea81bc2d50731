#pragma once

#include <simdjson.h>

namespace pointsman::api {

/// The calling thread's simdjson parser. Elements of a parsed document stay valid only until
/// the same thread parses again, so callers copy what they keep.
inline simdjson::dom::parser& threadJsonParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace pointsman::api
