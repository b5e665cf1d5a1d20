#include "app/archive_assets.h"

#include <algorithm>

namespace od::app {
namespace {

constexpr int kAssetPage = 100;

}  // namespace

projects::ExportedAsset exported_asset(assets::AssetsService& assets, const assets::Asset& asset) {
  assets.require_content(asset);
  return {asset.filename, asset.content_type, static_cast<uint64_t>(asset.size),
          [&assets, asset](std::ostream& out) { assets.read(asset, out); }};
}

projects::ArchiveAssets archive_assets(assets::AssetsService& assets, assets::AssetStore& store) {
  projects::ArchiveAssets out;
  out.collect = [&assets, &store](const std::string& project_id) {
    std::vector<projects::ExportedAsset> files;
    for (std::string before;;) {
      auto page = store.list_by_project(project_id, before, kAssetPage);
      for (const auto& asset : page) {
        if (asset.status == "ready") files.push_back(exported_asset(assets, asset));
      }
      if (page.size() < kAssetPage) break;
      before = page.back().id;
    }
    // Oldest first, so re-exporting an imported project keeps the order (and the paths).
    std::reverse(files.begin(), files.end());
    return files;
  };
  out.remaining_quota = [&assets, &store](const auth::Principal& caller) {
    return assets.config().quota_bytes - store.usage(caller.user_id);
  };
  out.restore = [&assets](const auth::Principal& caller, const std::string& project_id,
                          const projects::ArchivedAsset& file,
                          const std::function<size_t(char*, size_t)>& read) {
    assets::StreamedUpload upload;
    upload.filename = file.filename;
    upload.declared_type = file.content_type;
    upload.project_id = project_id;
    upload.declared_size = static_cast<int64_t>(file.declared_size);
    return assets.upload_stream(caller, upload, read).id;
  };
  out.remove = [&assets](const auth::Principal& caller, const std::string& asset_id) {
    assets.remove(caller, asset_id);
  };
  return out;
}

}  // namespace od::app
