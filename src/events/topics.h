// Topic names: the vocabulary publishers and subscribers share. A topic names one object whose
// changes are announced, e.g. "project:<id>".
#pragma once

#include <optional>
#include <string>

namespace od::events {

inline constexpr char kProjectTopicPrefix[] = "project:";
// Account security events every instance must apply (e.g. access tokens revoked).
inline constexpr char kAccountsTopic[] = "accounts";

inline std::string project_topic(const std::string& project_id) {
  return kProjectTopicPrefix + project_id;
}

// The project id of a "project:<id>" topic (id not validated), or nullopt for other topics.
inline std::optional<std::string> project_of_topic(const std::string& topic) {
  std::string_view prefix = kProjectTopicPrefix;
  if (topic.size() <= prefix.size() || topic.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  return topic.substr(prefix.size());
}

}  // namespace od::events
