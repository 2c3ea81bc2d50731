#include <pointsman/analyze/pii_validators.hpp>

#include <gtest/gtest.h>

namespace pointsman::analyze {
namespace {

TEST(PaymentCard, AcceptsLuhnValidNumbers) {
  EXPECT_TRUE(isValidPaymentCard("4111111111111111"));     // Visa test number
  EXPECT_TRUE(isValidPaymentCard("4111 1111 1111 1111"));  // grouped with spaces
  EXPECT_TRUE(isValidPaymentCard("5500-0000-0000-0004"));  // Mastercard, dashes
  EXPECT_TRUE(isValidPaymentCard("378282246310005"));      // American Express, 15 digits
  EXPECT_TRUE(isValidPaymentCard("6011111111111117"));     // Discover
}

TEST(PaymentCard, RejectsBadChecksumsAndLengths) {
  EXPECT_FALSE(isValidPaymentCard("4111111111111112"));
  EXPECT_FALSE(isValidPaymentCard("411111111111"));          // 12 digits
  EXPECT_FALSE(isValidPaymentCard("41111111111111111111"));  // 20 digits
  EXPECT_FALSE(isValidPaymentCard("4111x111111111111"));
  EXPECT_FALSE(isValidPaymentCard(""));
}

TEST(Iban, AcceptsValidChecksums) {
  EXPECT_TRUE(isValidIban("GB82WEST12345698765432"));
  EXPECT_TRUE(isValidIban("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(isValidIban("DE89370400440532013000"));
  EXPECT_TRUE(isValidIban("de89370400440532013000"));  // lowercase letters
  EXPECT_TRUE(isValidIban("NO9386011117947"));         // the shortest, 15 characters
}

TEST(Iban, RejectsBadChecksumsAndShapes) {
  EXPECT_FALSE(isValidIban("GB83WEST12345698765432"));  // check digits off by one
  EXPECT_FALSE(isValidIban("DE89370400440532013001"));  // account digit changed
  EXPECT_FALSE(isValidIban("1289370400440532013000"));  // no country code
  EXPECT_FALSE(isValidIban("GB82"));
  EXPECT_FALSE(isValidIban("GB82-WEST-1234-5698-7654-32"));
}

TEST(UsSsn, AcceptsAssignableNumbers) {
  EXPECT_TRUE(isValidUsSsn("123-45-6789"));
  EXPECT_TRUE(isValidUsSsn("899-01-0001"));
  EXPECT_TRUE(isValidUsSsn("665-99-9999"));
}

TEST(UsSsn, RejectsNeverAssignedAreasGroupsAndSerials) {
  EXPECT_FALSE(isValidUsSsn("000-45-6789"));  // area 000
  EXPECT_FALSE(isValidUsSsn("666-45-6789"));  // area 666
  EXPECT_FALSE(isValidUsSsn("900-45-6789"));  // areas 900-999
  EXPECT_FALSE(isValidUsSsn("999-45-6789"));
  EXPECT_FALSE(isValidUsSsn("123-00-6789"));  // group 00
  EXPECT_FALSE(isValidUsSsn("123-45-0000"));  // serial 0000
  EXPECT_FALSE(isValidUsSsn("123456789"));    // no dashes
  EXPECT_FALSE(isValidUsSsn("12a-45-6789"));
}

TEST(IpAddress, ChecksIpv4Quads) {
  EXPECT_TRUE(isValidIpv4("192.168.0.1"));
  EXPECT_TRUE(isValidIpv4("0.0.0.0"));
  EXPECT_TRUE(isValidIpv4("255.255.255.255"));
  EXPECT_FALSE(isValidIpv4("256.1.1.1"));
  EXPECT_FALSE(isValidIpv4("1.2.3"));
  EXPECT_FALSE(isValidIpv4("1.2.3.4.5"));
  EXPECT_FALSE(isValidIpv4("01.2.3.4"));
  EXPECT_FALSE(isValidIpv4("1..2.3"));
}

TEST(IpAddress, ChecksIpv6Forms) {
  EXPECT_TRUE(isValidIpv6("2001:db8::1"));
  EXPECT_TRUE(isValidIpv6("::1"));
  EXPECT_TRUE(isValidIpv6("fe80:0:0:0:200:f8ff:fe21:67cf"));
  EXPECT_TRUE(isValidIpv6("::ffff:192.0.2.128"));
  EXPECT_FALSE(isValidIpv6("2001:db8:::1"));
  EXPECT_FALSE(isValidIpv6("12:34"));
  EXPECT_FALSE(isValidIpv6("2001:dg8::1"));
}

}  // namespace
}  // namespace pointsman::analyze
