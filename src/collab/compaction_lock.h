// Who may compact a room right now. Compaction rewrites a room's rows, so while any instance may
// notice that a room needs it, only the holder of this lock does it: in process (one instance)
// a set of room names, with --redis a key per room taken with SET NX PX (expires on its own
// if the holder dies) and released only by its holder. Compaction is also safe without the lock
// (it only replaces rows it has read with their merge); the lock saves the duplicate work.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace od::collab {

class CompactionLock {
 public:
  virtual ~CompactionLock() = default;
  // A token for unlock(), or null when another holder has it (or Redis is unreachable).
  virtual std::optional<std::string> try_lock(const std::string& room,
                                              std::chrono::milliseconds ttl) = 0;
  virtual void unlock(const std::string& room, const std::string& token) = 0;
};

std::unique_ptr<CompactionLock> make_local_compaction_lock();
std::unique_ptr<CompactionLock> make_redis_compaction_lock(const std::string& redis_url,
                                                           std::string prefix = "od:collab-lock:");

}  // namespace od::collab
