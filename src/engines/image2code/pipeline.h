// Screenshot to canvas document: the stages in order (load, OCR with large type read again,
// regions and shapes, typography with recall passes over display type and over boxes the first
// OCR pass missed, structure and auto-layout, components, tokens, assets), each timed and
// reported to an optional progress callback. The entry point the CLI and the job use; no
// network, no model download.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engines/image2code/canvas_writer.h"
#include "engines/image2code/image_loader.h"
#include "engines/image2code/layout.h"
#include "engines/image2code/segmentation.h"
#include "engines/image2code/text_blocks.h"
#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

struct Image2CodeOptions {
  LoadLimits limits;
  OcrOptions ocr;
  TextBlockOptions text;
  SegmentOptions segment;
  LayoutOptions layout;
  CanvasOptions canvas;
  size_t max_assets = 500;  // image crops written; smaller pictures beyond it are dropped
  int max_box_reads = 80;   // second OCR pass: boxes read on their own (buttons, badges, bars)
};

struct StageTiming {
  std::string stage;
  double milliseconds = 0;      // wall clock
  double cpu_milliseconds = 0;  // process CPU time: what the stage costs on a busy machine
};

struct Image2CodeResult {
  nlohmann::json document;                    // the canvas document
  std::map<std::string, std::string> assets;  // file name (the node's assetId) -> PNG bytes
  std::vector<StageTiming> timings;
  int width = 0, height = 0;
};

// Called after each stage with its name and its number out of `total`.
using ProgressFn = std::function<void(std::string_view stage, int done, int total)>;

// Throws ImageError for pictures that cannot be read or break the limits, std::runtime_error
// when Tesseract is not installed.
Image2CodeResult image_to_canvas(std::string_view bytes, const Image2CodeOptions& options = {},
                                 const ProgressFn& progress = {});

}  // namespace od::image2code
