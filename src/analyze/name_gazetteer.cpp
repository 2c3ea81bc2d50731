#include <pointsman/analyze/name_gazetteer.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace pointsman::analyze {

std::uint64_t hashFoldedWord(std::string_view word) {
  FoldedWordHasher hasher;
  for (const char c : word) hasher.add(c);
  return hasher.value();
}

NameGazetteer NameGazetteer::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("failed to open the name gazetteer " + path.string() + ": check the path");
  NameGazetteer gazetteer;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      throw std::runtime_error(path.string() + ":" + std::to_string(number) +
                               ": expected `name<TAB>flags` with flags from F, L and A");
    }
    std::uint8_t flags = 0;
    for (const char flag : std::string_view(line).substr(tab + 1)) {
      if (flag == 'F') flags |= kFirstName;
      if (flag == 'L') flags |= kSurname;
      if (flag == 'A') flags |= kCommonWord;
    }
    gazetteer.add(std::string_view(line).substr(0, tab), flags);
  }
  return gazetteer;
}

void NameGazetteer::add(std::string_view name, std::uint8_t flags) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::uint64_t hash = hashFoldedWord(name);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i].hash == hash) {
      slots_[i].flags |= flags;
      return;
    }
    if (slots_[i].hash == 0) {
      slots_[i] = Slot{hash, flags};
      ++size_;
      return;
    }
  }
}

std::uint8_t NameGazetteer::lookup(std::string_view word) const { return lookupHash(hashFoldedWord(word)); }

std::uint8_t NameGazetteer::lookupHash(std::uint64_t hash) const {
  if (slots_.empty()) return 0;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i].hash == hash) return slots_[i].flags;
    if (slots_[i].hash == 0) return 0;
  }
}

void NameGazetteer::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.hash == 0) continue;
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = slot.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = slot;
    ++size_;
  }
}

}  // namespace pointsman::analyze
