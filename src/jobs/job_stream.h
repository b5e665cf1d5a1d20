// One job's Server-Sent Events: its state now, then every change announced on job:<id>, ending
// after the final state. Event ids are the job's event sequence (monotonic per job), so a client
// reconnecting with Last-Event-ID gets nothing it has seen and never goes backwards. Progress is a
// state, not a log: a resumed stream starts from the latest state rather than replaying each step.
#pragma once

#include <cstdint>
#include <memory>

#include "events/bus.h"
#include "http/message.h"
#include "jobs/service.h"

namespace od::jobs {

// Streams `job_id` (already authorised) to `stream`, skipping events with ids <= last_event_id.
void attach_job_stream(events::EventBus& bus, JobsService& service,
                       std::shared_ptr<http::StreamChannel> stream, const std::string& job_id,
                       int64_t last_event_id);

}  // namespace od::jobs
