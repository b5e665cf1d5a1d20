// `opendesign design2code <design.json> --target html|react|vue -o <dir> [--frame id|name]`:
// compiles a canvas document file into a directory of generated code, without starting the
// server.
#pragma once

#include <iosfwd>
#include <string>

namespace od::app {

struct Design2CodeArgs {
  std::string input;
  std::string target = "html";
  std::string output_dir;
  std::string frame;
};

// Returns the process exit code: 0 written, 1 invalid document or I/O failure (explained on
// `err`, one line per problem with its JSON pointer).
int run_design2code(const Design2CodeArgs& args, std::ostream& out, std::ostream& err);

}  // namespace od::app
