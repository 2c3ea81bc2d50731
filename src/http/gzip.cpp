#include "pointsman/http/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>

namespace pointsman::http {

namespace {

// zlib takes lengths as uInt, so longer input is passed in slices of at most this size.
constexpr std::size_t kMaxSliceBytes = UINT_MAX;
constexpr std::size_t kOutputChunkBytes = std::size_t{16} * 1024;

// Window-bits values for inflateInit2: 15 + 32 detects a gzip or zlib header, -15 reads raw
// deflate without a header.
constexpr int kDetectHeaderWindowBits = 15 + 32;
constexpr int kRawDeflateWindowBits = -15;
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kDefaultMemoryLevel = 8;

// Owns a z_stream set up for inflating and ends it on every return path.
class Inflater {
 public:
  explicit Inflater(int window_bits) { ok_ = inflateInit2(&stream_, window_bits) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

void refillInput(z_stream& stream, std::string_view compressed, std::size_t& consumed) {
  if (stream.avail_in != 0 || consumed == compressed.size()) return;

  const std::size_t slice = std::min(kMaxSliceBytes, compressed.size() - consumed);
  // zlib's interface is not const-correct but never writes to the input.
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + consumed));
  stream.avail_in = static_cast<uInt>(slice);
  consumed += slice;
}

// Inflates all of `compressed` with the given framing. A stream end followed by more input starts
// the next member, so concatenated gzip members work and trailing garbage fails.
std::optional<std::string> inflateAll(std::string_view compressed, std::size_t max_output_bytes,
                                      int window_bits) {
  Inflater inflater(window_bits);
  if (!inflater.ok()) return std::nullopt;
  z_stream& stream = inflater.stream();

  std::string output;
  std::array<unsigned char, kOutputChunkBytes> chunk{};
  std::size_t consumed = 0;
  while (true) {
    refillInput(stream, compressed, consumed);
    stream.next_out = chunk.data();
    stream.avail_out = static_cast<uInt>(chunk.size());

    const int status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - stream.avail_out;
    if (produced > max_output_bytes - output.size()) return std::nullopt;
    output.append(reinterpret_cast<const char*>(chunk.data()), produced);

    const bool inputLeft = stream.avail_in != 0 || consumed != compressed.size();
    if (status == Z_STREAM_END) {
      if (!inputLeft) return output;
      if (inflateReset(&stream) != Z_OK) return std::nullopt;
      continue;
    }
    // Z_OK means inflate made progress. Z_BUF_ERROR means it could not, because the input ended
    // before the stream did.
    if (status != Z_OK) return std::nullopt;
  }
}

bool startsWithGzipMagic(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == '\x1f' && bytes[1] == '\x8b' && bytes[2] == Z_DEFLATED;
}

}  // namespace

std::optional<std::string> gunzip(std::string_view compressed, std::size_t max_output_bytes) {
  std::optional<std::string> output =
      inflateAll(compressed, max_output_bytes, kDetectHeaderWindowBits);
  if (output) return output;

  // Input with the 3-byte gzip magic is never raw deflate. Everything else is retried as raw
  // deflate, also input that passed zlib's 5-bit header check, because raw deflate can pass that
  // check by chance. Read as raw deflate, a genuine zlib header starts a stored block whose
  // length check fails except by rare coincidence.
  if (startsWithGzipMagic(compressed)) return std::nullopt;
  return inflateAll(compressed, max_output_bytes, kRawDeflateWindowBits);
}

std::string gzipCompress(std::string_view plain) {
  z_stream stream{};
  const int initStatus = deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits,
                                      kDefaultMemoryLevel, Z_DEFAULT_STRATEGY);
  if (initStatus != Z_OK) {
    return {};
  }

  std::string output;
  std::array<unsigned char, kOutputChunkBytes> chunk{};
  std::size_t consumed = 0;
  int status = Z_OK;
  while (status == Z_OK) {
    refillInput(stream, plain, consumed);
    const int flush = (stream.avail_in == 0 && consumed == plain.size()) ? Z_FINISH : Z_NO_FLUSH;
    stream.next_out = chunk.data();
    stream.avail_out = static_cast<uInt>(chunk.size());

    status = deflate(&stream, flush);
    output.append(reinterpret_cast<const char*>(chunk.data()), chunk.size() - stream.avail_out);
  }

  deflateEnd(&stream);
  if (status != Z_STREAM_END) return {};
  return output;
}

}  // namespace pointsman::http
