// Videos are made at test time with Debian's ffmpeg CLI (scripts/deps.sh test).
#include "media/video.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace od::media {
namespace {

namespace fs = std::filesystem;

class VideoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/od-video-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // A `seconds` long test pattern with a keyframe every second.
  static std::string make(const std::string& name, const std::string& codec_args,
                          double seconds = 3) {
    std::string path = (fs::path(dir_) / name).string();
    std::string command =
        "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -t " +
        std::to_string(seconds) + " -g 25 " + codec_args + " " + path;
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return path;
  }

  static std::string write(const std::string& name, const std::string& bytes) {
    std::string path = (fs::path(dir_) / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  static inline std::string dir_;
};

TEST_F(VideoTest, Mp4MetadataPosterAndKeyframes) {
  std::string path = make("clip.mp4", "-c:v libx264 -pix_fmt yuv420p");
  VideoProbe probe = probe_video(path, {});
  EXPECT_NEAR(probe.duration, 3.0, 0.1);
  EXPECT_NEAR(probe.fps, 25.0, 0.01);
  EXPECT_EQ(probe.codec, "h264");
  EXPECT_EQ(probe.width, 320);
  EXPECT_EQ(probe.height, 240);
  EXPECT_FALSE(probe.has_audio);
  EXPECT_EQ(probe.poster.width, 320);
  EXPECT_EQ(probe.poster.height, 240);
  EXPECT_EQ(probe.poster.rgb.size(), 320u * 240 * 3);
  EXPECT_NEAR(probe.poster.at, 0.3, 0.05);  // a tenth of the way in
  // Keyframes at 0, 1 and 2 s: three distinct frames however many points were asked for.
  ASSERT_EQ(probe.keyframes.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(probe.keyframes[i].at, i, 0.05);
  EXPECT_EQ(probe.keyframes[0].width, 240);
  EXPECT_EQ(probe.keyframes[0].height, 180);
}

TEST_F(VideoTest, WebmWithAnotherCodec) {
  std::string path = make("clip.webm", "-c:v libvpx -b:v 200k", 2);
  VideoProbe probe = probe_video(path, {});
  EXPECT_EQ(probe.codec, "vp8");
  EXPECT_NEAR(probe.duration, 2.0, 0.1);
  EXPECT_FALSE(probe.keyframes.empty());
}

TEST_F(VideoTest, TruncatedAndGarbageFilesAreErrors) {
  std::string whole = read(make("whole.mp4", "-c:v libx264 -pix_fmt yuv420p"));
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"cut.mp4", whole.substr(0, whole.size() / 3)},
           {"garbage.mp4", std::string("\0\0\0\x18"
                                       "ftypmp42",
                                       12) +
                               std::string(5000, '\x42')},
           {"empty.mp4", ""}}) {
    EXPECT_THROW(probe_video(write(name, bytes), {}), MediaError) << name;
  }
}

TEST_F(VideoTest, FramesLargerThanTheLimitAreRefusedBeforeDecoding) {
  std::string path = make("limit.mp4", "-c:v libx264 -pix_fmt yuv420p", 1);
  try {
    probe_video(path, {.max_pixels = 320 * 240 - 1});
    FAIL() << "accepted";
  } catch (const MediaError& e) {
    EXPECT_EQ(e.code(), "video_too_large");
  }
}

}  // namespace
}  // namespace od::media
