#include "media/bounded_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace od::media {
namespace {

ChildExit decode_status(int status) {
  ChildExit out;
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  return out;
}

enum class Wait { Ended, Deadline, Stopped };

// Waits for `pid` until `deadline`, ticking about once a second.
Wait wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline, const Tick& tick,
                int& status) {
  using namespace std::chrono;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      if (pidfd >= 0) ::close(pidfd);
      return Wait::Ended;
    }
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0 || (tick && !tick())) {
      if (pidfd >= 0) ::close(pidfd);
      return left.count() <= 0 ? Wait::Deadline : Wait::Stopped;
    }
    auto slice = std::min<milliseconds>(left, milliseconds(1000));
    if (pidfd >= 0) {
      pollfd fd{pidfd, POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(slice.count()));  // readable when the child ends
    } else {
      // Kernels before 5.3 have no pidfd: look a few times a second instead.
      std::this_thread::sleep_for(std::min<milliseconds>(slice, milliseconds(20)));
    }
  }
}

}  // namespace

ChildExit run_bounded(const std::vector<std::string>& argv, std::chrono::milliseconds wall,
                      const std::string& log_path, const Tick& tick) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Sockets and database files of the server stay out of the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attributes, &none);  // the server blocks SIGTERM in its threads
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // Few malloc arenas keep the child's address space small enough for its RLIMIT_AS.
  std::vector<std::string> env_storage = {"MALLOC_ARENA_MAX=2"};
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "MALLOC_ARENA_MAX=", 17) != 0) env.push_back(*e);
  }
  env.push_back(env_storage[0].data());
  env.push_back(nullptr);

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0)
    throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " + strerror(rc));

  int status = 0;
  Wait waited = wait_until(pid, std::chrono::steady_clock::now() + wall, tick, status);
  if (waited == Wait::Ended) return decode_status(status);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  ChildExit out = decode_status(status);
  out.timed_out = waited == Wait::Deadline;
  out.stopped = waited == Wait::Stopped;
  return out;
}

bool die_with_parent(int parent_pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  return parent_pid <= 0 || ::getppid() == parent_pid;
}

void remove_stale_dirs(const std::filesystem::path& parent, std::string_view prefix,
                       std::filesystem::file_time_type::duration age) {
  namespace fs = std::filesystem;
  const auto cutoff = fs::file_time_type::clock::now() - age;
  std::vector<fs::path> stale;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code time_ec;
    auto changed = fs::last_write_time(it->path(), time_ec);
    if (it->path().filename().string().starts_with(prefix) && !time_ec && changed < cutoff) {
      stale.push_back(it->path());
    }
  }
  for (const auto& path : stale) fs::remove_all(path, ec);  // best effort: the next run retries
}

void limit_this_process(int memory_mb, int cpu_seconds) {
  auto limit = [](int resource, rlim_t value) {
    rlimit r{value, value};
    ::setrlimit(resource, &r);
  };
  limit(RLIMIT_AS, rlim_t(memory_mb) * 1024 * 1024);
  limit(RLIMIT_CPU, rlim_t(cpu_seconds));
  limit(RLIMIT_CORE, 0);
  limit(RLIMIT_FSIZE, rlim_t(512) * 1024 * 1024);
}

}  // namespace od::media
