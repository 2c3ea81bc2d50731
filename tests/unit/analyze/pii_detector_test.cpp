#include <pointsman/analyze/pii_detector.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

NameGazetteer smallGazetteer() {
  NameGazetteer names;
  names.add("maria", NameGazetteer::kFirstName);
  names.add("garcia", NameGazetteer::kSurname);
  names.add("yefremova", NameGazetteer::kSurname);
  names.add("will", NameGazetteer::kFirstName | NameGazetteer::kCommonWord);
  names.add("smith", NameGazetteer::kSurname | NameGazetteer::kCommonWord);
  // The gazetteer folds ASCII letters only, so a name with a non-ASCII capital is stored as written.
  names.add("Élodie", NameGazetteer::kFirstName);
  return names;
}

// The matched texts of one kind, in order.
std::vector<std::string> found(const PiiDetector& detector, std::string_view text, PiiKind kind) {
  std::vector<std::string> out;
  for (const auto& match : detector.findAll(text)) {
    if (match.kind == kind) out.emplace_back(text.substr(match.begin, match.end - match.begin));
  }
  return out;
}

using Texts = std::vector<std::string>;

TEST(PiiDetector, FindsEmailAddresses) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "Write to jane.doe+news@mail.example.org.", PiiKind::Email),
            Texts{"jane.doe+news@mail.example.org"});
  EXPECT_TRUE(found(detector, "@channel see you at 5", PiiKind::Email).empty());
  EXPECT_TRUE(found(detector, "user@localhost", PiiKind::Email).empty());
  EXPECT_TRUE(found(detector, "a@b.c", PiiKind::Email).empty());
}

TEST(PiiDetector, FindsCardsOnlyWithValidChecksum) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "card 4111 1111 1111 1111 exp 12/29", PiiKind::PaymentCard), Texts{"4111 1111 1111 1111"});
  EXPECT_TRUE(found(detector, "order 4111 1111 1111 1112", PiiKind::PaymentCard).empty());
  EXPECT_TRUE(found(detector, "id 4111111111111111abc", PiiKind::PaymentCard).empty());
}

TEST(PiiDetector, FindsIbansWithValidChecksum) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "IBAN: GB82 WEST 1234 5698 7654 32, thanks", PiiKind::Iban), Texts{"GB82 WEST 1234 5698 7654 32"});
  EXPECT_EQ(found(detector, "pay DE89370400440532013000 now", PiiKind::Iban), Texts{"DE89370400440532013000"});
  EXPECT_TRUE(found(detector, "pay DE89370400440532013001 now", PiiKind::Iban).empty());
}

TEST(PiiDetector, FindsSsnsButNotNeverAssignedOnes) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "SSN 123-45-6789.", PiiKind::UsSsn), Texts{"123-45-6789"});
  EXPECT_TRUE(found(detector, "SSN 666-45-6789", PiiKind::UsSsn).empty());
  EXPECT_TRUE(found(detector, "part 123-45-67890", PiiKind::UsSsn).empty());
}

TEST(PiiDetector, FindsIpv4AndIpv6Addresses) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "ssh to 10.0.12.7, then 2001:db8::42.", PiiKind::IpAddress),
            (Texts{"10.0.12.7", "2001:db8::42"}));
  EXPECT_EQ(found(detector, "loopback ::1 and fe80::1ff:fe23:4567:890a", PiiKind::IpAddress),
            (Texts{"::1", "fe80::1ff:fe23:4567:890a"}));
  EXPECT_TRUE(found(detector, "version 1.2.3.4.5 at 12:30", PiiKind::IpAddress).empty());
}

TEST(PiiDetector, FindsPhoneNumbersNotDatesOrLists) {
  const PiiDetector detector;
  EXPECT_EQ(found(detector, "call +44 20 7946 0958 today", PiiKind::Phone), Texts{"+44 20 7946 0958"});
  EXPECT_EQ(found(detector, "call (555) 123-4567", PiiKind::Phone), Texts{"(555) 123-4567"});
  EXPECT_EQ(found(detector, "tel 905-674-3793", PiiKind::Phone), Texts{"905-674-3793"});
  EXPECT_EQ(found(detector, "tel 0490 75 40 81", PiiKind::Phone), Texts{"0490 75 40 81"});
  EXPECT_EQ(found(detector, "tel +41 (0)96 471 07 95", PiiKind::Phone), Texts{"+41 (0)96 471 07 95"});
  EXPECT_EQ(found(detector, "tel (898)666-3621x0135.", PiiKind::Phone), Texts{"(898)666-3621x0135"});
  EXPECT_EQ(found(detector, "tel 0961-7596216", PiiKind::Phone), Texts{"0961-7596216"});
  EXPECT_TRUE(found(detector, "on 2024-01-15 we met", PiiKind::Phone).empty());
  EXPECT_TRUE(found(detector, "at 2003-08-28 12:30", PiiKind::Phone).empty());
  EXPECT_TRUE(found(detector, "items 1 22 333 4444", PiiKind::Phone).empty());
  EXPECT_TRUE(found(detector, "scores 10 20 30 40 50", PiiKind::Phone).empty());
  EXPECT_TRUE(found(detector, "pi is 3.14159265", PiiKind::Phone).empty());
}

TEST(PiiDetector, FindsSecretsByKnownPrefixes) {
  const PiiDetector detector;
  const std::vector<std::string> secrets = {
      "sk-proj-abcdefghijklmnopqrstuvwx1234",
      "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
      "xoxb-123456789012-abcdefghij",
      "AIzaSyA1234567890abcdefghijklmnopqrstu",
  };
  for (const auto& secret : secrets) {
    EXPECT_EQ(found(detector, "key=" + secret + " end", PiiKind::Secret), Texts{secret}) << secret;
  }
  EXPECT_EQ(found(detector, "-----BEGIN RSA PRIVATE KEY-----\nMIIEow", PiiKind::Secret),
            Texts{"-----BEGIN RSA PRIVATE KEY-----"});
  EXPECT_TRUE(found(detector, "use sk-learn and AKIA docs", PiiKind::Secret).empty());
  EXPECT_TRUE(found(detector, "-----BEGIN PUBLIC KEY-----", PiiKind::Secret).empty());
}

TEST(PiiDetector, FindsNamesFromGazetteerAndCues) {
  const PiiDetector detector(smallGazetteer());
  EXPECT_EQ(found(detector, "I met Maria Garcia today.", PiiKind::PersonName), Texts{"Maria Garcia"});
  EXPECT_EQ(found(detector, "Signed, Yefremova", PiiKind::PersonName), Texts{"Yefremova"});
  EXPECT_EQ(found(detector, "Ask Mr. Okonkwo about it", PiiKind::PersonName), Texts{"Okonkwo"});
  EXPECT_EQ(found(detector, "my name is Tadeusz", PiiKind::PersonName), Texts{"Tadeusz"});
  EXPECT_EQ(found(detector, "Will Smith starred", PiiKind::PersonName), Texts{"Will Smith"});
  EXPECT_EQ(found(detector, "Élodie wrote", PiiKind::PersonName), Texts{"Élodie"});
}

TEST(PiiDetector, IgnoresCommonWordsAndLowercase) {
  const PiiDetector detector(smallGazetteer());
  EXPECT_TRUE(found(detector, "Will it rain? Smith is a trade.", PiiKind::PersonName).empty());
  EXPECT_TRUE(found(detector, "maria garcia in lowercase", PiiKind::PersonName).empty());
  EXPECT_TRUE(found(detector, "The MARIA project", PiiKind::PersonName).empty());
}

TEST(PiiDetector, WithoutGazetteerFindsNoNames) {
  const PiiDetector detector;
  EXPECT_TRUE(found(detector, "Maria Garcia, Mr. Okonkwo", PiiKind::PersonName).empty());
}

TEST(PiiDetector, ReportsKindsOfMixedText) {
  const PiiDetector detector(smallGazetteer());
  const PiiKinds kinds = detector.findKinds("Maria Garcia <maria@example.com>, card 4111111111111111");
  EXPECT_TRUE(kinds.test(static_cast<std::size_t>(PiiKind::PersonName)));
  EXPECT_TRUE(kinds.test(static_cast<std::size_t>(PiiKind::Email)));
  EXPECT_TRUE(kinds.test(static_cast<std::size_t>(PiiKind::PaymentCard)));
  EXPECT_EQ(kinds.count(), 3u);
  EXPECT_TRUE(detector.findKinds("The weather is nice and 42 is a number.").none());
}

// The kinds of every match that findAll returns: the plain path that findKinds must agree with.
PiiKinds kindsOfAllMatches(const PiiDetector& detector, std::string_view text) {
  PiiKinds kinds;
  for (const auto& match : detector.findAll(text)) kinds.set(static_cast<std::size_t>(match.kind));
  return kinds;
}

// Once a name is found, findKinds passes over runs of capitalised words without the name check,
// except where a word of the run may start another match. In these texts the name check takes
// "Fe80" or "Gb82" as a surname, so no address or IBAN starts there, or leaves them to be scanned.
TEST(PiiDetector, FindKindsAgreesAfterKnownName) {
  const PiiDetector detector(smallGazetteer());
  const std::string iban = "Gb82 WEST 1234 5698 7654 32";
  const std::vector<std::string> texts = {
      "Maria Garcia wrote. Dear Anna Fe80::1 replied.",
      "Maria Garcia wrote. Dear Anna Bob Fe80::1 replied.",
      "Maria Garcia wrote. Anna Fe80::1 replied.",
      "Maria Garcia wrote. Dear Anna " + iban + " paid.",
      "Maria Garcia wrote. Dear Anna Bob " + iban + " paid.",
      "Maria Garcia wrote. Anna " + iban + " paid.",
      "Maria Garcia wrote. Dear Anna D. Fe80::1 replied.",
  };
  for (const auto& text : texts)
    EXPECT_EQ(detector.findKinds(text), kindsOfAllMatches(detector, text)) << text;
  // The texts reach both outcomes: a surname that hides an address, and an address scanned.
  EXPECT_FALSE(
      kindsOfAllMatches(detector, texts[0]).test(static_cast<std::size_t>(PiiKind::IpAddress)));
  EXPECT_TRUE(
      kindsOfAllMatches(detector, texts[1]).test(static_cast<std::size_t>(PiiKind::IpAddress)));
  EXPECT_TRUE(kindsOfAllMatches(detector, texts[5]).test(static_cast<std::size_t>(PiiKind::Iban)));
}

TEST(PiiDetector, FindKindsAgreesOnRandomNameRuns) {
  const PiiDetector detector(smallGazetteer());
  // Names, cues, initials, capitalised words that start an IPv6 address, an IBAN or a key, and
  // other kinds, so that name runs meet every way another scanner may start inside them.
  static const std::string kPieces[] = {
      "Maria", "Garcia", "Yefremova", "Will", "Smith", "Anna", "Bob", "Élodie", "\xC3\x89",
      "Dear", "Mr", "Dr.", "hi", "my name is", "Name:", "D.", "Fe80::1", "Abcd:ef01::1", "Ab12",
      "Gb82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32", "Akia", "AKIAIOSFODNN7EXAMPLE",
      "jane.doe@mail.example.org", "Maria@mail.org", "4111 1111 1111 1111", "12", "the", " ", " ",
      " ", ". ", ", ", "\n"};
  std::mt19937 random(20261207);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> length(1, 40);
  for (int i = 0; i < 20'000; ++i) {
    std::string text;
    for (int pieces = length(random); pieces > 0; --pieces)
      text += kPieces[pick(random)] + std::string(" ");
    ASSERT_EQ(detector.findKinds(text), kindsOfAllMatches(detector, text)) << text;
  }
}

// Runs that a scanner reads past its start ("1:1:1:...", "1.1.1...") must not be rescanned from
// each of their words. A quadratic scan of these 200 KB texts takes minutes, a linear one
// milliseconds, so the generous limit does not depend on the machine's speed.
TEST(PiiDetector, LongRunsScanInLinearTime) {
  const PiiDetector detector(smallGazetteer());
  std::vector<std::string> texts(5);
  for (int i = 0; i < 50'000; ++i) {
    texts[0] += "1:1:";
    texts[1] += "1.1.";
    texts[2] += "1-1-";
    texts[3] += "a@b@";
  }
  for (int i = 0; i < 18'000; ++i) texts[4] += "-----BEGIN ";
  for (const auto& text : texts) {
    const auto start = std::chrono::steady_clock::now();
    const auto matches = detector.findAll(text);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(2)) << text.substr(0, 12) << "... found " << matches.size();
  }
  // After a known name, findKinds must not walk a long run of capitalised words again from each
  // of its words to the address at its end.
  std::string name_run = "Maria Garcia wrote.";
  for (int i = 0; i < 60'000; ++i) name_run += " Ab";
  name_run += " Fe80::1";
  const auto start = std::chrono::steady_clock::now();
  const PiiKinds kinds = detector.findKinds(name_run);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2))
      << "name run, kinds " << kinds;
}

}  // namespace
}  // namespace pointsman::analyze
