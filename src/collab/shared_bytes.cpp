#include "collab/shared_bytes.h"

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

namespace od::collab {
namespace {

std::uint8_t* bytes_of(void* block, size_t header) {
  return static_cast<std::uint8_t*>(block) + header;
}

}  // namespace

SharedBytes SharedBytes::copy(std::span<const std::uint8_t> bytes) {
  SharedBytes out;
  if (bytes.empty()) return out;
  if (bytes.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("SharedBytes: more than 4 GiB");
  }
  void* memory = ::operator new(sizeof(Block) + bytes.size());
  out.block_ = new (memory) Block{{1}, static_cast<std::uint32_t>(bytes.size())};
  std::copy(bytes.begin(), bytes.end(), bytes_of(memory, sizeof(Block)));
  return out;
}

std::span<const std::uint8_t> SharedBytes::view() const {
  if (!block_) return {};
  return {bytes_of(block_, sizeof(Block)), block_->size};
}

void SharedBytes::release() {
  if (!block_) return;
  // The last holder frees it; acquire so every holder's reads happen before the free.
  if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

}  // namespace od::collab
