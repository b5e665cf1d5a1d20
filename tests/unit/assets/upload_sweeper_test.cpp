// UploadSweeper on SQLite and PostgreSQL: of two instances on one database, only the holder of
// the lease runs the shared sweeps in an interval; every instance runs its local ones; a task
// that throws does not stop the others.
#include "assets/upload_sweeper.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/databases.h"

namespace od::assets {
namespace {

class UploadSweeperTest : public od::testing::DatabaseTest {};

TEST_P(UploadSweeperTest, SharedTasksRunOnTheLeaseHolderOnly) {
  SweepLease lease(db());
  int shared = 0;
  int local = 0;
  auto options = [&] {
    return UploadSweeperOptions{
        .interval = std::chrono::hours(1),
        .shared = {[] { throw std::runtime_error("database unreachable"); }, [&] { ++shared; }},
        .local = {[&] { ++local; }}};
  };
  UploadSweeper a(lease, options());
  UploadSweeper b(lease, options());
  a.sweep_once();
  b.sweep_once();
  a.sweep_once();  // the holder renews its lease
  EXPECT_EQ(shared, 2);
  EXPECT_EQ(local, 3);
}

OD_INSTANTIATE_DATABASE_TEST(UploadSweeperTest);

}  // namespace
}  // namespace od::assets
