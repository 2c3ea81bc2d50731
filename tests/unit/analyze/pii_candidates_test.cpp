#include <pointsman/analyze/pii_detector.hpp>

#include "analyze/text_scan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pointsman::analyze {
namespace {

std::vector<std::uint8_t> marksOf(std::string_view text) {
  std::vector<std::uint8_t> marks(text.size());
  for (std::size_t block = 0; block < text.size(); block += scan::kCandidateBlockBytes) {
    const std::uint64_t candidates = scan::markPiiCandidates(text, block);
    for (std::size_t k = 0; k < scan::kCandidateBlockBytes && block + k < text.size(); ++k) {
      marks[block + k] = static_cast<std::uint8_t>((candidates >> k) & 1);
    }
  }
  return marks;
}

// Samples whose match starts at their first byte, one for each way a scanner can start,
// including the lowercase words that the candidate pass must not skip.
const std::vector<std::pair<PiiKind, std::string>> kSamples = {
    {PiiKind::Email, "jane.doe@mail.example.org"},
    {PiiKind::PaymentCard, "4111 1111 1111 1111"},
    {PiiKind::Iban, "GB82 WEST 1234 5698 7654 32"},
    {PiiKind::UsSsn, "123-45-6789"},
    {PiiKind::IpAddress, "10.0.12.7"},
    {PiiKind::IpAddress, "fe80::1ff:fe23:4567:890a"},
    {PiiKind::IpAddress, "abcd:ef01::1"},
    {PiiKind::IpAddress, "::1"},
    {PiiKind::Phone, "+44 20 7946 0958"},
    {PiiKind::Phone, "(555) 123-4567"},
    {PiiKind::Secret, "sk-proj-abcdefghijklmnopqrstuvwx1234"},
    {PiiKind::Secret, "sk_live_abcdefghijklmnopqrstuvwx"},
    {PiiKind::Secret, "rk_live_abcdefghijklmnopqrstuvwx"},
    {PiiKind::Secret, "ghp_0123456789abcdefghijklmnopqrstuvwxyz"},
    {PiiKind::Secret, "github_pat_0123456789abcdefghijklmnopqrstuvwxyz"},
    {PiiKind::Secret, "xoxb-123456789012-abcdefghij"},
    {PiiKind::Secret, "AKIAIOSFODNN7EXAMPLE"},
    {PiiKind::Secret, "-----BEGIN RSA PRIVATE KEY-----"},
};

TEST(PiiCandidates, SkipsPlainLowercaseWords) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += "the quick brown fox jumps over the lazy dog and runs home ";
  const auto marks = marksOf(text);
  // The first byte and the last five have no neighbours to test, so they stay marked.
  for (std::size_t at = 1; at + 5 < text.size(); ++at) EXPECT_EQ(marks[at], 0) << "at " << at;
}

TEST(PiiCandidates, MarksEveryScannerStart) {
  // Padding puts the sample in a block away from both ends of the text, which is marked on bit
  // masks instead of byte by byte.
  std::string padding;
  for (int i = 0; i < 30; ++i) padding += "word ";
  for (const auto& [kind, sample] : kSamples) {
    for (const std::string& before : {std::string("see "), padding}) {
      const std::string text = before + sample + " here " + padding;
      // The email scanner starts at the `@` and looks back over the local part.
      const std::size_t start = kind == PiiKind::Email ? text.find('@') : before.size();
      EXPECT_NE(marksOf(text)[start], 0) << sample << " after " << before.size() << " bytes";
    }
  }
}

TEST(PiiCandidates, MarksCapitalsDigitsAndSymbolsAtWordStarts) {
  const std::string text = "a Word 42 (x) +1 -y :z @ b";
  const auto marks = marksOf(text);
  for (const std::size_t at : {2u, 7u, 10u, 14u, 17u, 20u, 23u}) EXPECT_NE(marks[at], 0) << "at " << at;
  // Inside a word, and at a plain lowercase word, nothing starts.
  EXPECT_EQ(marks[3], 0);
  EXPECT_EQ(marks[8], 0);
  EXPECT_EQ(marks[11], 0);
}

TEST(PiiDetector, FindsSamplesAcrossChunkBoundaries) {
  const PiiDetector detector;
  // The first block and the last ones are marked byte by byte, the blocks between them on bit
  // masks, so the samples cross the edge of both kinds of block.
  for (const std::size_t boundary : {scan::kCandidateBlockBytes, 4 * scan::kCandidateBlockBytes}) {
    for (const auto& [kind, sample] : kSamples) {
      for (std::size_t offset = boundary - sample.size() - 2; offset <= boundary + 2; ++offset) {
        std::string text(offset - 1, 'x');
        text += ' ' + sample + " tail words here";
        const auto matches = detector.findAll(text);
        ASSERT_EQ(matches.size(), 1u) << sample << " at " << offset;
        EXPECT_EQ(matches[0].kind, kind) << sample << " at " << offset;
        EXPECT_EQ(matches[0].begin, offset) << sample << " at " << offset;
        EXPECT_EQ(matches[0].end, offset + sample.size()) << sample << " at " << offset;
      }
    }
  }
}

constexpr scan::CandidateReader kVectorReaders[] = {scan::CandidateReader::Sse2, scan::CandidateReader::Avx2};

// Checks that every supported vector reader marks each block of `text` as the byte-by-byte reader
// does, and returns how many blocks it compared.
int expectReadersAgree(std::string_view text, std::string_view label) {
  int compared = 0;
  for (std::size_t block = 0; block < text.size(); block += scan::kCandidateBlockBytes) {
    const std::uint64_t expected = scan::markPiiCandidatesWith(scan::CandidateReader::ByteByByte, text, block);
    EXPECT_EQ(scan::markPiiCandidates(text, block), expected) << label << " block at " << block;
    for (const auto reader : kVectorReaders) {
      if (!scan::candidateReaderSupported(reader)) continue;
      EXPECT_EQ(scan::markPiiCandidatesWith(reader, text, block), expected)
          << label << " reader " << static_cast<int>(reader) << " block at " << block;
      ++compared;
    }
  }
  return compared;
}

// Bytes of every class that the candidate pass tests, so that random texts hit each rule.
std::string randomCandidateText(std::mt19937& random, std::size_t size) {
  static const std::string kPieces[] = {"a", "f", "z", "A", "Z", "0", "9", "_", " ", "\n", ":", "@", "+", "(", "-",
                                        ".", "sk", "gh", "gi", "xo", "rk", "s", "k", "\xC3", "\x80", "\xFF", "\t",
                                        "GB82", "fe80::", "ab12"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::string text;
  while (text.size() < size) text += kPieces[pick(random)];
  return text;
}

TEST(PiiCandidates, VectorReadersMatchByteReaderOnRandomText) {
  std::mt19937 random(20261205);
  std::uniform_int_distribution<std::size_t> size(0, 400);
  int compared = 0;
  for (int i = 0; i < 3000; ++i) compared += expectReadersAgree(randomCandidateText(random, size(random)), "random");
  // The SSE2 reader exists on every x86-64 build, where a run that compared nothing is broken.
  if (scan::candidateReaderSupported(scan::CandidateReader::Sse2)) EXPECT_GT(compared, 0);
}

/// Returns the shipped data files the readers are compared on, as (path, contents). An unreadable
/// file gives empty contents, which the callers' checks then report.
std::vector<std::pair<std::string, std::string>> shippedTexts() {
  const auto models = std::filesystem::path(__FILE__).parent_path() / "../../../models";
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& file : {models / "task_data/handwritten.tsv", models / "person_names.tsv"}) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    texts.emplace_back(file.string(), text.str());
  }
  return texts;
}

TEST(PiiCandidates, VectorReadersMatchByteReaderOnShippedText) {
  for (const auto& [file, text] : shippedTexts()) {
    ASSERT_FALSE(text.empty()) << file;
    const int compared = expectReadersAgree(text, file);
    if (scan::candidateReaderSupported(scan::CandidateReader::Sse2)) EXPECT_GT(compared, 0) << file;
  }
}

// Checks that markPiiCandidateBlocks, in batches of several sizes, marks each block of `text` as
// the byte-by-byte reader does.
void expectBatchesAgree(std::string_view text, std::string_view label) {
  for (const std::size_t batch_blocks : {1, 3, 16}) {
    std::vector<std::uint64_t> marks(batch_blocks);
    const std::size_t batch_bytes = batch_blocks * scan::kCandidateBlockBytes;
    for (std::size_t begin = 0; begin < text.size(); begin += batch_bytes) {
      const std::size_t count = scan::markPiiCandidateBlocks(text, begin, marks);
      const std::size_t blocks_left =
          (text.size() - begin + scan::kCandidateBlockBytes - 1) / scan::kCandidateBlockBytes;
      ASSERT_EQ(count, std::min(batch_blocks, blocks_left)) << label << " batch at " << begin;
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t block = begin + k * scan::kCandidateBlockBytes;
        EXPECT_EQ(marks[k],
                  scan::markPiiCandidatesWith(scan::CandidateReader::ByteByByte, text, block))
            << label << " batches of " << batch_blocks << ", block at " << block;
      }
    }
  }
}

TEST(PiiCandidates, BatchesMatchByteReaderOnRandomText) {
  std::mt19937 random(20261206);
  std::uniform_int_distribution<std::size_t> size(0, 2500);
  for (int i = 0; i < 400; ++i)
    expectBatchesAgree(randomCandidateText(random, size(random)), "random");
}

TEST(PiiCandidates, BatchesMatchByteReaderOnShippedText) {
  for (const auto& [file, text] : shippedTexts()) {
    ASSERT_FALSE(text.empty()) << file;
    expectBatchesAgree(text, file);
  }
}

}  // namespace
}  // namespace pointsman::analyze
