// The project records: a design document (canvas JSON) with its code, collaborators and history.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace od::projects {

struct Project {
  std::string id;
  std::string owner_id;
  std::string title;
  std::string description;
  bool is_public = false;
  bool is_template = false;
  std::vector<std::string> tags;
  nlohmann::json design = nlohmann::json::object();  // the canvas document, as given
  nlohmann::json code = nlohmann::json::object();    // {html, css, js, framework}
  int64_t revision = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// What a caller may do with a project, weakest first.
enum class Access { None, Public, Viewer, Editor, Owner, Admin };
const char* access_name(Access access);

struct Member {
  std::string user_id;
  std::string role;  // editor | viewer
  int64_t added_at = 0;
};

struct Version {
  std::string id;
  std::string project_id;
  int64_t number = 0;
  std::string label;
  nlohmann::json design;
  nlohmann::json code;
  std::string created_by;
  int64_t created_at = 0;
};

struct ListFilter {
  std::string viewer_id;  // empty: anonymous
  std::string scope;      // mine | public | all
  bool viewer_is_admin = false;
  std::string owner_id;  // only this owner's projects
  std::string tag;
  std::string text;        // substring of title or description, case-insensitive
  int template_flag = -1;  // -1 any, 0 not templates, 1 only templates
  std::string before_id;   // keyset cursor: newest first
  int limit = 20;
};

nlohmann::json to_json(const Project& project, Access access, bool with_content = true);
nlohmann::json to_json(const Member& member);
nlohmann::json to_json(const Version& version, bool with_content);

}  // namespace od::projects
