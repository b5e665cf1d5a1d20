// An uploaded archive received to disk before it is read: ZIP keeps its directory at the end, so
// an archive cannot be checked while it streams in, and holding it in memory would cap imports at
// what a worker may hold. The file has no name (O_TMPFILE, or unlinked as soon as it is
// created), so nothing is left behind however the import ends, crash included.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "core/error.h"

namespace od::projects {

// Copies everything `read` yields (up to `max` bytes per call, 0 at the end) into an unnamed
// file in `dir` (created if needed; empty: the system temp dir) and returns it, positioned at the
// start; the caller owns it. Throws `too_large()` as soon as more than
// `max_bytes` have arrived, and what `read` throws (a client gone, a stalled body).
FILE* stage_archive(const std::string& dir, const std::function<size_t(char*, size_t)>& read,
                    uint64_t max_bytes, const std::function<ApiError()>& too_large);

}  // namespace od::projects
