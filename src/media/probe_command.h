// The child side of media processing: `opendesign media-probe`, run by media/worker.h in a
// bounded child process. It caps its own memory (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it
// reads a byte of input, decodes one file and writes `result.json` plus the derivative files into
// the output directory. A crash, a bomb or an endless decode ends this process, not the server.
//
// result.json is either the description ({"kind": "image"|"video", ..., "derivatives": [...]})
// or {"error": {"code", "message"}}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/render.h"

namespace od::media {

struct ProbeArgs {
  std::string input;                 // the file to read
  std::string output_dir;            // existing, empty directory for result.json and derivatives
  std::string kind;                  // "image" or "video"
  std::vector<int> thumbnail_sizes;  // square boxes; WebP and JPEG of each
  std::optional<RenderSpec> render;  // set: render this one variant of an image instead
  int64_t max_pixels = 100'000'000;
  int memory_mb = 1024;
  int cpu_seconds = 60;
  int parent_pid = 0;  // > 0: exit at once unless this is still the parent (die_with_parent)
};

// The argument list after the executable (parsed back by add_probe_options in the CLI).
std::vector<std::string> probe_arguments(const ProbeArgs& args);

// The child's main: 0 on success, 3 when the file was refused (result.json says why), 4 when the
// output could not be written, 6 when the parent was gone before the run started. It dies with
// the server thread that started it.
int run_media_probe(const ProbeArgs& args);

}  // namespace od::media
