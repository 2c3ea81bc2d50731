#pragma once

#include <string>
#include <vector>

namespace pointsman::api {

/// One entry of `GET /v1/models`: a route or a deployment name a client may put in `model`.
struct ModelEntry {
  std::string id;
  std::string owned_by;
};

/// The OpenAI list shape, `{"object":"list","data":[{"id","object":"model","created","owned_by"}]}`.
std::string modelsListBody(const std::vector<ModelEntry>& entries);

/// One model object, as `GET /v1/models/{id}` returns it.
std::string modelBody(const ModelEntry& entry);

}  // namespace pointsman::api
