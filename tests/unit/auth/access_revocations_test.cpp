// Revoked access tokens: refused when issued up to the revocation, accepted after it, per user.
#include <gtest/gtest.h>

#include "auth/access_revocations.h"
#include "core/time.h"

namespace od::auth {
namespace {

TEST(AccessRevocations, RefusesTokensIssuedUntilTheRevocationOnly) {
  AccessRevocations revocations(900);
  int64_t now = now_ms();
  EXPECT_FALSE(revocations.is_revoked("alice", now - 5000)) << "nothing revoked yet";
  revocations.revoke("alice", now);
  EXPECT_TRUE(revocations.is_revoked("alice", now - 5000));
  EXPECT_TRUE(revocations.is_revoked("alice", now)) << "same millisecond counts as before";
  EXPECT_FALSE(revocations.is_revoked("alice", now + 1));
  EXPECT_FALSE(revocations.is_revoked("bob", now - 5000)) << "other users are untouched";
}

TEST(AccessRevocations, ALaterRevocationWinsAndAnEarlierOneDoesNotUndoIt) {
  AccessRevocations revocations(900);
  int64_t now = now_ms();
  revocations.revoke("alice", now);
  revocations.revoke("alice", now - 10'000);  // e.g. a late message from another instance
  EXPECT_TRUE(revocations.is_revoked("alice", now - 1));
}

}  // namespace
}  // namespace od::auth
