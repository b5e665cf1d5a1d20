#include "assets/processing.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"

namespace od::assets {
namespace {

namespace fs = std::filesystem;

// Variant requests waiting for a render thread; beyond them, 503 (each holds a connection).
constexpr size_t kQueuedRenders = 16;

// Releases a slot of the on-demand render gate when it goes out of scope.
class Slot {
 public:
  explicit Slot(std::atomic<int>& count) : count_(count) {}
  ~Slot() { count_.fetch_sub(1); }

 private:
  std::atomic<int>& count_;
};

std::string variant_name(const media::RenderSpec& spec) {
  return "v-" + std::to_string(spec.width) + "x" + std::to_string(spec.height) + "-" +
         media::fit_name(spec.fit) + "." + media::format_extension(spec.format);
}

ApiError storage_down(const std::string& what, const std::exception& e) {
  log::error("asset_media_storage_failed", {{"what", what}, {"error", e.what()}});
  return unavailable("The file store is not available; try again.");
}

}  // namespace

std::string media_kind(const std::string& content_type) {
  if (content_type == "image/svg+xml") return "vector";
  if (content_type.starts_with("image/")) return "image";
  if (content_type.starts_with("video/")) return "video";
  return "";
}

AssetProcessor::AssetProcessor(AssetStore& assets, MediaStore& media, storage::BlobStore& blobs,
                               ProcessingConfig config)
    : assets_(assets),
      media_(media),
      blobs_(blobs),
      config_(std::move(config)),
      worker_(config_.worker),
      flights_(config_.max_variant_waiters),
      render_threads_(static_cast<size_t>(std::max(
                          1, config_.max_concurrent_variants + config_.max_variant_waiters)),
                      kQueuedRenders, "variant-render") {
  std::sort(config_.thumbnail_sizes.begin(), config_.thumbnail_sizes.end());
}

void AssetProcessor::mark_pending(const std::string& asset_id) {
  media_.set_pending(asset_id, now_ms());
}

bool AssetProcessor::allowed_size(int size) const {
  return std::binary_search(config_.thumbnail_sizes.begin(), config_.thumbnail_sizes.end(), size);
}

// Copies the blob into a private temporary file next to the worker's directories.
fs::path AssetProcessor::fetch(const std::string& sha256) {
  fs::create_directories(config_.worker.temp_dir);
  std::string pattern = (fs::path(config_.worker.temp_dir) / "blob-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw unavailable("No temporary file could be created for processing.");
  ::close(fd);
  fs::path path = pattern;
  bool found = false;
  try {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    found = blobs_.get(sha256, out);
    if (!out.flush()) throw storage::StorageError("cannot write " + path.string());
  } catch (const storage::StorageError& e) {
    fs::remove(path);
    throw storage_down("fetch", e);
  }
  if (!found) {
    fs::remove(path);
    throw ApiError(410, "content_missing", "The asset's content is no longer stored.");
  }
  return path;
}

media::ProbeOutcome AssetProcessor::run_worker(const std::string& sha256,
                                               const media::ProbeArgs& args,
                                               const media::Tick& tick) {
  fs::path input = fetch(sha256);
  try {
    return worker_.run(input, args, tick);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(input, ec);
    log::error("asset_media_worker_not_started", {{"sha256", sha256}, {"error", e.what()}});
    throw unavailable("Media processing could not start; try again.");
  }
}

nlohmann::json AssetProcessor::run_refused(const std::string& asset_id, const std::string& code,
                                           const std::string& message) {
  media_.set_failed(asset_id, code, message, now_ms());
  log::warn("asset_processing_failed", {{"assetId", asset_id}, {"code", code}, {"error", message}});
  throw ApiError(422, code, message);
}

void AssetProcessor::store_derivatives(const std::string& asset_id,
                                       const media::ProbeOutcome& outcome,
                                       const std::string& stored_name) {
  fs::path out_dir = outcome.dir / "out";
  for (const auto& d : outcome.result["derivatives"]) {
    std::string name = d.value("name", "");
    // The child is not trusted to name files: only plain names it could have written.
    if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) continue;
    Variant v;
    v.asset_id = asset_id;
    v.name = stored_name.empty() ? name : stored_name;
    v.content_type = d.value("contentType", "application/octet-stream");
    v.width = d.value("width", 0);
    v.height = d.value("height", 0);
    v.created_at = now_ms();
    try {
      storage::BlobInfo info = blobs_.put_file((out_dir / name).string(), v.content_type);
      v.sha256 = info.sha256;
      v.size = static_cast<int64_t>(info.size);
    } catch (const storage::StorageError& e) {
      throw storage_down("put", e);
    }
    // A retried job finds its earlier rows (the first stays); a deleted asset takes none.
    if (!media_.add_variant(v)) {
      release_blob(v.sha256);
      continue;
    }
    // Identical bytes may be another asset's derivative, released between our put and our row
    // (AssetStore::remove_if_unreferenced): now that the row names the blob, make sure it exists.
    try {
      if (!blobs_.head(v.sha256)) blobs_.put_file((out_dir / name).string(), v.content_type);
    } catch (const storage::StorageError& e) {
      throw storage_down("put", e);
    }
  }
}

nlohmann::json AssetProcessor::process(const std::string& asset_id, const media::Tick& tick) {
  auto asset = assets_.find(asset_id);
  if (!asset) return {{"skipped", "deleted"}};
  std::string kind = media_kind(asset->content_type);
  if (kind == "vector") {
    // SVG is markup, already sanitised on upload; it has no pixels to decode or palette to take.
    media_.set_done(asset_id, {{"kind", "vector"}}, now_ms());
    return {{"kind", "vector"}};
  }
  if (kind.empty()) {
    return run_refused(asset_id, "unsupported_media", "This type of file is not processed.");
  }
  media::ProbeArgs args;
  args.kind = kind;
  args.thumbnail_sizes = config_.thumbnail_sizes;
  media::ProbeOutcome outcome = run_worker(asset->sha256, args, tick);
  if (!outcome.ok) return run_refused(asset_id, outcome.error_code, outcome.error_message);
  store_derivatives(asset_id, outcome);
  nlohmann::json metadata = outcome.result;
  metadata.erase("derivatives");
  nlohmann::json derivatives = nlohmann::json::array();
  for (const auto& d : outcome.result["derivatives"]) {
    derivatives.push_back({{"name", d.value("name", "")},
                           {"role", d.value("role", "")},
                           {"contentType", d.value("contentType", "")},
                           {"width", d.value("width", 0)},
                           {"height", d.value("height", 0)}});
  }
  metadata["derivatives"] = derivatives;
  if (!media_.set_done(asset_id, metadata, now_ms())) {
    for (const auto& sha : derived_blobs(asset_id)) release_blob(sha);
    return {{"skipped", "deleted"}};
  }
  return {{"kind", kind}, {"derivatives", derivatives.size()}};
}

void AssetProcessor::describe(const Asset& asset, nlohmann::json& out) {
  auto state = media_.find(asset.id);
  out["processing"] = state ? state->processing : "pending";
  out["processingError"] =
      state && state->processing == "failed"
          ? nlohmann::json{{"code", state->error_code}, {"message", state->error_message}}
          : nlohmann::json(nullptr);
  out["media"] = state ? state->metadata : nlohmann::json(nullptr);
}

void AssetProcessor::require_processed(const Asset& asset) {
  auto state = media_.find(asset.id);
  if (!state || state->processing == "pending") {
    throw ApiError(409, "not_ready", "The asset is still being processed; try again shortly.")
        .with_retry_after(1);
  }
  if (state->processing == "failed") {
    throw ApiError(422, "media_failed", "The asset could not be processed: " + state->error_message,
                   {{"cause", state->error_code}});
  }
}

std::optional<Variant> AssetProcessor::find(const Asset& asset, const std::string& name) {
  return media_.find_variant(asset.id, name);
}

std::string AssetProcessor::variant_name_of(const media::RenderSpec& spec) const {
  if (!allowed_size(spec.width) || !allowed_size(spec.height)) {
    nlohmann::json sizes = config_.thumbnail_sizes;
    throw ApiError(400, "size_not_allowed",
                   "Each side of thumb=WxH must be one of the configured thumbnail sizes.",
                   {{"field", "thumb"}, {"allowed", sizes}});
  }
  return variant_name(spec);
}

std::optional<Variant> AssetProcessor::stored_variant(const Asset& asset,
                                                      const media::RenderSpec& spec) {
  return media_.find_variant(asset.id, variant_name_of(spec));
}

Variant AssetProcessor::variant(const Asset& asset, const media::RenderSpec& spec,
                                bool* generated) {
  if (generated) *generated = false;
  std::string name = variant_name_of(spec);
  if (auto found = media_.find_variant(asset.id, name)) return *found;

  require_processed(asset);
  std::string kind = media_kind(asset.content_type);
  std::string source_sha = asset.sha256;
  if (kind == "video") {
    auto poster = media_.find_variant(asset.id, "poster.jpeg");
    if (!poster) throw ApiError(422, "no_picture", "The video has no poster frame.");
    source_sha = poster->sha256;
  } else if (kind != "image") {
    throw ApiError(422, "no_picture", "Variants are made of images and videos only.");
  }

  bool rendered_here = false;
  auto render = [&] {
    // Stored by a render that finished between the lookup above and this flight.
    if (auto found = media_.find_variant(asset.id, name)) return *found;
    if (rendering_.fetch_add(1) >= config_.max_concurrent_variants) {
      rendering_.fetch_sub(1);
      throw unavailable("Too many variants are being rendered; try again.", 2);
    }
    Slot slot(rendering_);
    media::ProbeArgs args;
    args.kind = "image";
    args.render = spec;
    media::ProbeOutcome outcome = run_worker(source_sha, args, {});
    if (!outcome.ok) throw ApiError(422, outcome.error_code, outcome.error_message);
    // The child names its one file variant.<ext>; it is stored under the name that says what it
    // is.
    store_derivatives(asset.id, outcome, name);
    auto rendered = media_.find_variant(asset.id, name);
    if (!rendered) throw not_found("asset");  // deleted meanwhile
    log::info("variant_rendered", {{"assetId", asset.id}, {"variant", name}});
    rendered_here = true;
    return *rendered;
  };
  Variant out = flights_.run(asset.id + "/" + name, render);
  if (generated) *generated = rendered_here;
  return out;
}

void AssetProcessor::read(const Variant& variant, std::ostream& out,
                          std::optional<storage::ByteRange> range) {
  bool found = false;
  try {
    found = blobs_.get(variant.sha256, out, range);
  } catch (const storage::StorageError& e) {
    throw storage_down("read", e);
  }
  if (!found) throw ApiError(410, "content_missing", "The derivative is no longer stored.");
}

std::vector<std::string> AssetProcessor::derived_blobs(const std::string& asset_id) {
  std::vector<std::string> out;
  for (const auto& v : media_.variants(asset_id)) out.push_back(v.sha256);
  return out;
}

void AssetProcessor::release_blob(const std::string& sha256) {
  assets_.remove_if_unreferenced(sha256, [&] {
    try {
      blobs_.remove(sha256);
    } catch (const storage::StorageError& e) {
      log::warn("asset_blob_not_removed", {{"sha256", sha256}, {"error", e.what()}});
    }
  });
}

}  // namespace od::assets
