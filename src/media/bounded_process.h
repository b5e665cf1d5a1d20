// Runs a program as a child process that cannot take the server down with it: its own signal
// mask and dispositions, no inherited descriptors beyond stdin/stdout/stderr (redirected to
// /dev/null and a log file), and a wall-clock deadline after which it is killed. Memory and CPU
// limits are set by the child itself before it reads any input (see probe_command.h), because
// posix_spawn cannot set rlimits.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace od::media {

struct ChildExit {
  bool timed_out = false;  // killed at the deadline
  bool stopped = false;    // killed because the tick said so
  int exit_code = -1;      // when it exited
  int signal = 0;          // when a signal ended it (SIGKILL for timed_out)
};

// Called about once a second while the child runs (a job's heartbeat); returning false kills the
// child (its job was cancelled).
using Tick = std::function<bool()>;

// Blocks until the child ends or `wall` passes (then SIGKILL). Throws std::runtime_error when it
// cannot be started. `log_path` receives the child's stdout and stderr.
ChildExit run_bounded(const std::vector<std::string>& argv, std::chrono::milliseconds wall,
                      const std::string& log_path, const Tick& tick = {});

// The child's side: caps its own address space and CPU time, and forbids core dumps and files
// over 512 MiB. Call before reading any input.
void limit_this_process(int memory_mb, int cpu_seconds);

// The child's side: asks the kernel to kill this process when the server thread that started it
// ends (PR_SET_PDEATHSIG), so a server killed mid-run leaves no child spending its budget on a
// result nobody will read. False when `parent_pid` (> 0) is no longer the parent: the server died
// before the child could ask, and the child should exit at once.
bool die_with_parent(int parent_pid);

// The server's side: removes the directories under `parent` whose names start with `prefix` and
// that were last changed more than `age` ago. A run that ended with its server (killed, power cut)
// leaves its work directory, a user's file in it, behind; choose `age` beyond any live run's.
void remove_stale_dirs(const std::filesystem::path& parent, std::string_view prefix,
                       std::filesystem::file_time_type::duration age);

}  // namespace od::media
