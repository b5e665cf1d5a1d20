// Figma paints, strokes, effects and text styles as canvas JSON (docs/canvas-schema.md, "Figma
// import"): the part of the importer that converts values rather than walking the tree. Problems
// are added to the importer's issues at paths into the Figma JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engines/design2code/validate.h"

namespace od::design2code {

// Rounds to 3 decimals so imported numbers print the same way every time.
double round3(double v);

class FigmaStyles {
 public:
  FigmaStyles(Issues& issues, const Limits& limits);

  // The visible paints of `key` ("fills", "strokes") of the node read by `r`, whose box is
  // `width` x `height` (gradient handles are fractions of it).
  nlohmann::json paints(const Reader& r, const char* key, double width, double height);
  // One canvas stroke from the node's strokes and weights; nullopt when nothing visible is left.
  std::optional<nlohmann::json> stroke(const Reader& r, double width, double height);
  nlohmann::json effects(const Reader& r);
  // A Figma TypeStyle, or a partial one from styleOverrideTable.
  nlohmann::json text_style(const nlohmann::json& style, const std::string& path);
  // characterStyleOverrides + styleOverrideTable as canvas runs; null when the text is uniform.
  nlohmann::json runs(const Reader& r, const std::string& characters);

 private:
  std::optional<std::string> color(const nlohmann::json& v, const std::string& path,
                                   double opacity);
  std::optional<nlohmann::json> paint(const nlohmann::json& p, const std::string& path,
                                      double width, double height);

  Issues& issues_;
  const Limits& limits_;
};

}  // namespace od::design2code
