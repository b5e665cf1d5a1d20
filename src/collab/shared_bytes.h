// Immutable bytes shared between a room and its background merges (a room's base state and its
// recent updates). One allocation holds a reference count, the length and exactly the bytes; the
// handle is one pointer. A shared_ptr<const vector> took two allocations (about 40 bytes beyond
// the data, and the vector kept the merge encoder's spare capacity), and libstdc++'s
// make_shared<uint8_t[]> adds some 45 bytes to each: a room keeps dozens of small updates.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace od::collab {

class SharedBytes {
 public:
  SharedBytes() = default;  // no bytes
  // Throws std::length_error beyond 4 GiB (rooms refuse documents far smaller).
  static SharedBytes copy(std::span<const std::uint8_t> bytes);

  SharedBytes(const SharedBytes& other) : block_(other.block_) {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  SharedBytes(SharedBytes&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedBytes& operator=(SharedBytes other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SharedBytes() { release(); }

  size_t size() const { return block_ ? block_->size : 0; }
  std::span<const std::uint8_t> view() const;

 private:
  struct Block {
    std::atomic<std::uint32_t> refs;
    std::uint32_t size;
    // The bytes follow the block in the same allocation.
  };
  void release();

  Block* block_ = nullptr;
};

}  // namespace od::collab
