// Receiving an upload to a staging file: hashing, the early type check, the size limit, and that
// the temp file never outlives the upload.
#include "assets/staged_upload.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "core/error.h"

namespace od::assets {
namespace {

namespace fs = std::filesystem;

class StagedUploadTest : public ::testing::Test {
 protected:
  StagedUploadTest() {
    dir_ = fs::temp_directory_path() / ("od-staged-" + crypto::random_token(8));
  }
  ~StagedUploadTest() override { fs::remove_all(dir_); }

  size_t files() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  // Yields `bytes` in pieces of `piece` bytes, like a network body does.
  static ByteSource source_of(const std::string& bytes, size_t piece = 1000) {
    auto at = std::make_shared<size_t>(0);
    return [bytes, piece, at](char* out, size_t max) {
      size_t n = std::min({max, piece, bytes.size() - *at});
      std::memcpy(out, bytes.data() + *at, n);
      *at += n;
      return n;
    };
  }

  fs::path dir_;
};

TEST_F(StagedUploadTest, HashesWritesAndChecksTheHeadOnce) {
  std::string bytes(100000, 'q');
  bytes[0] = 'P';
  std::vector<std::string> heads;
  {
    StagedUpload staged(dir_);
    staged.receive(source_of(bytes), 1 << 20,
                   [&](std::string_view head) { heads.emplace_back(head); });
    EXPECT_EQ(staged.size(), 100000);
    EXPECT_EQ(staged.sha256(), crypto::sha256_hex(bytes));
    EXPECT_EQ(staged.read_all(), bytes);
    EXPECT_EQ(files(), 1u);
  }
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0], bytes.substr(0, kSniffBytes));
  EXPECT_EQ(files(), 0u) << "the staging file outlived the upload";
}

TEST_F(StagedUploadTest, SmallFilesAreCheckedAtTheEnd) {
  StagedUpload staged(dir_);
  std::string seen = "unset";
  staged.receive(source_of("tiny"), 100, [&](std::string_view head) { seen = head; });
  EXPECT_EQ(seen, "tiny");
}

TEST_F(StagedUploadTest, AWrongHeadStopsReadingAtOnce) {
  std::string bytes(1 << 20, 'x');
  size_t pulled = 0;
  auto inner = source_of(bytes, 4096);
  ByteSource counting = [&](char* out, size_t max) {
    size_t n = inner(out, max);
    pulled += n;
    return n;
  };
  StagedUpload staged(dir_);
  EXPECT_THROW(staged.receive(counting, 2 << 20,
                              [](std::string_view) { throw ApiError(415, "type_mismatch", "no"); }),
               ApiError);
  EXPECT_EQ(pulled, kSniffBytes);
}

TEST_F(StagedUploadTest, OverTheLimitIs413AndLeavesNoFile) {
  {
    StagedUpload staged(dir_);
    try {
      staged.receive(source_of(std::string(5000, 'a')), 4999, [](std::string_view) {});
      FAIL() << "no 413";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 413);
    }
  }
  EXPECT_EQ(files(), 0u);
}

TEST_F(StagedUploadTest, ASourceThatFailsLeavesNoFile) {
  {
    StagedUpload staged(dir_);
    ByteSource broken = [calls = 0](char* out, size_t) mutable -> size_t {
      if (++calls > 2) throw bad_request("body_incomplete", "client gone");
      std::memset(out, 'z', 100);
      return 100;
    };
    EXPECT_THROW(staged.receive(broken, 1 << 20, [](std::string_view) {}), ApiError);
  }
  EXPECT_EQ(files(), 0u);
}

TEST_F(StagedUploadTest, AdoptedFilesAreHashedAndCanBeKept) {
  fs::create_directories(dir_);
  std::string bytes(300000, 'k');
  std::string path = (dir_ / "received").string();
  std::ofstream(path, std::ios::binary) << bytes;
  {
    auto staged = StagedUpload::adopt(path);
    EXPECT_EQ(staged->size(), 300000);
    EXPECT_EQ(staged->sha256(), crypto::sha256_hex(bytes));
    EXPECT_EQ(staged->head(), bytes.substr(0, kSniffBytes));
    staged->keep_file();  // e.g. the blob store was down: a retry adopts it again
  }
  EXPECT_TRUE(fs::exists(path));
  { auto staged = StagedUpload::adopt(path); }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(StagedUploadTest, SweepRemovesOnlyOldFiles) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "old") << "x";
  std::ofstream(dir_ / "new") << "y";
  fs::last_write_time(dir_ / "old", fs::file_time_type::clock::now() - std::chrono::hours(2));
  sweep_staging(dir_, std::chrono::hours(1));
  EXPECT_FALSE(fs::exists(dir_ / "old"));
  EXPECT_TRUE(fs::exists(dir_ / "new"));
}

}  // namespace
}  // namespace od::assets
