#include "media/worker.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <utility>

namespace od::media {
namespace {

namespace fs = std::filesystem;

fs::path private_dir(const std::string& parent) {
  fs::create_directories(parent);
  std::random_device random;
  for (int attempt = 0; attempt < 16; ++attempt) {
    fs::path dir =
        fs::path(parent) / ("media-" + std::to_string(random()) + std::to_string(random()));
    std::error_code ec;
    if (fs::create_directory(dir, ec)) {
      fs::permissions(dir, fs::perms::owner_all, ec);
      return dir;
    }
  }
  throw std::runtime_error("cannot create a media work directory under " + parent);
}

ProbeOutcome failure(ProbeOutcome outcome, std::string code, std::string message) {
  outcome.ok = false;
  outcome.error_code = std::move(code);
  outcome.error_message = std::move(message);
  return outcome;
}

}  // namespace

ProbeOutcome::~ProbeOutcome() {
  if (!dir.empty()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

ProbeOutcome::ProbeOutcome(ProbeOutcome&& other) noexcept
    : ok(other.ok),
      result(std::move(other.result)),
      error_code(std::move(other.error_code)),
      error_message(std::move(other.error_message)),
      dir(std::exchange(other.dir, {})) {}

MediaWorker::MediaWorker(WorkerConfig config) : config_(std::move(config)) {}

std::string self_executable() {
  std::error_code ec;
  auto path = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : path.string();
}

ProbeOutcome MediaWorker::run(const fs::path& input, ProbeArgs args, const Tick& tick) const {
  ProbeOutcome outcome;
  // Twice the longest child run and time to read its result: older directories are abandoned.
  remove_stale_dirs(config_.temp_dir, "media-", 2 * config_.wall + std::chrono::minutes(10));
  outcome.dir = private_dir(config_.temp_dir);
  fs::path out_dir = outcome.dir / "out";
  fs::create_directory(out_dir);
  fs::path moved = outcome.dir / "input";
  fs::rename(input, moved);
  args.input = moved.string();
  args.output_dir = out_dir.string();
  args.memory_mb = config_.memory_mb;
  args.cpu_seconds = config_.cpu_seconds;
  args.max_pixels = config_.max_pixels;
  args.parent_pid = ::getpid();

  std::vector<std::string> argv = {config_.executable};
  for (auto& arg : probe_arguments(args)) argv.push_back(std::move(arg));
  ChildExit exit = run_bounded(argv, config_.wall, (outcome.dir / "log.txt").string(), tick);
  if (exit.stopped) return failure(std::move(outcome), "media_stopped", "Processing was stopped.");

  if (exit.timed_out || exit.signal == SIGXCPU) {
    return failure(std::move(outcome), "media_timeout",
                   "Processing the file took longer than allowed; it was stopped.");
  }
  nlohmann::json result;
  {
    std::ifstream in(out_dir / "result.json");
    if (in) result = nlohmann::json::parse(in, nullptr, false);
  }
  if (exit.exit_code == 3 && result.is_object() && result.contains("error")) {
    return failure(std::move(outcome), result["error"].value("code", "media_refused"),
                   result["error"].value("message", "The file was refused."));
  }
  if (exit.exit_code != 0 || !result.is_object() || result.is_discarded()) {
    std::string how = exit.signal ? "was killed by signal " + std::to_string(exit.signal)
                                  : "exited with status " + std::to_string(exit.exit_code);
    return failure(std::move(outcome), "decoder_crashed",
                   "The decoder " + how + " on this file; it is probably damaged or hostile.");
  }
  outcome.ok = true;
  outcome.result = std::move(result);
  return outcome;
}

}  // namespace od::media
