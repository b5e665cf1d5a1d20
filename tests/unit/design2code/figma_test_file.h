// A Figma file (GET /v1/files/:key response) for the importer's tests: one page holding `nodes`.
#pragma once

#include <nlohmann/json.hpp>

namespace od::design2code {

inline nlohmann::json figma_file(nlohmann::json nodes) {
  using nlohmann::json;
  return {{"name", "File"},
          {"lastModified", "2024-01-01T00:00:00Z"},
          {"document",
           {{"id", "0:0"},
            {"type", "DOCUMENT"},
            {"children", json::array({{{"id", "0:1"},
                                       {"type", "CANVAS"},
                                       {"name", "Page 1"},
                                       {"children", std::move(nodes)}}})}}}};
}

}  // namespace od::design2code
