// The streaming multipart/form-data file reader, fed in pieces of every size so the boundary
// falls across reads.
#include "http/multipart_file.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace od::http {
namespace {

// Yields a fixed body `piece` bytes at a time.
class PieceReader : public BodyReader {
 public:
  PieceReader(std::string body, size_t piece) : body_(std::move(body)), piece_(piece) {}
  size_t read(char* out, size_t max) override {
    size_t n = std::min({max, piece_, body_.size() - at_});
    std::memcpy(out, body_.data() + at_, n);
    at_ += n;
    return n;
  }
  size_t consumed() const { return at_; }

 private:
  std::string body_;
  size_t piece_;
  size_t at_ = 0;
};

const char kType[] = "multipart/form-data; boundary=----WebKitFormBoundaryX7";

std::string form(const std::string& file) {
  return "------WebKitFormBoundaryX7\r\n"
         "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
         "a field value with ------WebKitFormBoundary lookalikes\r\n"
         "------WebKitFormBoundaryX7\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"cat \\\"x\\\".png\"\r\n"
         "Content-Type: image/png\r\n\r\n" +
         file +
         "\r\n------WebKitFormBoundaryX7\r\n"
         "Content-Disposition: form-data; name=\"after\"\r\n\r\nignored\r\n"
         "------WebKitFormBoundaryX7--\r\n";
}

std::string read_file(MultipartFileReader& reader, size_t max) {
  std::string out, buf(max, '\0');
  while (size_t n = reader.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

TEST(MultipartFile, ExtractsTheFilePartWhateverThePieceSizes) {
  std::string file = "\x89PNG\r\n\x1a\n";
  file += std::string(5000, 'p') + "\r\n--not-the-boundary\r\n" + std::string(3000, 'q');
  for (size_t piece : {1u, 2u, 7u, 64u, 1000u, 100000u}) {
    for (size_t max : {1u, 13u, 4096u}) {
      PieceReader body(form(file), piece);
      MultipartFileReader reader(body, kType);
      reader.open();
      EXPECT_EQ(reader.content_type(), "image/png");
      EXPECT_EQ(read_file(reader, max), file) << piece << " " << max;
      EXPECT_EQ(body.consumed(), form(file).size()) << "the rest is drained";
    }
  }
}

TEST(MultipartFile, AnEmptyFileIsEmpty) {
  PieceReader body(form(""), 3);
  MultipartFileReader reader(body, kType);
  reader.open();
  EXPECT_EQ(read_file(reader, 100), "");
}

TEST(MultipartFile, RefusesMalformedBodies) {
  auto fails = [](const std::string& body, const std::string& type = kType) {
    try {
      PieceReader reader(body, 5);
      MultipartFileReader form(reader, type);
      form.open();
      std::string out, buf(64, '\0');
      while (size_t n = form.read(buf.data(), buf.size())) out.append(buf.data(), n);
      return false;
    } catch (const ApiError& e) {
      return e.status() == 400 && e.code() == "invalid_multipart";
    }
  };
  EXPECT_TRUE(fails(form("x"), "multipart/form-data"));       // no boundary
  EXPECT_TRUE(fails(form("x"), "application/octet-stream"));  // not multipart
  EXPECT_TRUE(
      fails("------WebKitFormBoundaryX7\r\n"
            "Content-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
            "------WebKitFormBoundaryX7--\r\n"));  // no file part
  EXPECT_TRUE(fails(form("abc").substr(0, 150)));  // cut inside the file
  EXPECT_TRUE(fails("------WebKitFormBoundaryX7\r\nContent-Disposition: form-data; " +
                    std::string(20000, 'h')));  // endless part headers
  EXPECT_TRUE(fails(""));
}

}  // namespace
}  // namespace od::http
