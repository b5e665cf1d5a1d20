// Signed result links: they verify for their job, object and expiry only, and not after it.
#include "ai/download_signer.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace od::ai {
namespace {

std::string code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 403);
    return e.code();
  }
  return "accepted";
}

struct Link {
  std::string expires;
  std::string signature;
};

Link parse(const std::string& query) {
  // "?expires=N&signature=HEX"
  size_t amp = query.find('&');
  return {query.substr(9, amp - 9), query.substr(amp + 11)};
}

TEST(DownloadSigner, AcceptsItsOwnLinkUntilItExpires) {
  DownloadSigner signer("server-secret-0123456789abcdef0123456789");
  Link link = parse(signer.query("job1", "3", 1000));
  EXPECT_EQ(link.expires, "1000");
  EXPECT_EQ(link.signature.size(), 64u);
  EXPECT_EQ(code_of([&] { signer.verify("job1", "3", link.expires, link.signature, 1000); }),
            "accepted");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "3", link.expires, link.signature, 1001); }),
            "link_expired");
}

TEST(DownloadSigner, RefusesAnyChange) {
  DownloadSigner signer("server-secret-0123456789abcdef0123456789");
  Link link = parse(signer.query("job1", "zip", 5000));
  EXPECT_EQ(code_of([&] { signer.verify("job2", "zip", link.expires, link.signature, 0); }),
            "link_invalid");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "0", link.expires, link.signature, 0); }),
            "link_invalid");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "zip", "5001", link.signature, 0); }),
            "link_invalid");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "zip", "", link.signature, 0); }), "link_invalid");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "zip", "5000x", link.signature, 0); }),
            "link_invalid");
  EXPECT_EQ(code_of([&] { signer.verify("job1", "zip", link.expires, "", 0); }), "link_invalid");
  std::string flipped = link.signature;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(code_of([&] { signer.verify("job1", "zip", link.expires, flipped, 0); }),
            "link_invalid");
  DownloadSigner other("another-secret-0123456789abcdef012345678");
  EXPECT_EQ(code_of([&] { other.verify("job1", "zip", link.expires, link.signature, 0); }),
            "link_invalid");
}

}  // namespace
}  // namespace od::ai
