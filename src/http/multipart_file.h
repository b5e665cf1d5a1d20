// The file part of a multipart/form-data body (what a browser form or FormData sends), read as it
// streams: fields before it are skipped, its bytes are handed over without the framing, and
// nothing is buffered beyond one read plus the boundary. Uploads need only the file; other
// fields, and parts after the file, are ignored.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace od::http {

class MultipartFileReader {
 public:
  // `content_type` is the request's Content-Type; 400 when it has no usable boundary.
  MultipartFileReader(BodyReader& body, std::string_view content_type);

  // Skips to the first part with a filename and reads its headers; 400 when the body is not
  // well-formed multipart or has no file part.
  void open();
  const std::string& filename() const { return filename_; }
  const std::string& content_type() const { return content_type_; }  // the part's; may be ""

  // The file's bytes, up to `max`; 0 at the end of the part. 400 when the body ends first.
  size_t read(char* out, size_t max);

 private:
  bool fill(size_t want);  // reads until buffer_ holds `want` bytes; false at the end of the body
  void skip_part_body();
  void drain_rest();

  BodyReader& body_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::string buffer_;
  bool body_ended_ = false;
  bool part_ended_ = false;
  std::string filename_;
  std::string content_type_;
};

}  // namespace od::http
