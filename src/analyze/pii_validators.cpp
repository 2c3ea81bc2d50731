#include <pointsman/analyze/pii_validators.hpp>

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <string>

namespace pointsman::analyze {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int digitValue(char c) { return c - '0'; }

// Maps an IBAN character to its mod-97 value: digits stay, letters count from A = 10.
int ibanValue(char c) {
  if (isDigit(c)) return digitValue(c);
  return std::toupper(static_cast<unsigned char>(c)) - 'A' + 10;
}

}  // namespace

bool isValidPaymentCard(std::string_view number) {
  std::array<int, 19> digits{};
  std::size_t count = 0;
  for (const char c : number) {
    if (c == ' ' || c == '-') continue;
    if (!isDigit(c) || count == digits.size()) return false;
    digits[count++] = digitValue(c);
  }
  if (count < 13) return false;

  int sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    int digit = digits[count - 1 - i];
    // Every second digit from the right is doubled, and a two-digit result adds its digits.
    if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 == 0;
}

bool isValidIban(std::string_view iban) {
  std::string compact;
  for (const char c : iban) {
    if (c == ' ') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    compact.push_back(c);
  }
  if (compact.size() < 15 || compact.size() > 34) return false;
  if (!std::isalpha(static_cast<unsigned char>(compact[0])) || !std::isalpha(static_cast<unsigned char>(compact[1])) ||
      !isDigit(compact[2]) || !isDigit(compact[3])) {
    return false;
  }

  // The country code and check digits move to the end. Read in base 10, with each letter as two
  // digits, the number must leave 1 modulo 97. Folding digit by digit keeps the remainder small.
  const std::string rearranged = compact.substr(4) + compact.substr(0, 4);
  int remainder = 0;
  for (const char c : rearranged) {
    const int value = ibanValue(c);
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder == 1;
}

bool isValidUsSsn(std::string_view ssn) {
  if (ssn.size() != 11 || ssn[3] != '-' || ssn[6] != '-') return false;
  for (const std::size_t i : {0, 1, 2, 4, 5, 7, 8, 9, 10}) {
    if (!isDigit(ssn[i])) return false;
  }
  const int area = std::stoi(std::string(ssn.substr(0, 3)));
  const int group = std::stoi(std::string(ssn.substr(4, 2)));
  const int serial = std::stoi(std::string(ssn.substr(7, 4)));
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

bool isValidIpv4(std::string_view address) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    int value = 0;
    while (i < address.size() && isDigit(address[i]) && i - start < 3) value = value * 10 + digitValue(address[i++]);
    const std::size_t length = i - start;
    if (length == 0 || value > 255 || (length > 1 && address[start] == '0')) return false;
    ++parts;
    if (i == address.size()) return parts == 4;
    if (address[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool isValidIpv6(std::string_view address) {
  if (address.size() < 2 || address.size() > 45) return false;
  const std::string text(address);
  in6_addr parsed{};
  return inet_pton(AF_INET6, text.c_str(), &parsed) == 1;
}

}  // namespace pointsman::analyze
