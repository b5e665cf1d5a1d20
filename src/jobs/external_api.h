// HTTP routes of webhooks (/api/v1/ai/webhook-secret, /api/v1/ai/jobs/{id}/deliveries) and of
// external workers (/api/v1/ai/workers..., /api/v1/ai/callback).
#pragma once

#include "http/router.h"
#include "jobs/external_workers.h"
#include "jobs/service.h"
#include "jobs/webhooks.h"

namespace od::jobs {

void register_webhook_routes(http::Router& router, JobsService& jobs, WebhookService& webhooks);
void register_worker_routes(http::Router& router, ExternalWorkers& workers);

}  // namespace od::jobs
