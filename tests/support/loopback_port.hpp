#pragma once

#include <cstdint>

namespace pointsman::test {

/// Returns a 127.0.0.1 port that nothing listens on: bound by the kernel, then released. Another
/// process could take it in between, which on a test machine is unlikely.
std::uint16_t unusedLoopbackPort();

}  // namespace pointsman::test
