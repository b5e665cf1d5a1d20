// Comments on a project: threads anchored to a design node or a range of a code file, with
// replies, a resolved state and mentions of users who can see the project.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace od::comments {

struct Comment {
  std::string id;
  std::string project_id;
  std::string thread_id;  // == id for a thread's first comment
  std::string author_id;  // empty once the author's account is gone
  std::string body;
  nlohmann::json anchor;  // thread only: {"nodeId"} or {"file","from","to"}; null for replies
  std::vector<std::string> mentions;  // user ids
  int64_t resolved_at = 0;            // thread only; 0 while open
  std::string resolved_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t reply_count = 0;  // thread listings only

  bool is_thread() const { return id == thread_id; }
};

nlohmann::json to_json(const Comment& comment);

}  // namespace od::comments
