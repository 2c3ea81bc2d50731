#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// A set of first names and surnames for the person-name check, read from a file of lines
/// `name<TAB>flags` (see models/README.md). Lookups hash the word and compare 64-bit hashes only:
/// with about 20,000 names, two different words share a hash with odds near 10^-11.
class NameGazetteer {
 public:
  /// Flags of one name.
  enum Flag : std::uint8_t {
    kFirstName = 1,
    kSurname = 2,
    /// Also a lowercase English word ("will", "rose"), so the name needs more context.
    kCommonWord = 4,
  };

  NameGazetteer() = default;

  /// Reads the gazetteer file. Throws std::runtime_error naming the file and line on a missing
  /// file or a malformed line, because it runs when the config loads, never on a request.
  static NameGazetteer load(const std::filesystem::path& path);

  /// Adds one name; `name` is matched without regard to ASCII case.
  void add(std::string_view name, std::uint8_t flags);

  /// The flags of `word`, compared without regard to ASCII case; 0 when it is not a name.
  std::uint8_t lookup(std::string_view word) const;

  /// `lookup` for a word whose `hashFoldedWord` the caller computed while it read the word.
  std::uint8_t lookupHash(std::uint64_t hash) const;

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint8_t flags = 0;
  };

  void grow();

  /// Open addressing with linear probing; a hash of 0 marks an empty slot.
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

/// The 64-bit FNV-1a hash of `word` with ASCII letters lowercased.
std::uint64_t hashFoldedWord(std::string_view word);

/// hashFoldedWord fed one byte at a time, for a scanner that hashes a word while it reads it.
class FoldedWordHasher {
 public:
  void add(char c) {
    const auto byte = static_cast<unsigned char>(c);
    hash_ = (hash_ ^ ((byte >= 'A' && byte <= 'Z') ? byte + 32 : byte)) * 1099511628211ull;
  }

  /// `add` for a byte that the caller has already lowercased, if it is an ASCII capital.
  void addLowercase(unsigned char byte) { hash_ = (hash_ ^ byte) * 1099511628211ull; }

  /// The hash of the bytes added so far; never 0, which marks an empty gazetteer slot.
  std::uint64_t value() const { return hash_ == 0 ? 1 : hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace pointsman::analyze
