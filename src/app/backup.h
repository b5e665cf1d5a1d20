// `opendesign backup` / `restore`: a consistent online snapshot of the embedded store (SQLite via
// VACUUM INTO, taken while the server runs), the signing secret and the blob directory, in one
// ZIP archive; and its restore into an empty data directory. PostgreSQL deployments use pg_dump.
#pragma once

#include <string>

#include "app/application.h"

namespace od::app {

void write_backup(Application& app, const std::string& archive_path);
// Refuses a data directory that already holds a database, and any archive entry that would land
// outside the data directory.
void restore_backup(const Config& config, const std::string& archive_path);

}  // namespace od::app
