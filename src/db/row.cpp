// Row accessors: stores read columns by the C++ type they want, whatever the driver returned
// (PostgreSQL gives SUM() as numeric, SQLite may hold a number as text), so conversions are lenient
// where the value is unambiguous and loud where it is not.
#include <charconv>
#include <cmath>
#include <limits>

#include "db/database.h"

namespace od::db {
namespace {

std::runtime_error conversion_error(size_t i, const char* wanted) {
  return std::runtime_error("column " + std::to_string(i) + " cannot be read as " + wanted);
}

template <typename T>
std::optional<T> parse_whole(const std::string& s) {
  T out{};
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return out;
}

int64_t to_integer(double d, size_t i) {
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  constexpr double kLimit = 9223372036854775808.0;
  if (!std::isfinite(d) || d >= kLimit || d < -kLimit) throw conversion_error(i, "an integer");
  return static_cast<int64_t>(d);
}

}  // namespace

bool Row::is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(value(i)); }

int64_t Row::integer(size_t i) const {
  const Value& v = value(i);
  if (std::holds_alternative<std::nullptr_t>(v)) return 0;
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return to_integer(*d, i);
  const auto& s = std::get<std::string>(v);
  if (auto n = parse_whole<int64_t>(s)) return *n;
  if (auto d = parse_whole<double>(s)) return to_integer(*d, i);
  throw conversion_error(i, "an integer");
}

double Row::real(size_t i) const {
  const Value& v = value(i);
  if (std::holds_alternative<std::nullptr_t>(v)) return 0.0;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (auto d = parse_whole<double>(std::get<std::string>(v))) return *d;
  throw conversion_error(i, "a number");
}

std::string Row::text(size_t i) const {
  const Value& v = value(i);
  if (std::holds_alternative<std::nullptr_t>(v)) return {};
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, ptr);
  }
  return std::get<std::string>(v);
}

std::optional<std::string> Row::optional_text(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<int64_t> Row::optional_integer(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

}  // namespace od::db
