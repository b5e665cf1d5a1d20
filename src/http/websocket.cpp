#include "http/websocket.h"

#include <algorithm>
#include <cctype>

namespace od::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `Connection: keep-alive, Upgrade` lists tokens; any of them may be "upgrade".
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_websocket_upgrade(const Request& request) {
  if (request.method != Method::Get) return false;
  auto upgrade = request.header("Upgrade");
  auto connection = request.header("Connection");
  auto key = request.header("Sec-WebSocket-Key");
  return upgrade && has_token(*upgrade, "websocket") && connection &&
         has_token(*connection, "upgrade") && key && !key->empty();
}

}  // namespace od::http
