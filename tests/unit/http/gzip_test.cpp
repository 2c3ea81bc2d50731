#include "pointsman/http/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace pointsman::http {
namespace {

constexpr std::size_t kNoLimit = std::size_t{64} * 1024 * 1024;

std::string sampleText() {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text +=
        "data: {\"choices\":[{\"delta\":{\"content\":\"token " + std::to_string(i) + "\"}}]}\n\n";
  }
  return text;
}

// Compresses with zlib's own framing (window bits 15 for zlib, -15 for raw deflate).
std::string deflateWith(std::string_view plain, int window_bits) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string output(deflateBound(&stream, static_cast<uLong>(plain.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  output.resize(stream.total_out);
  deflateEnd(&stream);
  return output;
}

TEST(Gzip, RoundTrip) {
  const std::string plain = sampleText();
  const std::string compressed = gzipCompress(plain);
  ASSERT_FALSE(compressed.empty());
  EXPECT_LT(compressed.size(), plain.size());
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);

  const auto decompressed = gunzip(compressed, kNoLimit);
  ASSERT_TRUE(decompressed.has_value());
  EXPECT_EQ(*decompressed, plain);
}

TEST(Gzip, EmptyAndBinaryRoundTrip) {
  const auto empty = gunzip(gzipCompress(""), kNoLimit);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, "");

  std::string binary;
  for (int i = 0; i < 70000; ++i) binary.push_back(static_cast<char>((i * 7919) % 256));
  const auto decoded = gunzip(gzipCompress(binary), kNoLimit);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, binary);
}

TEST(Gzip, ZlibFraming) {
  const std::string plain = sampleText();
  const auto decompressed = gunzip(deflateWith(plain, 15), kNoLimit);
  ASSERT_TRUE(decompressed.has_value());
  EXPECT_EQ(*decompressed, plain);
}

TEST(Gzip, RawDeflateFraming) {
  const std::string plain = sampleText();
  const auto decompressed = gunzip(deflateWith(plain, -15), kNoLimit);
  ASSERT_TRUE(decompressed.has_value());
  EXPECT_EQ(*decompressed, plain);
}

TEST(Gzip, ConcatenatedMembers) {
  const auto decompressed = gunzip(gzipCompress("first ") + gzipCompress("second"), kNoLimit);
  ASSERT_TRUE(decompressed.has_value());
  EXPECT_EQ(*decompressed, "first second");
}

TEST(Gzip, CorruptInputRejected) {
  EXPECT_FALSE(gunzip("", kNoLimit).has_value());
  EXPECT_FALSE(gunzip("this is not compressed at all", kNoLimit).has_value());

  std::string flipped = gzipCompress(sampleText());
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  EXPECT_FALSE(gunzip(flipped, kNoLimit).has_value());

  std::string badChecksum = gzipCompress("checksum covers this");
  badChecksum[badChecksum.size() - 6] = static_cast<char>(badChecksum[badChecksum.size() - 6] ^ 1);
  EXPECT_FALSE(gunzip(badChecksum, kNoLimit).has_value());
}

TEST(Gzip, TruncatedInputRejected) {
  const std::string compressed = gzipCompress(sampleText());
  for (const std::size_t length :
       {std::size_t{1}, std::size_t{10}, compressed.size() / 2, compressed.size() - 1}) {
    EXPECT_FALSE(gunzip(compressed.substr(0, length), kNoLimit).has_value()) << "length " << length;
  }
}

TEST(Gzip, TrailingGarbageRejected) {
  EXPECT_FALSE(gunzip(gzipCompress("body") + "junk", kNoLimit).has_value());
}

TEST(Gzip, OutputLimit) {
  const std::string plain(100000, 'a');
  const std::string compressed = gzipCompress(plain);

  EXPECT_FALSE(gunzip(compressed, plain.size() - 1).has_value());
  EXPECT_FALSE(gunzip(compressed, 1000).has_value());
  EXPECT_FALSE(gunzip(deflateWith(plain, 15), 1000).has_value());

  const auto exact = gunzip(compressed, plain.size());
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->size(), plain.size());
}

}  // namespace
}  // namespace pointsman::http
