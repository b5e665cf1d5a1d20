// The server side of media processing: runs `opendesign media-probe` (probe_command.h) on one
// file in a bounded child process and turns whatever happens (a description, a refusal, a crash,
// a timeout) into one outcome. Blocking: call from a job worker or a worker pool thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "media/bounded_process.h"
#include "media/probe_command.h"

namespace od::media {

struct WorkerConfig {
  std::string executable;  // the opendesign binary (normally /proc/self/exe)
  std::string temp_dir;    // where each run gets a private directory
  std::chrono::milliseconds wall{60'000};
  int memory_mb = 1024;
  int cpu_seconds = 60;
  int64_t max_pixels = 100'000'000;
};

struct ProbeOutcome {
  bool ok = false;
  nlohmann::json result;  // ok: the child's description (derivatives name files in `dir`)
  std::string error_code;
  std::string error_message;
  std::filesystem::path dir;  // the run's directory; removed when the outcome is destroyed
  ProbeOutcome() = default;
  ProbeOutcome(ProbeOutcome&& other) noexcept;  // the moved-from outcome no longer owns `dir`
  ProbeOutcome& operator=(ProbeOutcome&&) = delete;
  ~ProbeOutcome();
};

class MediaWorker {
 public:
  explicit MediaWorker(WorkerConfig config);
  // Processes the file at `input`, which must be on the file system of config().temp_dir: it is
  // moved into the run's directory, so it is cleaned up with the outcome.
  ProbeOutcome run(const std::filesystem::path& input, ProbeArgs args, const Tick& tick = {}) const;
  const WorkerConfig& config() const { return config_; }

 private:
  WorkerConfig config_;
};

// The path of the running executable.
std::string self_executable();

}  // namespace od::media
