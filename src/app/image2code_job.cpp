#include "app/image2code_job.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ai/generate.h"
#include "app/compile_design.h"
#include "auth/user.h"
#include "core/error.h"
#include "core/json_input.h"
#include "engines/design2code/document.h"
#include "engines/image2code/image_loader.h"
#include "media/bounded_process.h"

namespace od::app {
namespace {

namespace fs = std::filesystem;
namespace ji = json_input;
namespace d2c = od::design2code;
namespace i2c = od::image2code;

// Enough for any PNG or WebP header and a JPEG's start-of-frame behind its metadata segments.
constexpr size_t kHeaderPrefixBytes = 256 * 1024;
// Stages the child reports take this share of the progress bar; code generation and storing the
// files take the rest.
constexpr int kEngineFirstPercent = 5, kEngineLastPercent = 85;

struct Request {
  std::string asset_id;
  std::string target;
  std::string frame;
};

Request parse_request(const nlohmann::json& input) {
  ji::reject_unknown_fields(input, {"assetId", "target", "frame"});
  Request request;
  request.asset_id = *ji::string_field(input, "assetId", true, 1, 64);
  request.target = ji::string_field(input, "target", false, 1, 16).value_or("html");
  if (request.target != "html" && request.target != "react" && request.target != "vue" &&
      request.target != "canvas") {
    throw validation_error(
        "Field 'target' must be html, react, vue or canvas.",
        {{"field", "/input/target"}, {"allowed", {"html", "react", "vue", "canvas"}}});
  }
  request.frame = ji::string_field(input, "frame", false, 1, 1024).value_or("");
  return request;
}

ApiError refused(std::string code, const std::string& message, nlohmann::json details = {}) {
  if (details.is_null()) details = nlohmann::json::object();
  details["field"] = "/input/assetId";
  return ApiError(422, std::move(code), message, std::move(details));
}

// A private directory for one run, removed with everything in it when the run ends.
class RunDir {
 public:
  explicit RunDir(const std::string& parent) {
    fs::create_directories(parent);
    std::string pattern = (fs::path(parent) / "i2c-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a work directory");
    path_ = pattern;
  }
  ~RunDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Turns the child's "stage <name> <done>/<total>" lines, read from its log as they appear, into
// one progress event each.
class StageFollower {
 public:
  StageFollower(fs::path log, jobs::JobContext& context)
      : log_(std::move(log)), context_(context) {}

  void poll() {
    std::ifstream in(log_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(consumed_));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t end;
    while ((end = chunk.find('\n')) != std::string::npos) {  // whole lines only
      std::string line = chunk.substr(0, end);
      chunk.erase(0, end + 1);
      consumed_ += end + 1;
      report(line);
    }
  }

 private:
  void report(const std::string& line) {
    static const std::regex kStage(R"(stage ([a-z]+) (\d+)/(\d+))");
    std::smatch m;
    if (!std::regex_match(line, m, kStage)) return;
    int done = std::stoi(m[2]), total = std::max(1, std::stoi(m[3]));
    context_.progress(
        kEngineFirstPercent + (kEngineLastPercent - kEngineFirstPercent) * done / total, m[1]);
  }

  fs::path log_;
  jobs::JobContext& context_;
  size_t consumed_ = 0;
};

// The child's outcome as a failed job's error, or nothing when it succeeded.
void check_exit(const media::ChildExit& exit, const nlohmann::json& result) {
  if (exit.timed_out || exit.signal == SIGXCPU) {
    throw ApiError(422, "image_timeout",
                   "Turning the picture into code took longer than allowed; it was stopped.");
  }
  if ((exit.exit_code == 3 || exit.exit_code == 5) && result.is_object() &&
      result.contains("error") && result["error"].is_object()) {
    throw ApiError(422, result["error"].value("code", "image2code_failed"),
                   result["error"].value("message", "The picture could not be turned into code."));
  }
  if (exit.exit_code != 0 || !result.is_object() || !result.contains("assets")) {
    std::string how = exit.signal ? "was killed by signal " + std::to_string(exit.signal)
                                  : "exited with status " + std::to_string(exit.exit_code);
    throw ApiError(422, "engine_crashed",
                   "The screenshot engine " + how + " on this picture; it is probably damaged.");
  }
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read " + path.filename().string());
  return out.str();
}

// The engine's document through the design-to-code engine. The document failing its schema
// would be an engine bug; it fails the job rather than the server.
d2c::Files generate(const nlohmann::json& document, const Request& request) {
  d2c::Document doc;
  try {
    doc = d2c::parse_document(document);
  } catch (const d2c::InvalidDocument&) {
    throw ApiError(422, "invalid_document", "The engine wrote a document the compiler refuses.");
  }
  return compile_design(doc, request.target, request.frame);
}

}  // namespace

assets::Asset Image2CodeHandler::readable_picture(const std::string& user_id,
                                                  const std::string& asset_id) const {
  assets::Asset asset;
  try {
    // As a user, admin or not: the job reads what its owner could read.
    asset = assets_.get(auth::Principal{user_id, auth::kRoleUser}, asset_id);
  } catch (const ApiError& e) {
    if (e.status() != 404) throw;
    throw refused("asset_not_found", "The asset does not exist or you may not read it.");
  }
  if (asset.status != "ready") {
    throw refused("asset_not_ready", "The asset's upload is not complete.");
  }
  const auto& type = asset.content_type;
  if (type != "image/png" && type != "image/jpeg" && type != "image/webp") {
    throw refused("unsupported_asset_type", "The asset must be a PNG, JPEG or WebP picture.",
                  {{"contentType", type}, {"allowed", {"image/png", "image/jpeg", "image/webp"}}});
  }
  i2c::LoadLimits limits;
  if (asset.size > static_cast<int64_t>(limits.max_bytes)) {
    throw refused("image_too_large",
                  "The picture is larger than " + std::to_string(limits.max_bytes >> 20) + " MiB.");
  }
  std::ostringstream head;
  assets_.read(asset, head, storage::ByteRange{0, kHeaderPrefixBytes});
  std::string prefix = head.str();
  // Twice: first whether it is a readable picture at all, then whether it is within the bounds.
  i2c::LoadLimits unbounded{prefix.size() + 1, INT32_MAX, INT32_MAX, INT64_MAX};
  try {
    i2c::read_header(prefix, unbounded);
  } catch (const i2c::ImageError& e) {
    throw refused("invalid_image", std::string("The picture cannot be read: ") + e.what() + ".");
  }
  try {
    i2c::read_header(prefix, limits);
  } catch (const i2c::ImageError& e) {
    throw refused("image_too_large", std::string("The picture is too large: ") + e.what() + ".");
  }
  return asset;
}

void Image2CodeHandler::validate(const nlohmann::json& input) const { parse_request(input); }

void Image2CodeHandler::validate_submission(const auth::Principal& caller,
                                            const nlohmann::json& input,
                                            const std::optional<std::string>&) const {
  readable_picture(caller.user_id, parse_request(input).asset_id);
}

nlohmann::json Image2CodeHandler::run(jobs::JobContext& context) {
  Request request = parse_request(context.input());
  auto job = jobs_.find(context.job_id());
  if (!job) throw not_found("job");
  // Again at run time: the asset may have been deleted or unshared since the submit.
  assets::Asset asset = readable_picture(job->owner_id, request.asset_id);

  // Twice the longest child run, and time to store a result: older directories are abandoned.
  media::remove_stale_dirs(config_.temp_dir, "i2c-", 2 * config_.wall + std::chrono::minutes(10));
  RunDir dir(config_.temp_dir);
  fs::path input = dir.path() / "input", out = dir.path() / "out", log = dir.path() / "log.txt";
  {
    std::ofstream file(input, std::ios::binary | std::ios::trunc);
    assets_.read(asset, file);
    if (!file.flush()) throw std::runtime_error("cannot write the picture to " + input.string());
  }
  fs::create_directory(out);
  context.progress(2, "starting");
  StageFollower stages(log, context);
  std::vector<std::string> argv = {config_.executable, "image2code-child",
                                   "--input",          input.string(),
                                   "--output-dir",     out.string(),
                                   "--memory-mb",      std::to_string(config_.memory_mb),
                                   "--cpu-seconds",    std::to_string(config_.cpu_seconds),
                                   "--parent-pid",     std::to_string(::getpid())};
  media::ChildExit exit = media::run_bounded(argv, config_.wall, log.string(), [&stages, &context] {
    stages.poll();
    return !context.cancelled();
  });
  stages.poll();                     // the stages that ended since the last tick
  if (exit.stopped) return nullptr;  // cancelled: the result is discarded
  nlohmann::json outcome = read_json(out / "result.json");
  check_exit(exit, outcome);

  nlohmann::json document = read_json(out / "design.json");
  if (!document.is_object()) throw ApiError(422, "engine_crashed", "The engine wrote no document.");
  d2c::Files files;
  if (request.target != "canvas") {
    files = generate(document, request);
    context.progress(kEngineLastPercent + 5, "codegen");
  }
  if (context.cancelled()) return nullptr;

  nlohmann::json listed = nlohmann::json::array();
  auto store = [&](const std::string& path, const std::string& content, const std::string& type) {
    std::istringstream in(content);
    storage::BlobInfo blob = blobs_.put_stream(in, content.size(), type);
    listed.push_back(
        {{"path", path}, {"sha256", blob.sha256}, {"size", blob.size}, {"contentType", type}});
  };
  store("design.json", document.dump(), "application/json");
  // Names come from the child; only the engine's own "image-<n>.png" shape is taken.
  static const std::regex kAssetName(R"(image-\d{1,6}\.png)");
  for (const auto& name : outcome["assets"]) {
    if (!name.is_string() || !std::regex_match(name.get<std::string>(), kAssetName)) continue;
    store("assets/" + name.get<std::string>(), read_text(out / "assets" / name.get<std::string>()),
          "image/png");
  }
  for (const auto& [path, content] : files) store(path, content, ai::content_type_for(path));
  return {{"files", listed},
          {"target", request.target},
          {"document", "design.json"},
          {"width", outcome.value("width", 0)},
          {"height", outcome.value("height", 0)}};
}

}  // namespace od::app
