#include "http/multipart_file.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "core/error.h"

namespace od::http {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxPartHeaders = 16 * 1024;
constexpr size_t kMaxBoundary = 70;  // RFC 2046
constexpr size_t kMaxEpilogue = 64 * 1024;

ApiError malformed(const std::string& why) {
  return ApiError(400, "invalid_multipart", "The multipart body is malformed: " + why + ".");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of parameter `name` in a header value like `form-data; name="a"; filename="b.png"`.
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  std::string lowered = lower(header);
  size_t at = 0;
  while ((at = lowered.find(name, at)) != std::string::npos) {
    bool starts =
        at == 0 || lowered[at - 1] == ' ' || lowered[at - 1] == ';' || lowered[at - 1] == '\t';
    size_t eq = at + name.size();
    if (!starts || eq >= header.size() || header[eq] != '=') {
      at = eq;
      continue;
    }
    size_t begin = eq + 1;
    if (begin < header.size() && header[begin] == '"') {
      size_t end = header.find('"', begin + 1);
      if (end == std::string::npos) return std::nullopt;
      return std::string(header.substr(begin + 1, end - begin - 1));
    }
    size_t end = header.find(';', begin);
    std::string value(header.substr(begin, end == std::string::npos ? end : end - begin));
    value.erase(value.find_last_not_of(" \t") + 1);
    return value;
  }
  return std::nullopt;
}

}  // namespace

MultipartFileReader::MultipartFileReader(BodyReader& body, std::string_view content_type)
    : body_(body) {
  auto boundary = parameter(content_type, "boundary");
  if (!lower(content_type).starts_with("multipart/form-data") || !boundary || boundary->empty() ||
      boundary->size() > kMaxBoundary) {
    throw malformed("no boundary in Content-Type");
  }
  delimiter_ = "\r\n--" + *boundary;
}

bool MultipartFileReader::fill(size_t want) {
  while (buffer_.size() < want && !body_ended_) {
    size_t old = buffer_.size();
    buffer_.resize(old + kReadChunk);
    size_t n = body_.read(buffer_.data() + old, kReadChunk);
    buffer_.resize(old + n);
    if (n == 0) body_ended_ = true;
  }
  return buffer_.size() >= want;
}

void MultipartFileReader::open() {
  // The body starts with the delimiter without its CRLF (or a preamble, then CRLF + delimiter).
  buffer_ = "\r\n";
  for (;;) {
    // Find the next delimiter line, then that part's headers.
    skip_part_body();
    fill(delimiter_.size() + 2);
    if (buffer_.compare(0, 2, "--") == 0) throw malformed("no file part");
    if (buffer_.compare(0, 2, "\r\n") != 0) throw malformed("bad delimiter line");
    buffer_.erase(0, 2);
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (buffer_.size() > kMaxPartHeaders) throw malformed("part headers too large");
      if (!fill(buffer_.size() + 1)) throw malformed("the body ended in part headers");
    }
    std::string headers = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::optional<std::string> filename;
    std::string type;
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = headers.size();
      std::string_view line(headers.data() + line_start, line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = lower(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
          value.remove_prefix(1);
        }
        if (name == "content-disposition") filename = parameter(value, "filename");
        if (name == "content-type") type = std::string(value);
      }
      line_start = line_end + 2;
    }
    if (filename) {
      filename_ = *filename;
      content_type_ = type;
      return;
    }
    // A plain field: the next round skips its value.
  }
}

// Discards bytes up to and including the next delimiter; leaves what follows it in buffer_.
void MultipartFileReader::skip_part_body() {
  for (;;) {
    size_t at = buffer_.find(delimiter_);
    if (at != std::string::npos) {
      buffer_.erase(0, at + delimiter_.size());
      return;
    }
    // Keep a tail that may be the start of the delimiter.
    if (buffer_.size() >= delimiter_.size()) buffer_.erase(0, buffer_.size() - delimiter_.size());
    if (!fill(buffer_.size() + 1)) throw malformed("no file part");
  }
}

size_t MultipartFileReader::read(char* out, size_t max) {
  if (part_ended_ || max == 0) return 0;
  fill(std::max(max, kReadChunk) + delimiter_.size());
  size_t at = buffer_.find(delimiter_);
  size_t n;
  if (at != std::string::npos) {
    n = std::min(max, at);
    if (at == 0) {
      part_ended_ = true;
      drain_rest();
      return 0;
    }
  } else {
    if (body_ended_) throw malformed("the body ended inside the file part");
    // Everything but a tail that may be the start of the delimiter.
    n = std::min(max, buffer_.size() - (delimiter_.size() - 1));
  }
  std::memcpy(out, buffer_.data(), n);
  buffer_.erase(0, n);
  return n;
}

// Reads (and drops) what follows the file part, so the connection can serve the next request;
// a body that goes on much longer is left to the server to cut.
void MultipartFileReader::drain_rest() {
  size_t dropped = 0;
  while (!body_ended_ && dropped < kMaxEpilogue) {
    dropped += buffer_.size();
    buffer_.clear();
    fill(1);
  }
}

}  // namespace od::http
