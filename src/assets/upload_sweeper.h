// Runs the upload sweeps on a timer, on a thread of its own (never an I/O thread): abandoned
// resumable uploads, expired presigned uploads with their staging files and S3 staging objects,
// and stray staging files. Uploads and start-up sweep too, but an idle server would otherwise
// keep abandoned bytes forever.
//
// Several instances may share one database: the `shared` tasks (rows of the database and what
// they name in the blob store) run only on the instance holding the sweep lease for this
// interval (assets/sweep_lease.h); the `local` tasks (this instance's own staging files) run on
// every instance.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "assets/sweep_lease.h"
#include "core/periodic_task.h"

namespace od::assets {

struct UploadSweeperOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  std::vector<std::function<void()>> shared;
  std::vector<std::function<void()>> local;
};

class UploadSweeper {
 public:
  UploadSweeper(SweepLease& lease, UploadSweeperOptions options);
  UploadSweeper(const UploadSweeper&) = delete;
  UploadSweeper& operator=(const UploadSweeper&) = delete;

  void start() { thread_.start(); }
  // Waits for a sweep in progress to finish.
  void stop() { thread_.stop(); }
  // One round now (the thread's body; tests call it directly).
  void sweep_once();

 private:
  SweepLease& lease_;
  UploadSweeperOptions options_;
  std::string holder_;   // this instance in the lease table
  PeriodicTask thread_;  // last: stopped first
};

}  // namespace od::assets
