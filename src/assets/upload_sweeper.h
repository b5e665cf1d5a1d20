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
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "assets/sweep_lease.h"

namespace od::assets {

struct UploadSweeperOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  std::vector<std::function<void()>> shared;
  std::vector<std::function<void()>> local;
};

class UploadSweeper {
 public:
  UploadSweeper(SweepLease& lease, UploadSweeperOptions options);
  ~UploadSweeper();
  UploadSweeper(const UploadSweeper&) = delete;
  UploadSweeper& operator=(const UploadSweeper&) = delete;

  void start();
  // Waits for a sweep in progress to finish.
  void stop();
  // One round now (the thread's body; tests call it directly).
  void sweep_once();

 private:
  void loop();

  SweepLease& lease_;
  UploadSweeperOptions options_;
  std::string holder_;  // this instance in the lease table
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace od::assets
