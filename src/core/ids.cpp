#include "core/ids.h"

#include <atomic>

#include "core/crypto.h"
#include "core/time.h"

namespace od {

IdBytes new_id_bytes() {
  // Monotonic within the process: if the clock has not advanced, bump the previous timestamp so
  // ids created in the same millisecond still sort in creation order.
  static std::atomic<int64_t> last_ms{0};
  int64_t ms = now_ms();
  int64_t prev = last_ms.load();
  while (true) {
    int64_t next = ms > prev ? ms : prev + 1;
    if (last_ms.compare_exchange_weak(prev, next)) {
      ms = next;
      break;
    }
  }
  std::string rnd = crypto::random_bytes(10);
  IdBytes b;
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  for (int i = 0; i < 10; ++i) b[6 + i] = static_cast<std::uint8_t>(rnd[i]);
  b[6] = 0x70 | (b[6] & 0x0F);  // version 7
  b[8] = 0x80 | (b[8] & 0x3F);  // RFC 4122 variant
  return b;
}

std::string id_text(const IdBytes& bytes) {
  std::string hex = crypto::hex_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string new_id() { return id_text(new_id_bytes()); }

bool is_valid_id(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace od
