#include "assets/upload_sweeper.h"

#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"

namespace od::assets {
namespace {

constexpr const char* kLeaseName = "upload-sweep";

// A failing task (database or S3 unreachable) is logged and retried next round; it never
// stops the others or the thread.
void run(const std::function<void()>& task) {
  try {
    task();
  } catch (const std::exception& e) {
    log::warn("upload_sweep_failed", {{"error", e.what()}});
  }
}

}  // namespace

UploadSweeper::UploadSweeper(SweepLease& lease, UploadSweeperOptions options)
    : lease_(lease),
      options_(std::move(options)),
      holder_(crypto::random_token(12)),
      thread_("upload sweep", options_.interval, [this] { sweep_once(); }) {}

void UploadSweeper::sweep_once() {
  for (const auto& task : options_.local) run(task);
  int64_t now = now_ms();
  // Held a little less than an interval, so the next round (here or elsewhere) may take it.
  int64_t until = now + options_.interval.count() * 9 / 10;
  bool holder = false;
  try {
    holder = lease_.try_take(kLeaseName, holder_, now, until);
  } catch (const std::exception& e) {
    log::warn("upload_sweep_failed", {{"error", e.what()}});
  }
  if (!holder) return;
  for (const auto& task : options_.shared) run(task);
}

}  // namespace od::assets
