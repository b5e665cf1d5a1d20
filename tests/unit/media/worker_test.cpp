// The server side of the bounded child: what a crash, a hang and a refusal turn into. The child
// here is a shell script standing in for `opendesign media-probe` (integration tests run the
// real one).
#include "media/worker.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace od::media {
namespace {

namespace fs = std::filesystem;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/od-worker-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A stand-in child: `body` runs with the output directory in $OUT.
  MediaWorker worker_running(const std::string& body, std::chrono::milliseconds wall) {
    std::string script = (dir_ / "child.sh").string();
    std::ofstream(script) << "#!/bin/sh\n"
                             "while [ $# -gt 0 ]; do [ \"$1\" = --output-dir ] && OUT=$2; shift; "
                             "done\n"
                          << body << "\n";
    ::chmod(script.c_str(), 0755);
    WorkerConfig config;
    config.executable = script;
    config.temp_dir = (dir_ / "work").string();
    config.wall = wall;
    return MediaWorker(config);
  }

  ProbeOutcome run(const MediaWorker& worker) {
    fs::create_directories(worker.config().temp_dir);
    fs::path input = fs::path(worker.config().temp_dir) / "input-file";
    std::ofstream(input) << "bytes";
    ProbeArgs args;
    args.kind = "image";
    return worker.run(input, args);
  }

  fs::path dir_;
};

TEST_F(WorkerTest, ADescriptionIsOkAndItsDirectoryGoesWithTheOutcome) {
  auto worker = worker_running(R"(echo '{"kind":"image","derivatives":[]}' > "$OUT/result.json")",
                               std::chrono::seconds(10));
  fs::path dir;
  {
    ProbeOutcome outcome = run(worker);
    ASSERT_TRUE(outcome.ok) << outcome.error_message;
    EXPECT_EQ(outcome.result["kind"], "image");
    dir = outcome.dir;
    EXPECT_TRUE(fs::exists(dir / "input"));  // the input was moved in
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(WorkerTest, TheChildIsToldWhichProcessStartedIt) {
  // The stand-in has consumed its arguments by now: it reads its own command line.
  auto worker = worker_running(
      R"(PARENT=$(cat /proc/$$/cmdline | tr '\0' '\n' | grep -A1 -x -- --parent-pid | tail -1)
echo "{\"kind\":\"image\",\"parent\":\"$PARENT\"}" > "$OUT/result.json")",
      std::chrono::seconds(10));
  ProbeOutcome outcome = run(worker);
  ASSERT_TRUE(outcome.ok) << outcome.error_message;
  EXPECT_EQ(outcome.result["parent"], std::to_string(::getpid()));
}

TEST_F(WorkerTest, WorkDirectoriesAKilledServerLeftBehindAreRemovedByTheNextRun) {
  auto worker =
      worker_running(R"(echo '{"kind":"image"}' > "$OUT/result.json")", std::chrono::seconds(10));
  fs::path work(worker.config().temp_dir);
  for (const char* name : {"media-abandoned", "media-recent", "other-abandoned"}) {
    fs::create_directories(work / name);
  }
  // Older than twice the wall limit plus 10 minutes: no live run is that old.
  auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(work / "media-abandoned", hour_ago);
  fs::last_write_time(work / "other-abandoned", hour_ago);
  ProbeOutcome outcome = run(worker);
  ASSERT_TRUE(outcome.ok) << outcome.error_message;
  EXPECT_FALSE(fs::exists(work / "media-abandoned"));
  EXPECT_TRUE(fs::exists(work / "media-recent"));     // may belong to a run in progress
  EXPECT_TRUE(fs::exists(work / "other-abandoned"));  // not a media run's
}

TEST_F(WorkerTest, ARefusalKeepsTheChildsCodeAndMessage) {
  auto worker = worker_running(
      R"(echo '{"error":{"code":"corrupt_image","message":"damaged"}}' > "$OUT/result.json"; exit 3)",
      std::chrono::seconds(10));
  ProbeOutcome outcome = run(worker);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error_code, "corrupt_image");
  EXPECT_EQ(outcome.error_message, "damaged");
}

TEST_F(WorkerTest, ACrashIsDecoderCrashed) {
  auto worker = worker_running("kill -SEGV $$", std::chrono::seconds(10));
  ProbeOutcome outcome = run(worker);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error_code, "decoder_crashed");
  EXPECT_NE(outcome.error_message.find("signal 11"), std::string::npos) << outcome.error_message;
}

TEST_F(WorkerTest, AHangIsKilledAtTheDeadline) {
  auto worker = worker_running("sleep 30", std::chrono::milliseconds(300));
  ProbeOutcome outcome = run(worker);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error_code, "media_timeout");
}

TEST_F(WorkerTest, GarbageResultsAreNotTrusted) {
  auto worker = worker_running(R"(echo 'not json' > "$OUT/result.json")", std::chrono::seconds(10));
  ProbeOutcome outcome = run(worker);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error_code, "decoder_crashed");
}

}  // namespace
}  // namespace od::media
