// Webhook and callback signatures: a known vector, and every way a signature must fail (other
// key, other body, old or future timestamp, malformed header).
#include "jobs/signature.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace od::jobs {
namespace {

TEST(Signature, MatchesTheDocumentedConstruction) {
  std::string body = R"({"event":"job.completed"})";
  std::string expected =
      "t=1700000000,v1=" + crypto::hex_encode(crypto::hmac_sha256("key", "1700000000." + body));
  EXPECT_EQ(sign_payload("key", 1700000000, body), expected);
}

TEST(Signature, VerifiesOnlyTheSameKeyBodyAndFreshTimestamp) {
  std::string body = "{}";
  std::string header = sign_payload("secret", 1000, body);
  EXPECT_EQ(verify_signature("secret", header, body, 1000, 300), SignatureCheck::Valid);
  EXPECT_EQ(verify_signature("secret", header, body, 1300, 300), SignatureCheck::Valid);
  EXPECT_EQ(verify_signature("other", header, body, 1000, 300), SignatureCheck::Mismatch);
  EXPECT_EQ(verify_signature("secret", header, "{ }", 1000, 300), SignatureCheck::Mismatch);
  EXPECT_EQ(verify_signature("secret", header, body, 1301, 300), SignatureCheck::Stale);
  EXPECT_EQ(verify_signature("secret", header, body, 699, 300), SignatureCheck::Stale);
  // The timestamp is inside the MAC: moving it forward breaks the signature.
  std::string moved = "t=1001" + header.substr(header.find(','));
  EXPECT_EQ(verify_signature("secret", moved, body, 1000, 300), SignatureCheck::Mismatch);
}

TEST(Signature, RejectsMalformedHeaders) {
  for (const char* bad :
       {"", "t=,v1=00", "v1=abc,t=1", "t=12x,v1=00", "t=1,v1=zz", "t=1,v1=0000", "t=-5,v2=00"}) {
    EXPECT_EQ(verify_signature("k", bad, "{}", 1, 300), SignatureCheck::Malformed) << bad;
  }
  EXPECT_EQ(verify_signature("k", std::string(300, 'a'), "{}", 1, 300), SignatureCheck::Malformed);
}

}  // namespace
}  // namespace od::jobs
