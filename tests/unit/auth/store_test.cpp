// The auth store on both drivers: users, refresh-token rotation races, one-time tokens, audit.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "auth/store.h"
#include "core/error.h"
#include "core/ids.h"
#include "support/databases.h"

namespace od::auth {
namespace {

class AuthStoreTest : public od::testing::DatabaseTest {
 protected:
  User make_user(const std::string& email) {
    User u;
    u.id = new_id();
    u.email = email;
    u.password_hash = "$argon2id$fake";
    u.display_name = "Ada";
    u.created_at = u.updated_at = 1000;
    return u;
  }
  RefreshToken make_token(const std::string& user_id, const std::string& family,
                          const std::string& hash) {
    RefreshToken t;
    t.id = new_id();
    t.user_id = user_id;
    t.family_id = family;
    t.token_hash = hash;
    t.created_at = 1000;
    t.expires_at = 999999;
    return t;
  }
};

TEST_P(AuthStoreTest, InsertsAndFindsUsersAndRefusesDuplicateEmails) {
  AuthStore store(db());
  User u = make_user("ada@example.com");
  store.insert_user(u);
  auto found = store.find_user_by_email("ada@example.com");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, u.id);
  EXPECT_EQ(found->display_name, "Ada");
  EXPECT_FALSE(found->email_verified);
  EXPECT_TRUE(store.find_user_by_id(u.id));
  try {
    store.insert_user(make_user("ada@example.com"));
    FAIL() << "duplicate email accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.code(), "email_taken");
  }
  EXPECT_TRUE(store.set_role(u.id, "admin", 2000));
  EXPECT_EQ(store.find_user_by_id(u.id)->role, "admin");
  EXPECT_FALSE(store.set_role(new_id(), "admin", 2000));
}

TEST_P(AuthStoreTest, ListsUsersInPages) {
  AuthStore store(db());
  for (int i = 0; i < 5; ++i) store.insert_user(make_user("u" + std::to_string(i) + "@x.io"));
  auto first = store.list_users("", 3);
  ASSERT_EQ(first.size(), 3u);
  auto rest = store.list_users(first.back().id, 3);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_LT(first.back().id, rest.front().id);
}

TEST_P(AuthStoreTest, RotationHappensOnceUnderConcurrentRefreshes) {
  AuthStore store(db());
  User u = make_user("race@example.com");
  store.insert_user(u);
  RefreshToken original = make_token(u.id, "fam", "h0");
  store.insert_refresh_token(original);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      RefreshToken next = make_token(u.id, "fam", "h" + std::to_string(i + 1));
      if (store.rotate_refresh_token(original.id, next, "sealed", 2000)) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  auto rotated = store.find_refresh_token("h0");
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(rotated->replaced_at);
  EXPECT_EQ(rotated->successor_sealed, "sealed");
  EXPECT_TRUE(store.find_refresh_token(
      db().query("SELECT token_hash FROM refresh_tokens WHERE id = $1", {rotated->replaced_by})
          .rows.front()
          .text(0)));
}

TEST_P(AuthStoreTest, RevokingAFamilyLeavesOtherSessions) {
  AuthStore store(db());
  User u = make_user("fam@example.com");
  store.insert_user(u);
  store.insert_refresh_token(make_token(u.id, "a", "ha"));
  store.insert_refresh_token(make_token(u.id, "b", "hb"));
  store.revoke_family("a", 3000);
  EXPECT_TRUE(store.find_refresh_token("ha")->revoked_at);
  EXPECT_FALSE(store.find_refresh_token("hb")->revoked_at);
  store.revoke_user_sessions(u.id, 4000);
  EXPECT_TRUE(store.find_refresh_token("hb")->revoked_at);
}

TEST_P(AuthStoreTest, OneTimeTokensAreSingleUseAndExpire) {
  AuthStore store(db());
  User u = make_user("ott@example.com");
  store.insert_user(u);
  store.insert_one_time_token("t1", u.id, "verify_email", 5000);
  store.insert_one_time_token("t2", u.id, "verify_email", 5000);
  EXPECT_FALSE(store.consume_one_time_token("t1", "reset_password", 1000)) << "wrong purpose";
  EXPECT_EQ(store.consume_one_time_token("t1", "verify_email", 1000).value_or(""), u.id);
  EXPECT_FALSE(store.consume_one_time_token("t1", "verify_email", 1000)) << "used twice";
  EXPECT_FALSE(store.consume_one_time_token("t2", "verify_email", 6000)) << "expired";
}

TEST_P(AuthStoreTest, DeletingAUserRemovesTheirTokens) {
  AuthStore store(db());
  User u = make_user("gone@example.com");
  store.insert_user(u);
  store.insert_refresh_token(make_token(u.id, "f", "hg"));
  EXPECT_TRUE(store.delete_user(u.id));
  EXPECT_FALSE(store.find_user_by_id(u.id));
  EXPECT_FALSE(store.find_refresh_token("hg"));
}

TEST_P(AuthStoreTest, AuditLogPagesNewestFirstAndFilters) {
  AuthStore store(db());
  for (int i = 0; i < 4; ++i) {
    AuditEntry e;
    e.id = new_id();
    e.at = 1000 + i;
    e.event = i % 2 ? "login" : "login_failed";
    e.details = {{"n", i}};
    store.insert_audit(e);
  }
  auto page = store.list_audit("", 3, "");
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page.front().details["n"], 3);
  EXPECT_EQ(store.list_audit(page.back().id, 3, "").size(), 1u);
  auto failed = store.list_audit("", 10, "login_failed");
  ASSERT_EQ(failed.size(), 2u);
  for (const auto& e : failed) EXPECT_EQ(e.event, "login_failed");
}

OD_INSTANTIATE_DATABASE_TEST(AuthStoreTest);

}  // namespace
}  // namespace od::auth
