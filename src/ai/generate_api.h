// The brief-003 app-generator routes, a thin layer over the job queue (issue 3, "API"):
//   POST /api/v1/generate {prompt}          -> 202 {jobId, statusUrl, resultsUrl} (a generate job)
//   GET  /api/v1/jobs/{id}/status           -> status and progress of any of my jobs
//   GET  /api/v1/results/{id}               -> {files: {path: {size, sha256, contentType, url}},
//                                               zip: {url}, expiresAt} once the job is done
//   GET  /api/v1/results/{id}/files/{index} -> one file, by signed link (no Authorization)
//   GET  /api/v1/results/{id}/zip           -> every file as a ZIP, by signed link
#pragma once

#include "ai/download_signer.h"
#include "http/router.h"
#include "jobs/service.h"
#include "storage/blob_store.h"

namespace od::ai {

inline constexpr int64_t kDownloadLinkSeconds = 3600;

void register_generate_routes(http::Router& router, jobs::JobsService& jobs,
                              storage::BlobStore& blobs, const DownloadSigner& signer);

}  // namespace od::ai
