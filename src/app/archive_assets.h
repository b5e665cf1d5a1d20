// How project archives reach the assets module: export streams each ready asset of the project
// from the blob store; import stores each archived asset through the upload path, so an imported
// file meets every rule a new upload meets (type sniffing, SVG sanitising, size, quota) and is
// processed like one. Derivatives are never archived: import remakes them.
#pragma once

#include "assets/service.h"
#include "assets/store.h"
#include "projects/archive_api.h"

namespace od::app {

projects::ArchiveAssets archive_assets(assets::AssetsService& assets, assets::AssetStore& store);

// Checks that the asset's bytes are stored and returns how to stream them into an archive:
// checked before any byte of the response is sent, so a missing blob is a clear 410 (or, in the
// GDPR export, an asset listed without its file) rather than a download cut short.
projects::ExportedAsset exported_asset(assets::AssetsService& assets, const assets::Asset& asset);

}  // namespace od::app
