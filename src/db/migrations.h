// Versioned schema migrations, embedded into the binary from migrations/*.sql at build time.
// A file NNNN_name.sql applies to every driver; NNNN_name.sqlite.sql or NNNN_name.postgres.sql
// replaces it for that driver. Applied versions are recorded in the schema_migrations table.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace od::db {

struct EmbeddedMigration {
  int version;
  const char* name;
  const char* dialect;  // "" for all drivers, else "sqlite" or "postgres"
  const char* sql;
};

const std::vector<EmbeddedMigration>& embedded_migrations();

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations that apply to `dialect`, in version order (dialect-specific files win).
std::vector<Migration> migrations_for(Dialect dialect);
// The same selection over an explicit list (for tests of the selection rules).
std::vector<Migration> migrations_for(Dialect dialect,
                                      const std::vector<EmbeddedMigration>& embedded);

}  // namespace od::db
