// A std::streambuf over a BodyWriter, so code that writes to a std::ostream (the blob stores'
// get()) can feed a produced response body. It buffers one chunk; once the client has gone, the
// stream goes bad (no exception: ostreams are written from inside C callbacks such as libcurl's)
// and writers that check the stream stop early.
#pragma once

#include <streambuf>
#include <string>

#include "http/message.h"

namespace od::http {

class WriterBuffer : public std::streambuf {
 public:
  explicit WriterBuffer(BodyWriter& writer, size_t chunk_bytes = 64 * 1024)
      : writer_(writer), chunk_(chunk_bytes, '\0') {
    setp(chunk_.data(), chunk_.data() + chunk_.size());
  }
  ~WriterBuffer() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    if (flush_chunk() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush_chunk(); }

 private:
  int flush_chunk() {
    if (gone_) return -1;
    auto n = static_cast<size_t>(pptr() - pbase());
    if (n > 0 && !writer_.write(std::string(pbase(), n))) gone_ = true;
    setp(chunk_.data(), chunk_.data() + chunk_.size());
    return gone_ ? -1 : 0;
  }

  BodyWriter& writer_;
  std::string chunk_;
  bool gone_ = false;
};

}  // namespace od::http
