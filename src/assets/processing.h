// Media processing of assets, off the request path: when an asset is finalised its processing is
// marked pending and an `asset.process` job is queued (processing_job.h). The job decodes the
// file in a bounded child process (media/worker.h), stores the derivatives (thumbnails at the
// configured sizes in WebP and JPEG; for videos also a poster and a keyframe strip) in the blob
// store and the metadata (dimensions, colour space, palette, duration, fps, codec, ...) with
// the asset. A file the decoders refuse, crash on or time out on fails that asset, with a clear
// error, never the server.
//
// On-demand variants (thumb=WxH&fit=...) are rendered once, on first request, the same bounded
// way, and kept as derivatives; concurrent requests for one variant share one render
// (assets/render_flights.h). Both sides of the box must be configured thumbnail sizes, so one
// asset has a bounded number of variants however it is asked for.
#pragma once

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "assets/media_store.h"
#include "assets/render_flights.h"
#include "assets/store.h"
#include "core/worker_pool.h"
#include "media/render.h"
#include "media/worker.h"
#include "storage/blob_store.h"

namespace od::assets {

struct ProcessingConfig {
  std::vector<int> thumbnail_sizes = {64, 256, 1024};  // square boxes, ascending
  media::WorkerConfig worker;
  int max_concurrent_variants = 2;  // on-demand renders at once; more get 503
  // Requests waiting for a render of the same variant by another request; more get 503.
  int max_variant_waiters = 4;
};

class AssetProcessor {
 public:
  AssetProcessor(AssetStore& assets, MediaStore& media, storage::BlobStore& blobs,
                 ProcessingConfig config);

  // Marks a just-finalised asset pending (its job is queued next).
  void mark_pending(const std::string& asset_id);
  // The job's work. `tick` is called while the decoder runs (heartbeat; false stops it). Returns
  // a small summary. A refused file is recorded as failed, then thrown as a 422 ApiError (the
  // job fails for good); storage trouble is a 503 (the job is retried).
  nlohmann::json process(const std::string& asset_id, const media::Tick& tick = {});

  // Adds "processing", "processingError" and "media" to the asset's JSON.
  void describe(const Asset& asset, nlohmann::json& out);

  // Throws unless processing is done: 409 `not_ready` while pending, 422 `media_failed`.
  void require_processed(const Asset& asset);
  // A stored derivative by name ("thumb-256.webp", "poster.jpeg", ...).
  std::optional<Variant> find(const Asset& asset, const std::string& name);
  // The variant `spec` asks for, rendered and stored on first request. Throws ApiError: 400 when
  // the box is not made of configured sizes, 409 while processing is pending, 422 when the asset
  // has no picture (failed, vector) or rendering fails, 503 when too many renders run.
  // `generated` (when given) tells whether this call rendered it (false for a request that
  // waited for another's render of the same variant).
  Variant variant(const Asset& asset, const media::RenderSpec& spec, bool* generated = nullptr);
  // The variant `spec` asks for when it is stored already (400 for a size not configured).
  std::optional<Variant> stored_variant(const Asset& asset, const media::RenderSpec& spec);
  // Runs `task` (rendering a variant, then answering its request) on the render threads, so no
  // request thread waits for a render; false when the queue of renders waiting is full.
  bool submit_render(std::function<void()> task) {
    return render_threads_.try_submit(std::move(task));
  }
  bool allowed_size(int size) const;

  // Writes the derivative's bytes (or `range` of them) to `out`.
  void read(const Variant& variant, std::ostream& out,
            std::optional<storage::ByteRange> range = std::nullopt);
  // The derivative blobs of an asset, to release after it is deleted.
  std::vector<std::string> derived_blobs(const std::string& asset_id);
  // Removes the blob when no asset or derivative names it any more.
  void release_blob(const std::string& sha256);

  const ProcessingConfig& config() const { return config_; }

 private:
  std::filesystem::path fetch(const std::string& sha256);
  // Runs the bounded child on a copy of the blob; 503 when it cannot start.
  media::ProbeOutcome run_worker(const std::string& sha256, const media::ProbeArgs& args,
                                 const media::Tick& tick);
  // Puts the outcome's files in the blob store and records them (under `stored_name` when given:
  // for a single rendered variant).
  void store_derivatives(const std::string& asset_id, const media::ProbeOutcome& outcome,
                         const std::string& stored_name = "");
  nlohmann::json run_refused(const std::string& asset_id, const std::string& code,
                             const std::string& message);

  AssetStore& assets_;
  MediaStore& media_;
  storage::BlobStore& blobs_;
  ProcessingConfig config_;
  media::MediaWorker worker_;
  // The checked name a variant is stored under.
  std::string variant_name_of(const media::RenderSpec& spec) const;

  std::atomic<int> rendering_{0};
  RenderFlights flights_;
  // Renders at once plus requests sharing them; last: drained first (every queued render is
  // answered) while the rest still exists.
  WorkerPool render_threads_;
};

// "image", "video" or "vector" for an accepted content type; empty for anything else.
std::string media_kind(const std::string& content_type);

}  // namespace od::assets
