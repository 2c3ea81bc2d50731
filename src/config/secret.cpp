#include <pointsman/config/secret.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace pointsman::config {

namespace {

constexpr std::string_view kMask = "***sha256:";
constexpr std::size_t kDigestBytesShown = 4;  // 8 hex digits

}  // namespace

std::string Secret::redacted() const {
  if (value_.empty()) {
    return "";
  }

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digestLength = 0;
  const bool hashed = EVP_Digest(value_.data(), value_.size(), digest.data(), &digestLength,
                                 EVP_sha256(), nullptr) == 1;

  // Without a digest the mask alone is still safe to print; it just cannot tell keys apart.
  std::string text(kMask);
  if (!hashed || digestLength < kDigestBytesShown) {
    return text + "unavailable";
  }
  for (std::size_t i = 0; i < kDigestBytesShown; ++i) {
    std::array<char, 3> hex{};
    std::snprintf(hex.data(), hex.size(), "%02x", digest[i]);
    text += hex.data();
  }
  return text;
}

}  // namespace pointsman::config
