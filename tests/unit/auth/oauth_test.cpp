// OAuth pieces with logic of their own: PKCE S256, reading provider profiles, form encoding, and
// the pending-state store (single use, expiry) on both drivers.
#include <gtest/gtest.h>

#include "auth/http_client.h"
#include "auth/oauth.h"
#include "auth/store.h"
#include "core/error.h"
#include "support/databases.h"

namespace od::auth {
namespace {

TEST(OAuth, PkceChallengeMatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OAuth, ReadsGoogleProfiles) {
  auto id = google_identity(
      {{"sub", "1078"}, {"email", "ada@example.com"}, {"email_verified", true}, {"name", "Ada"}});
  EXPECT_EQ(id.provider, "google");
  EXPECT_EQ(id.subject, "1078");
  EXPECT_EQ(id.email, "ada@example.com");
  EXPECT_TRUE(id.email_verified);
  EXPECT_FALSE(google_identity({{"sub", "1"}, {"email", "a@b.co"}}).email_verified);
  EXPECT_FALSE(google_identity({{"sub", "1"}, {"email_verified", "no"}}).email_verified);
  try {
    google_identity({{"email", "ada@example.com"}});
    FAIL() << "a profile without a subject was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 502);
  }
  EXPECT_THROW(google_identity(nlohmann::json::array()), ApiError);
  EXPECT_THROW(google_identity({{"sub", nlohmann::json::object()}}), ApiError);
}

TEST(OAuth, PrefersGithubsPrimaryVerifiedEmail) {
  nlohmann::json user = {{"id", 583231}, {"login", "octocat"}, {"email", nullptr}};
  nlohmann::json emails = nlohmann::json::array(
      {{{"email", "old@example.com"}, {"verified", true}, {"primary", false}},
       {{"email", "unverified@example.com"}, {"verified", false}, {"primary", false}},
       {{"email", "main@example.com"}, {"verified", true}, {"primary", true}}});
  auto id = github_identity(user, emails);
  EXPECT_EQ(id.subject, "583231");
  EXPECT_EQ(id.name, "octocat");
  EXPECT_EQ(id.email, "main@example.com");
  EXPECT_TRUE(id.email_verified);

  // Only an unverified address anywhere: taken from the profile, not verified.
  user["email"] = "public@example.com";
  auto unverified = github_identity(
      user, nlohmann::json::array({{{"email", "public@example.com"}, {"verified", false}}}));
  EXPECT_EQ(unverified.email, "public@example.com");
  EXPECT_FALSE(unverified.email_verified);
  // A list that is not a list (the endpoint failed) leaves the profile's address.
  EXPECT_EQ(github_identity(user, "garbage").email, "public@example.com");
  // No public address and nothing verified: the primary one, unverified.
  auto primary = github_identity(
      {{"id", 7}}, nlohmann::json::array({{{"email", "p@example.com"}, {"primary", true}}}));
  EXPECT_EQ(primary.email, "p@example.com");
  EXPECT_FALSE(primary.email_verified);
  EXPECT_THROW(github_identity({{"login", "x"}}, nlohmann::json::array()), ApiError);
}

TEST(OAuth, FormEncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(form_encode({{"redirect_uri", "http://x/cb?a=1"}, {"scope", "openid email"}}),
            "redirect_uri=http%3A%2F%2Fx%2Fcb%3Fa%3D1&scope=openid%20email");
}

class OAuthStateStoreTest : public od::testing::DatabaseTest {};

TEST_P(OAuthStateStoreTest, StatesAreSingleUseBoundToTheProviderAndExpire) {
  AuthStore store(db());
  store.insert_oauth_state({"s1", "google", "verifier-1", "http://app/cb", 5000}, 1000);
  store.insert_oauth_state({"s2", "google", "verifier-2", "", 5000}, 1000);
  store.insert_oauth_state({"s3", "github", "verifier-3", "", 5000}, 1000);

  EXPECT_FALSE(store.take_oauth_state("s1", "github", 2000)) << "another provider's state";
  auto taken = store.take_oauth_state("s1", "google", 2000);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->code_verifier, "verifier-1");
  EXPECT_EQ(taken->redirect, "http://app/cb");
  EXPECT_FALSE(store.take_oauth_state("s1", "google", 2000)) << "used twice";
  EXPECT_FALSE(store.take_oauth_state("s2", "google", 5000)) << "expired";
  EXPECT_FALSE(store.take_oauth_state("unknown", "google", 2000));

  // A new sign-in sweeps expired rows: s3 is gone even for its own provider.
  store.insert_oauth_state({"s4", "github", "verifier-4", "", 99000}, 6000);
  EXPECT_FALSE(store.take_oauth_state("s3", "github", 0));
  EXPECT_TRUE(store.take_oauth_state("s4", "github", 7000));
}

TEST_P(OAuthStateStoreTest, IdentitiesLinkOnceAndNewUsersComeWithTheirIdentity) {
  AuthStore store(db());
  User user;
  user.id = "u1";
  user.email = "ada@example.com";
  user.created_at = user.updated_at = 1000;
  store.insert_user_with_identity(user, {"github", "42", "u1", "ada@example.com", 1000});
  EXPECT_EQ(store.find_identity_user("github", "42").value_or(""), "u1");
  EXPECT_FALSE(store.find_identity_user("google", "42"));
  EXPECT_TRUE(store.find_user_by_id("u1")->password_hash.empty());
  try {
    store.insert_identity({"github", "42", "u1", "ada@example.com", 2000});
    FAIL() << "an identity was linked twice";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "identity_taken");
  }
  // When the identity cannot be linked, the user is not created either.
  User other = user;
  other.id = "u2";
  other.email = "other@example.com";
  EXPECT_THROW(store.insert_user_with_identity(other, {"github", "42", "u2", "", 3000}), ApiError);
  EXPECT_FALSE(store.find_user_by_id("u2"));
}

OD_INSTANTIATE_DATABASE_TEST(OAuthStateStoreTest);

}  // namespace
}  // namespace od::auth
