#pragma once

#include <array>
#include <pointsman/analyze/features.hpp>
#include <string_view>

namespace pointsman::analyze {

/// The sums of the weights of each task type, before the softmax.
using TaskLogits = std::array<float, kTaskTypeCount>;

/// Adds the weight row of each feature bucket of `text` to `logits`, in the order in which
/// appendTaskFeatures lists the buckets, so that the sums are bit for bit those of adding the
/// rows of that list. `weights` has kTaskFeatureBuckets rows of kTaskTypeCount floats. The
/// classifier takes this path so that it does not store the buckets first.
void addTaskFeatureWeights(std::string_view text, const float* weights, TaskLogits& logits);

}  // namespace pointsman::analyze
