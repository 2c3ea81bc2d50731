#pragma once

#include "config/load_context.hpp"

#include <pointsman/config/route_policy.hpp>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace pointsman::config {

/// Compiles the `when:` map at `path` into conditions. Reports unknown condition names, values
/// and operators with the path and the accepted spellings; a bad entry is left out.
std::vector<Condition> parseWhen(const YAML::Node& node, const std::string& path, LoadContext& context);

}  // namespace pointsman::config
