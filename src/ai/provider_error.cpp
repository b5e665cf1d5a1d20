#include "ai/provider_error.h"

namespace od::ai {

const char* kind_name(ProviderErrorKind kind) {
  switch (kind) {
    case ProviderErrorKind::Network:
      return "network";
    case ProviderErrorKind::Timeout:
      return "timeout";
    case ProviderErrorKind::RateLimited:
      return "rate_limited";
    case ProviderErrorKind::Server:
      return "server";
    case ProviderErrorKind::Rejected:
      return "rejected";
    case ProviderErrorKind::Malformed:
      return "malformed";
    case ProviderErrorKind::Truncated:
      return "truncated";
    case ProviderErrorKind::TooLarge:
      return "too_large";
    case ProviderErrorKind::CircuitOpen:
      return "circuit_open";
    case ProviderErrorKind::Cancelled:
      return "cancelled";
    case ProviderErrorKind::Interrupted:
      return "interrupted";
  }
  return "unknown";
}

bool ProviderError::counts_against_provider() const {
  switch (kind_) {
    case ProviderErrorKind::Rejected:
    case ProviderErrorKind::CircuitOpen:
    case ProviderErrorKind::Cancelled:
    case ProviderErrorKind::Interrupted:
      return false;
    default:
      return true;
  }
}

}  // namespace od::ai
