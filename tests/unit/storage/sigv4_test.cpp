// The signer against the worked examples in AWS's S3 documentation ("Signature Version 4:
// authenticating requests" and "query string authentication"): examplebucket,
// AKIAIOSFODNN7EXAMPLE, 2013-05-24T00:00:00Z. The expected strings are the documented ones.
#include "storage/sigv4.h"

#include <gtest/gtest.h>

namespace od::storage::sigv4 {
namespace {

Credentials example_credentials() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"};
}

constexpr int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z

TEST(SigV4, FormatsTheAmzDate) { EXPECT_EQ(amz_date(k20130524), "20130524T000000Z"); }

TEST(SigV4, GetObjectExampleFromTheAwsDocumentation) {
  Request request;
  request.method = "GET";
  request.path = "/test.txt";
  request.headers = {{"host", "examplebucket.s3.amazonaws.com"}, {"range", "bytes=0-9"}};
  std::string authorization = authorize(request, k20130524, example_credentials());

  EXPECT_EQ(canonical_request(request),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(request, "20130524T000000Z", example_credentials()),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PresignedUrlExampleFromTheAwsDocumentation) {
  Request request;
  request.method = "GET";
  request.path = "/test.txt";
  request.headers = {{"host", "examplebucket.s3.amazonaws.com"}};
  std::string query = presign_query(request, k20130524, 86400, example_credentials());
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

}  // namespace
}  // namespace od::storage::sigv4
