// GET /api/v1/ai/provider: whether an AI provider is configured, its model, and its circuit
// breaker's state, so clients and operators can tell "AI is down" from "my job failed" (`serve`
// also exports it as the gauge ai_circuit_open).
#pragma once

#include "ai/provider.h"
#include "http/router.h"

namespace od::ai {

// `provider` may be null (none configured).
void register_provider_routes(http::Router& router, Provider* provider);

}  // namespace od::ai
