// The streaming ZIP writer: what it promises (size()) is what it writes, real readers (libzip,
// Info-ZIP's unzip) read every entry back byte for byte with its checksum, ZIP64 records are
// right (forced on small archives, and for real past 4 GiB in a sparse file), and a producer that
// breaks its promise or a reader that goes away stops the archive.
#include "projects/zip_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

namespace od::projects {
namespace {

namespace fs = std::filesystem;

std::string noise(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(random());
  return out;
}

StreamedZip::Producer bytes_of(std::string bytes) {
  return [bytes = std::move(bytes)](std::ostream& out) {
    // In pieces, as a blob store writes.
    for (size_t at = 0; at < bytes.size() && out; at += 1000) out << bytes.substr(at, 1000);
  };
}

std::string written(const StreamedZip& zip) {
  std::ostringstream out;
  EXPECT_TRUE(zip.write(out));
  std::string bytes = std::move(out).str();
  EXPECT_EQ(bytes.size(), zip.size());
  return bytes;
}

// Every entry's name and content as libzip reads them (which checks each CRC-32).
std::vector<std::pair<std::string, std::string>> read_back(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  EXPECT_NE(zip, nullptr) << zip_error_strerror(&error);
  zip_error_fini(&error);
  std::vector<std::pair<std::string, std::string>> out;
  if (!zip) return out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t stat;
    zip_stat_index(zip, i, 0, &stat);
    std::string content(stat.size, '\0');
    zip_file_t* file = zip_fopen_index(zip, i, 0);
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(zip_fread(file, content.data(), content.size()),
              static_cast<zip_int64_t>(content.size()));
    char extra;
    EXPECT_EQ(zip_fread(file, &extra, 1), 0) << "checksum or length of " << stat.name;
    zip_fclose(file);
    out.emplace_back(stat.name, std::move(content));
  }
  zip_discard(zip);
  return out;
}

class TempFile {
 public:
  TempFile() {
    path_ = (fs::temp_directory_path() /
             ("od-zip-" + std::to_string(getpid()) + "-" + std::to_string(counter_++) + ".zip"))
                .string();
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

// Runs a command; returns its exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

StreamedZip sample(StreamedZip::Options options, const std::string& media) {
  StreamedZip zip(options);
  zip.add_deflated("manifest.json", R"({"title":"Ünïcode ✓","files":["design.json"]})");
  zip.add_deflated("empty.txt", "");
  zip.add_stored("assets/1-photo.png", media.size(), bytes_of(media));
  zip.add_stored("assets/2-empty.bin", 0, bytes_of(""));
  zip.add_deflated("design.json", std::string(100'000, '{'));
  return zip;
}

TEST(StreamedZip, WritesWhatItPromisesAndReadsBackEntryForEntry) {
  std::string media = noise(300'000, 1);
  for (bool zip64 : {false, true}) {
    SCOPED_TRACE(zip64 ? "zip64" : "plain");
    std::string bytes = written(sample({.force_zip64 = zip64}, media));
    auto entries = read_back(bytes);
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[0].first, "manifest.json");
    EXPECT_EQ(entries[0].second, R"({"title":"Ünïcode ✓","files":["design.json"]})");
    EXPECT_EQ(entries[1].second, "");
    EXPECT_EQ(entries[2].first, "assets/1-photo.png");
    EXPECT_EQ(entries[2].second, media);
    EXPECT_EQ(entries[3].second, "");
    EXPECT_EQ(entries[4].second, std::string(100'000, '{'));
    // Text is deflated, media stored as it is.
    EXPECT_LT(bytes.size(), media.size() + 10'000);
    EXPECT_EQ(bytes.find("PK\x06\x06") != std::string::npos, zip64) << "ZIP64 end record";
  }
}

TEST(StreamedZip, InfoZipUnzipTestsEveryEntry) {
  std::string media = noise(200'000, 2);
  for (bool zip64 : {false, true}) {
    SCOPED_TRACE(zip64 ? "zip64" : "plain");
    TempFile file;
    std::ofstream(file.path(), std::ios::binary) << written(sample({.force_zip64 = zip64}, media));
    auto [status, output] = run("unzip -t '" + file.path() + "'");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("No errors detected"), std::string::npos) << output;
    TempFile extracted;
    auto [piped, errors] =
        run("unzip -p '" + file.path() + "' assets/1-photo.png > '" + extracted.path() + "'");
    EXPECT_EQ(piped, 0) << errors;
    std::ifstream in(extracted.path(), std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), media);
  }
}

TEST(StreamedZip, APromiseBrokenByAProducerStopsTheArchive) {
  for (std::string actual : {std::string(99, 'x'), std::string(101, 'x')}) {
    StreamedZip zip;
    zip.add_stored("a.bin", 100, bytes_of(actual));
    std::ostringstream out;
    EXPECT_THROW(zip.write(out), std::runtime_error) << actual.size();
    EXPECT_LE(out.str().size(), zip.size());
  }
}

TEST(StreamedZip, StopsWhenTheReaderIsGone) {
  int later_calls = 0;
  StreamedZip zip;
  zip.add_stored("a.bin", 10'000, bytes_of(std::string(10'000, 'a')));
  zip.add_stored("b.bin", 10, [&](std::ostream& out) {
    ++later_calls;
    out << "0123456789";
  });
  std::ostringstream out;
  out.setstate(std::ios::badbit);  // as WriterBuffer does once the client has hung up
  EXPECT_FALSE(zip.write(out));
  EXPECT_EQ(later_calls, 0);
}

// Zeros are not written: the file stays sparse, so a 4 GiB entry costs no disk.
class SparseBuffer : public std::streambuf {
 public:
  explicit SparseBuffer(std::fstream& file) : file_(file) {}
  uint64_t size() const { return offset_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    bool zeros = std::all_of(s, s + n, [](char c) { return c == 0; });
    if (!zeros) {
      file_.seekp(static_cast<std::streamoff>(offset_));
      file_.write(s, n);
    }
    offset_ += static_cast<uint64_t>(n);
    return file_ ? n : 0;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  std::fstream& file_;
  uint64_t offset_ = 0;
};

TEST(StreamedZip, AnEntryPast4GiBGetsZip64RecordsThatRealReadersFollow) {
  constexpr uint64_t kBig = (4ull << 30) + 12345;  // past what 32-bit fields hold
  StreamedZip zip;
  zip.add_deflated("manifest.json", "{}");
  zip.add_stored("assets/1-huge.mov", kBig, [](std::ostream& out) {
    std::string zeros(1 << 20, '\0');
    for (uint64_t left = kBig; left > 0 && out;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
      out.write(zeros.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
  });
  zip.add_stored("assets/2-after.png", 5, bytes_of("after"));  // its offset is past 4 GiB
  TempFile file;
  std::fstream sparse(file.path(),
                      std::ios::binary | std::ios::out | std::ios::in | std::ios::trunc);
  SparseBuffer buffer(sparse);
  std::ostream out(&buffer);
  ASSERT_TRUE(zip.write(out));
  sparse.close();
  ASSERT_EQ(buffer.size(), zip.size());
  fs::resize_file(file.path(), buffer.size());

  zip_t* archive = zip_open(file.path().c_str(), ZIP_RDONLY | ZIP_CHECKCONS, nullptr);
  ASSERT_NE(archive, nullptr);
  zip_stat_t stat;
  ASSERT_EQ(zip_stat(archive, "assets/1-huge.mov", 0, &stat), 0);
  EXPECT_EQ(stat.size, kBig);
  EXPECT_EQ(stat.comp_size, kBig);
  zip_file_t* after = zip_fopen(archive, "assets/2-after.png", 0);
  ASSERT_NE(after, nullptr);
  char content[16];
  EXPECT_EQ(zip_fread(after, content, sizeof content), 5);
  EXPECT_EQ(std::string(content, 5), "after");
  zip_fclose(after);
  zip_discard(archive);
  // Info-ZIP's listing reads the ZIP64 end records and extra fields.
  auto [status, listing] = run("unzip -Z -l '" + file.path() + "'");
  EXPECT_EQ(status, 0) << listing;
  EXPECT_NE(listing.find(std::to_string(kBig)), std::string::npos) << listing;
}

}  // namespace
}  // namespace od::projects
