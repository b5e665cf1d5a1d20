// Every item of a keyset-paged query, page after page, for the few callers that must hold them
// all (the GDPR export): bounded queries for the database, one list for the caller.
#pragma once

#include <string>

namespace od {

// `fetch(after_id, limit)` returns up to `limit` items with ids after `after_id` (empty: from
// the first), in id order; items have an `id`.
template <typename Fetch>
auto collect_all_by_id(Fetch fetch, int page_size = 500) {
  decltype(fetch(std::string(), page_size)) out;
  for (std::string after;;) {
    auto page = fetch(after, page_size);
    out.insert(out.end(), page.begin(), page.end());
    if (static_cast<int>(page.size()) < page_size) return out;
    after = page.back().id;
  }
}

}  // namespace od
