// `opendesign image2code <shot.png> --target html|react|vue|canvas -o <dir> [--timings]`: turns
// a screenshot into a canvas document (<dir>/design.json), its picture crops (<dir>/assets/) and,
// for a code target, the code the design-to-code engine generates from that document.
#pragma once

#include <iosfwd>
#include <string>

namespace od::app {

struct Image2CodeArgs {
  std::string input;
  std::string target = "html";
  std::string output_dir;
  bool timings = false;  // print each stage's time on `err`
};

// Returns the process exit code: 0 written, 1 unreadable picture, unknown target or I/O failure
// (one line on `err` saying which).
int run_image2code(const Image2CodeArgs& args, std::ostream& out, std::ostream& err);

}  // namespace od::app
