#pragma once

#include <string_view>

namespace pointsman::analyze {

/// Checks a payment card number of 13 to 19 digits by the Luhn checksum (ISO/IEC 7812-1).
/// Spaces and dashes between digit groups are ignored; any other character fails the check.
bool isValidPaymentCard(std::string_view number);

/// Checks an IBAN by its shape (two letters, two check digits, 11 to 30 letters or digits) and
/// the ISO 13616 mod-97 checksum. Spaces are ignored and letters may be in either case.
bool isValidIban(std::string_view iban);

/// Checks a US social security number written `AAA-GG-SSSS`: the area is not 000, 666 or
/// 900-999, the group is not 00 and the serial is not 0000 (SSA rules since 2011).
bool isValidUsSsn(std::string_view ssn);

/// Checks a dotted-quad IPv4 address: four decimal numbers of at most 255 without leading zeros.
bool isValidIpv4(std::string_view address);

/// Checks an IPv6 address in any RFC 4291 text form, with `::` and an IPv4 tail.
bool isValidIpv6(std::string_view address);

}  // namespace pointsman::analyze
