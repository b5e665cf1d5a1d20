#include "assets/signed_request.h"

#include "auth/request_auth.h"
#include "core/error.h"

namespace od::assets {

int64_t signed_query_number(const http::Request& req, const char* name) {
  auto text = req.query(name);
  auto invalid = [] { return ApiError(403, "invalid_signature", "The URL is not valid."); };
  if (!text || text->empty() || text->size() > 18) throw invalid();
  int64_t value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') throw invalid();
    value = value * 10 + (c - '0');
  }
  return value;
}

Asset asset_for_request(AssetsService& service, const http::Request& req,
                        const SignedResource& resource) {
  auto signature = req.query("sig");
  if (!signature) return service.get(auth::optional_principal(req), req.param("id"));
  return service.get_signed(req.param("id"), resource, signed_query_number(req, "expires"),
                            *signature);
}

}  // namespace od::assets
