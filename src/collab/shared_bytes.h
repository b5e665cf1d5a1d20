// Immutable bytes shared between a room and its background merges (a room's base state and its
// recent updates): one allocation holding the reference counts and exactly the bytes, where a
// shared_ptr<const vector> takes two and keeps the vector's spare capacity (an encoder's output
// can hold twice its size).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace od::collab {

class SharedBytes {
 public:
  SharedBytes() = default;  // no bytes
  static SharedBytes copy(std::span<const std::uint8_t> bytes) {
    SharedBytes out;
    auto data = std::make_shared_for_overwrite<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), data.get());
    out.data_ = std::move(data);
    out.size_ = bytes.size();
    return out;
  }

  size_t size() const { return size_; }
  std::span<const std::uint8_t> view() const { return {data_.get(), size_}; }

 private:
  std::shared_ptr<const std::uint8_t[]> data_;
  size_t size_ = 0;
};

}  // namespace od::collab
