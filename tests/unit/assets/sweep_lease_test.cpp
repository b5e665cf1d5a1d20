// The sweep_leases table on SQLite and PostgreSQL: one holder at a time until the lease expires;
// the holder may renew; leases of different names are independent.
#include "assets/sweep_lease.h"

#include <gtest/gtest.h>

#include "support/databases.h"

namespace od::assets {
namespace {

class SweepLeaseTest : public od::testing::DatabaseTest {};

TEST_P(SweepLeaseTest, OneHolderUntilItExpires) {
  SweepLease lease(db());
  EXPECT_TRUE(lease.try_take("sweep", "a", 1000, 2000));
  EXPECT_FALSE(lease.try_take("sweep", "b", 1500, 2500));  // held by a
  EXPECT_TRUE(lease.try_take("sweep", "a", 1500, 2500));   // a renews
  EXPECT_FALSE(lease.try_take("sweep", "b", 2499, 3499));
  EXPECT_TRUE(lease.try_take("other", "b", 2499, 3499));  // another name
  EXPECT_TRUE(lease.try_take("sweep", "b", 2500, 3500));  // expired: b takes it
  EXPECT_FALSE(lease.try_take("sweep", "a", 3000, 4000));
}

OD_INSTANTIATE_DATABASE_TEST(SweepLeaseTest);

}  // namespace
}  // namespace od::assets
