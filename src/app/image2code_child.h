// `opendesign image2code-child`: the bounded child process an image2code job runs the
// screenshot engine in (app/image2code_job.h), so that a decoder or OCR crash, a memory blow-up
// or an endless run ends this process and fails one job, never the server. Internal: the server
// starts it; people use `opendesign image2code`.
//
// It ends with the server thread that started it (PR_SET_PDEATHSIG): a server killed mid-run
// leaves no child spending its CPU budget on a result nobody will read. With --parent-pid it also
// ends at once when that parent is gone already (it died before the child could ask).
// It caps its own memory (RLIMIT_AS) and CPU time (RLIMIT_CPU) before reading any input, prints
// "stage <name> <done>/<total>" on stdout as each pipeline stage ends (the parent turns these into
// progress events), and writes into the output directory:
//   design.json, assets/<name>.png and result.json = {width, height, assets: [names]}, exit 0;
//   or result.json = {"error": {code, message}}: exit 3 for a picture refused (invalid_image,
//   image_too_complex), exit 5 when the engine itself failed (engine_failed, e.g. no Tesseract).
// Exit 6: the parent was gone before the run started; nothing is written.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace od::app {

struct Image2CodeChildArgs {
  std::string input;
  std::string output_dir;
  int memory_mb = 1024;
  int cpu_seconds = 60;
  int parent_pid = 0;  // 0: not checked
};

CLI::App* add_image2code_child_command(CLI::App& cli, Image2CodeChildArgs& args);
// The process exit status (see above).
int run_image2code_child(const Image2CodeChildArgs& args);

}  // namespace od::app
