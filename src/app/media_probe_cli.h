// `opendesign media-probe`: the child process media processing runs in (media/probe_command.h).
// Internal: the server starts it; people have no reason to.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "media/probe_command.h"

namespace od::app {

struct MediaProbeCli {
  media::ProbeArgs args;
  std::string sizes;   // "64,256"
  std::string render;  // "WxH"
  std::string fit = "fit";
  std::string format = "webp";
};

CLI::App* add_media_probe_command(CLI::App& cli, MediaProbeCli& options);
// Parses the collected options and runs the probe; the process exit status.
int run_media_probe_command(const MediaProbeCli& options);

}  // namespace od::app
