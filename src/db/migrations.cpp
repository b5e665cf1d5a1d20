#include "db/migrations.h"

#include <map>

namespace od::db {

std::vector<Migration> migrations_for(Dialect dialect,
                                      const std::vector<EmbeddedMigration>& embedded) {
  const std::string own = dialect == Dialect::Sqlite ? "sqlite" : "postgres";
  std::map<int, Migration> by_version;
  for (const EmbeddedMigration& m : embedded) {
    const std::string file_dialect = m.dialect;
    if (!file_dialect.empty() && file_dialect != own) continue;
    auto it = by_version.find(m.version);
    // A file for this driver replaces the generic file of the same version, whatever the order.
    if (it != by_version.end() && file_dialect.empty()) continue;
    by_version.insert_or_assign(m.version, Migration{m.version, m.name, m.sql});
  }
  std::vector<Migration> out;
  out.reserve(by_version.size());
  for (auto& [version, migration] : by_version) out.push_back(std::move(migration));
  return out;
}

std::vector<Migration> migrations_for(Dialect dialect) {
  return migrations_for(dialect, embedded_migrations());
}

}  // namespace od::db
