// HTTP routes of the jobs module: /api/v1/ai/jobs (submit, read, list, cancel, event stream) and
// /api/v1/ai/capabilities.
#pragma once

#include "auth/service.h"
#include "events/bus.h"
#include "http/router.h"
#include "jobs/service.h"

namespace od::jobs {

void register_routes(http::Router& router, JobsService& service, events::EventBus& bus,
                     const auth::AuthService& accounts);

}  // namespace od::jobs
