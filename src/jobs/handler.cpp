#include "jobs/handler.h"

#include <stdexcept>

namespace od::jobs {

void HandlerRegistry::add(std::unique_ptr<JobHandler> handler) {
  std::string type = handler->type();
  if (!handlers_.emplace(type, std::move(handler)).second) {
    throw std::logic_error("job type registered twice: " + type);
  }
}

JobHandler* HandlerRegistry::find(const std::string& type) const {
  auto it = handlers_.find(type);
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> HandlerRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& [type, handler] : handlers_) out.push_back(type);
  return out;
}

}  // namespace od::jobs
