// Validation of canvas documents: the limits that bound every input, the error type that lists
// problems by JSON pointer ("/children/3/fills/0: ..."), and the typed readers that
// parse_document uses so each field is checked exactly where it is read.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engines/design2code/color.h"

namespace od::design2code {

struct Document;

struct Limits {
  size_t max_nodes = 100'000;
  int max_depth = 256;              // node nesting
  size_t max_text_bytes = 1 << 20;  // any single string (text content, path data)
  size_t max_total_text_bytes = 16 << 20;
  size_t max_name_bytes = 1024;     // names, ids, font families, links
  size_t max_array_items = 10'000;  // runs, fills, stops, ... per array
  double max_coordinate = 1e6;      // |x|, |y|, width, height, radii, gaps
  size_t max_issues = 50;           // stop collecting after this many problems
};

struct Issue {
  std::string path;  // JSON pointer, "" for the whole document
  std::string message;
};

class InvalidDocument : public std::runtime_error {
 public:
  explicit InvalidDocument(std::vector<Issue> issues);
  const std::vector<Issue>& issues() const { return issues_; }

 private:
  std::vector<Issue> issues_;
};

// Collects issues; throws InvalidDocument once the cap is hit (no point reading further).
class Issues {
 public:
  explicit Issues(size_t cap) : cap_(cap) {}
  void add(const std::string& path, const std::string& message);
  bool empty() const { return list_.empty(); }
  void throw_if_any();

 private:
  size_t cap_;
  std::vector<Issue> list_;
};

// Typed field readers over one JSON object at `path`. A wrong type or out-of-range value is
// recorded and the reader returns nullopt, so parsing continues and reports everything at once.
class Reader {
 public:
  Reader(const nlohmann::json& obj, std::string path, Issues& issues, const Limits& limits)
      : obj_(obj), path_(std::move(path)), issues_(issues), limits_(limits) {}

  const std::string& path() const { return path_; }
  std::string at(const std::string& key) const { return path_ + "/" + key; }
  const nlohmann::json* find(const char* key) const;
  void fail(const char* key, const std::string& message) const;

  std::optional<double> number(const char* key, double min, double max) const;
  std::optional<bool> boolean(const char* key) const;
  // Strings up to `max_bytes`, valid UTF-8 (nlohmann checks that while parsing).
  std::optional<std::string> string(const char* key, size_t max_bytes) const;
  std::optional<std::string> one_of(const char* key, const std::vector<std::string>& allowed) const;
  // Colour as "#rgb", "#rrggbb" or "#rrggbbaa".
  std::optional<Color> color(const char* key) const;
  const nlohmann::json* array(const char* key) const;
  const nlohmann::json* object(const char* key) const;

 private:
  const nlohmann::json& obj_;
  std::string path_;
  Issues& issues_;
  const Limits& limits_;
};

// Escapes a key for use inside a JSON pointer (RFC 6901).
std::string pointer_token(const std::string& key);

// Cross-node rules that need the whole tree: unique ids, instances that name an existing
// component, and no component that contains itself through instances.
void validate_references(const Document& doc, Issues& issues);

}  // namespace od::design2code
