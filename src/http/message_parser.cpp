#include <pointsman/http/message_parser.hpp>

#include "http/http_token.hpp"
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pointsman::http {
namespace {

using ErrorCode = boost::system::error_code;
using boost::beast::http::error;

/// A chunk-size line or a trailer line longer than this is rejected rather than buffered.
constexpr std::size_t kMaxChunkLine = 4096;

/// Byte classes of RFC 9110: `tchar` for field names, and the bytes a field value or a reason
/// phrase may hold (visible ASCII, space, tab and obs-text).
struct ByteClasses {
  std::array<bool, 256> token{};
  std::array<bool, 256> text{};
  /// Visible ASCII and obs-text, without space: the bytes of a request target.
  std::array<bool, 256> visible{};

  constexpr ByteClasses() {
    for (int c = 0; c < 256; ++c) {
      const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      token[c] = alnum || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
      text[c] = c == '\t' || (c >= 0x20 && c != 0x7f);
      visible[c] = c > 0x20 && c != 0x7f;
    }
  }
};
constexpr ByteClasses kBytes;

bool allOf(std::string_view bytes, const std::array<bool, 256>& allowed) {
  return std::all_of(bytes.begin(), bytes.end(), [&](char c) { return allowed[static_cast<unsigned char>(c)]; });
}

std::string_view trimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// Calls `each` with every non-empty, trimmed element of a comma-separated field value.
template <class Each>
void forEachListElement(std::string_view value, Each each) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto element = trimSpace(value.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

std::optional<std::uint64_t> parseDecimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

/// "HTTP/1.0" or "HTTP/1.1" as 10 or 11; HTTP/1 is the only major version spoken here.
std::optional<unsigned> parseVersion(std::string_view text) {
  if (text.size() != 8 || !text.starts_with("HTTP/1.") || text[7] < '0' || text[7] > '9') return std::nullopt;
  return static_cast<unsigned>(10 + (text[7] - '0'));
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Reads "HEX [; extensions]" of a chunk-size line (without its CRLF).
std::optional<std::uint64_t> parseChunkSize(std::string_view line) {
  std::uint64_t size = 0;
  std::size_t digits = 0;
  for (; digits < line.size() && hexValue(line[digits]) >= 0; ++digits) {
    if (digits == 15) return std::nullopt;  // beyond any body this gateway accepts
    size = size * 16 + static_cast<std::uint64_t>(hexValue(line[digits]));
  }
  if (digits == 0) return std::nullopt;

  const auto rest = trimSpace(line.substr(digits));
  if (!rest.empty() && (rest.front() != ';' || !allOf(rest, kBytes.text))) return std::nullopt;
  return size;
}

/// Returns the index of the first byte at or after `at` that a field value cannot contain. `head`
/// ends with a CRLF, so the scan stops inside it.
std::size_t skipFieldText(std::string_view head, std::size_t at) {
#if defined(__SSE2__)
  // Sixteen bytes per step. A value may contain any byte except DEL and the control bytes other
  // than tab.
  // Bytes from 0x80 up are negative as signed bytes, so the range test leaves them in.
  const __m128i zero = _mm_setzero_si128();
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i del = _mm_set1_epi8(0x7f);
  while (at + 16 <= head.size()) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(head.data() + at));
    const __m128i control = _mm_andnot_si128(_mm_cmplt_epi8(bytes, zero), _mm_cmplt_epi8(bytes, space));
    const __m128i stop = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(bytes, tab), control), _mm_cmpeq_epi8(bytes, del));
    const int mask = _mm_movemask_epi8(stop);
    if (mask != 0) return at + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    at += 16;
  }
#endif
  while (kBytes.text[static_cast<unsigned char>(head[at])]) ++at;
  return at;
}

/// Returns where the CRLF CRLF that ends a head starts in `bytes`, searching from `from`, or npos.
/// Each LF is a candidate for the last byte and is checked against the three bytes before it.
std::size_t findHeadEnd(std::string_view bytes, std::size_t from) {
  const auto endsHere = [bytes](std::size_t lf) {
    return bytes[lf - 1] == '\r' && bytes[lf - 2] == '\n' && bytes[lf - 3] == '\r';
  };
  std::size_t at = from + 3;
#if defined(__SSE2__)
  const __m128i line_feed = _mm_set1_epi8('\n');
  for (; at + 16 <= bytes.size(); at += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + at));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, line_feed)));
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t lf = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (endsHere(lf)) return lf - 3;
    }
  }
#endif
  for (; at < bytes.size(); ++at) {
    if (bytes[at] == '\n' && endsHere(at)) return at - 3;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t MessageParser::put(boost::asio::const_buffer buffer, ErrorCode& error_code) {
  const std::string_view bytes(static_cast<const char*>(buffer.data()), buffer.size());
  if (!bytes.empty()) got_some_ = true;
  if (state_ == State::Head) return putHead(bytes, error_code);
  return putBody(bytes, error_code);
}

void MessageParser::put_eof(ErrorCode& error_code) {
  if (state_ == State::UntilClose) {
    state_ = State::Done;
    return;
  }
  if (state_ != State::Done) error_code = error::partial_message;
}

std::size_t MessageParser::putHead(std::string_view bytes, ErrorCode& error_code) {
  // RFC 9112 section 2.2: a server should ignore at least one empty line before a request line.
  if (kind_ == MessageKind::Request && bytes.starts_with("\r\n")) {
    std::size_t blank = 0;
    while (bytes.substr(blank).starts_with("\r\n")) blank += 2;
    head_scanned_ = 0;
    return blank;
  }

  // The search resumes three bytes back, where a CRLFCRLF split between reads could start.
  const std::size_t from = head_scanned_ > 3 ? head_scanned_ - 3 : 0;
  const std::size_t end = findHeadEnd(bytes, from);
  if (end == std::string_view::npos) {
    head_scanned_ = bytes.size();
    error_code = bytes.size() >= header_limit_ ? error::header_limit : error::need_more;
    return 0;
  }

  const std::size_t head_size = end + 4;
  if (head_size > header_limit_) {
    error_code = error::header_limit;
    return 0;
  }
  parseHead(bytes.substr(0, end + 2), error_code);
  return error_code ? 0 : head_size;
}

void MessageParser::parseHead(std::string_view head, ErrorCode& error_code) {
  // `head` ends with the CRLF of its last line, so every line below ends with one.
  const std::size_t start_line_end = head.find("\r\n");
  if (kind_ == MessageKind::Request) {
    parseRequestLine(head.substr(0, start_line_end), error_code);
  } else {
    parseStatusLine(head.substr(0, start_line_end), error_code);
  }
  if (error_code) return;

  fields_.keepHead(head, 16);
  Framing framing;
  for (std::size_t at = start_line_end + 2; at < head.size() && !error_code;) {
    at = parseFieldLine(head, at, framing, error_code);
  }
  if (!error_code) startBody(framing, error_code);
}

std::size_t MessageParser::parseFieldLine(std::string_view head, std::size_t at, Framing& framing,
                                          ErrorCode& error_code) {
  // One pass over the line with one table lookup per byte. The name's bytes up to the colon must be
  // token bytes and the value's up to the CR must be text, so the first byte of another class ends
  // the part it is in.
  const auto byteAt = [head](std::size_t index) { return static_cast<unsigned char>(head[index]); };
  const std::size_t name_begin = at;
  while (kBytes.token[byteAt(at)]) ++at;
  if (head[at] != ':') {
    error_code = (head[at] == ' ' || head[at] == '\t') && at == name_begin ? error::bad_obs_fold : error::bad_field;
    return at;
  }
  const auto name = head.substr(name_begin, at - name_begin);
  if (name.empty()) {
    error_code = error::bad_field;
    return at;
  }

  ++at;
  const std::size_t value_begin = at;
  at = skipFieldText(head, at);
  if (head[at] != '\r' || head[at + 1] != '\n') {
    error_code = error::bad_value;
    return at;
  }
  addField(head, name, trimSpace(head.substr(value_begin, at - value_begin)), framing, error_code);
  return at + 2;
}

void MessageParser::parseRequestLine(std::string_view line, ErrorCode& error_code) {
  // method SP request-target SP HTTP-version
  const auto method_end = line.find(' ');
  const auto method = line.substr(0, method_end);
  if (method_end == std::string_view::npos || method.empty() || !allOf(method, kBytes.token)) {
    error_code = error::bad_method;
    return;
  }
  const auto target_end = line.find(' ', method_end + 1);
  const auto target = line.substr(method_end + 1, target_end - method_end - 1);
  if (target_end == std::string_view::npos || target.empty() || !allOf(target, kBytes.visible)) {
    error_code = error::bad_target;
    return;
  }
  const auto version = parseVersion(line.substr(target_end + 1));
  if (!version) {
    error_code = error::bad_version;
    return;
  }
  version_ = *version;
  method_.assign(method);
  target_.assign(target);
}

void MessageParser::parseStatusLine(std::string_view line, ErrorCode& error_code) {
  // HTTP-version SP 3DIGIT [SP reason-phrase]; some servers leave out the space after the code.
  const auto version = parseVersion(line.substr(0, 8));
  if (line.size() < 12 || line[8] != ' ' || !version) {
    error_code = error::bad_version;
    return;
  }
  version_ = *version;

  const auto code = line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) || code[0] == '0') {
    error_code = error::bad_status;
    return;
  }
  status_ = static_cast<unsigned>((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));

  const auto rest = line.substr(12);
  if (!rest.empty() && (rest.front() != ' ' || !allOf(rest, kBytes.text))) error_code = error::bad_reason;
}

void MessageParser::addField(std::string_view head, std::string_view name, std::string_view value,
                             Framing& framing, ErrorCode& error_code) {
  if (sameToken(name, "content-length")) {
    const auto length = parseDecimal(value);
    // A repeated Content-Length must agree, or the body's end is ambiguous.
    if (!length || (framing.has_content_length && framing.content_length != *length)) {
      error_code = error::bad_content_length;
      return;
    }
    framing.has_content_length = true;
    framing.content_length = *length;
  } else if (sameToken(name, "transfer-encoding")) {
    // Only the last coding of the last field decides whether the body is chunked.
    framing.has_transfer_encoding = true;
    forEachListElement(value, [&](std::string_view coding) {
      const bool chunked = sameToken(coding, "chunked");
      // RFC 9112 section 7: a sender must not apply chunked more than once, so a second one
      // means the framing cannot be trusted.
      if (chunked && framing.chunked_seen) error_code = error::bad_transfer_encoding;
      framing.chunked_seen = framing.chunked_seen || chunked;
      framing.chunked_last = chunked;
    });
  } else if (sameToken(name, "connection")) {
    forEachListElement(value, [&](std::string_view option) {
      if (sameToken(option, "close")) framing.connection_close = true;
      if (sameToken(option, "keep-alive")) framing.connection_keep_alive = true;
    });
  }

  fields_.addFromHead(head, name, value);
}

void MessageParser::startBody(const Framing& framing, ErrorCode& error_code) {
  keep_alive_ = version_ >= 11 ? !framing.connection_close : framing.connection_keep_alive && !framing.connection_close;
  if (kind_ == MessageKind::Request) {
    startRequestBody(framing, error_code);
  } else {
    startResponseBody(framing, error_code);
  }
}

void MessageParser::startRequestBody(const Framing& framing, ErrorCode& error_code) {
  // RFC 9112 section 6.3. A request that has both framings, or a transfer coding other than
  // chunked last, has no reliable end. A server must reject it, because a proxy in front of it may
  // have read the message differently (request smuggling).
  if (framing.has_transfer_encoding) {
    if (framing.has_content_length || !framing.chunked_last) {
      error_code = error::bad_transfer_encoding;
      return;
    }
    state_ = State::ChunkSize;
    return;
  }
  if (framing.has_content_length) return expectLength(framing.content_length, error_code);
  state_ = State::Done;
}

void MessageParser::startResponseBody(const Framing& framing, ErrorCode& error_code) {
  // RFC 9112 section 6.3, in its order. The gateway never sends HEAD upstream.
  if (status_ < 200 || status_ == 204 || status_ == 304) {
    state_ = State::Done;
    return;
  }
  if (framing.has_transfer_encoding) {
    // With Transfer-Encoding, a Content-Length is ignored and the connection is not reused.
    if (framing.has_content_length || !framing.chunked_last) keep_alive_ = false;
    state_ = framing.chunked_last ? State::ChunkSize : State::UntilClose;
    return;
  }
  if (framing.has_content_length) return expectLength(framing.content_length, error_code);
  keep_alive_ = false;
  state_ = State::UntilClose;
}

void MessageParser::expectLength(std::uint64_t length, ErrorCode& error_code) {
  if (length > body_limit_) {
    error_code = error::body_limit;
    return;
  }
  remaining_ = length;
  state_ = remaining_ == 0 ? State::Done : State::Length;
  // A declared length is only a claim, so at most 1 MB is reserved ahead of the bytes.
  if (body_sink_ == nullptr) body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(length, 1 << 20)));
}

std::size_t MessageParser::putBody(std::string_view bytes, ErrorCode& error_code) {
  switch (state_) {
    case State::Length: {
      const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
      appendBody(bytes.substr(0, taken));
      remaining_ -= taken;
      if (remaining_ == 0) state_ = State::Done;
      return taken;
    }
    case State::UntilClose:
      if (body_size_ + bytes.size() > body_limit_) {
        error_code = error::body_limit;
        return 0;
      }
      appendBody(bytes);
      return bytes.size();
    case State::Done:
      return 0;
    default:
      return putChunked(bytes, error_code);
  }
}

std::size_t MessageParser::putChunked(std::string_view bytes, ErrorCode& error_code) {
  std::size_t used = 0;
  while (used < bytes.size() && state_ != State::Done) {
    const auto rest = bytes.substr(used);

    if (state_ == State::ChunkData) {
      const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      appendBody(rest.substr(0, taken));
      remaining_ -= taken;
      used += taken;
      if (remaining_ == 0) state_ = State::ChunkEnd;
      continue;
    }
    if (state_ == State::ChunkEnd) {
      if (rest.size() < 2) break;
      if (!rest.starts_with("\r\n")) {
        error_code = error::bad_chunk;
        return used;
      }
      used += 2;
      state_ = State::ChunkSize;
      continue;
    }

    // A chunk-size line or a trailer line: both wait until their CRLF has arrived.
    const auto line_end = rest.find("\r\n");
    if (line_end == std::string_view::npos) {
      if (rest.size() > kMaxChunkLine) error_code = error::bad_chunk;
      break;
    }
    const auto line = rest.substr(0, line_end);
    used += line_end + 2;
    if (state_ == State::Trailer) {
      // Trailer fields are not used; the empty line ends the message.
      if (line.empty()) state_ = State::Done;
      continue;
    }

    const auto size = parseChunkSize(line);
    if (!size) {
      error_code = error::bad_chunk;
      return used;
    }
    if (body_size_ + *size > body_limit_) {
      error_code = error::body_limit;
      return used;
    }
    remaining_ = *size;
    state_ = remaining_ == 0 ? State::Trailer : State::ChunkData;
  }
  return used;
}

void MessageParser::appendBody(std::string_view bytes) {
  body_size_ += bytes.size();
  (body_sink_ != nullptr ? *body_sink_ : body_).append(bytes);
}

}  // namespace pointsman::http
