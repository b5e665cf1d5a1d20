// A ZIP archive written front to back without ever being held whole in memory (project exports,
// the GDPR export). Its layout, and so its exact length, is fixed before the first byte is
// written, so an HTTP response can promise a Content-Length:
//   - small text entries (JSON, code) are deflated when added and kept, compressed, until written;
//   - large entries (asset bytes, whose size is known from the blob metadata) are stored as they
//     are (media is already compressed) and produced by a callback while the archive is written;
//     their CRC-32 is only known afterwards, so it follows them in a data descriptor.
// ZIP64 records are written only where a size, an offset or the entry count needs them.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace od::projects {

class StreamedZip {
 public:
  // Writes the entry's bytes to `out`; it may stop early once `out` has gone bad (reader gone).
  using Producer = std::function<void(std::ostream& out)>;

  struct Options {
    // ZIP64 records on every entry and at the end, whatever the sizes: lets tests check the
    // ZIP64 layout against real readers without writing 4 GiB.
    bool force_zip64 = false;
  };

  explicit StreamedZip(Options options);
  StreamedZip() : StreamedZip(Options{}) {}

  // Names must be unique, safe relative paths (the caller builds them).
  void add_deflated(std::string name, std::string_view content);
  // `produce` must write exactly `size` bytes; it runs during write().
  void add_stored(std::string name, uint64_t size, Producer produce);
  // Moves `other`'s entries after these (an archive laid out in parts).
  void append(StreamedZip&& other);

  // The exact number of bytes write() produces.
  uint64_t size() const;
  // Writes the archive. False when `out` went bad (the reader has gone). Throws
  // std::runtime_error when a producer yields more or fewer bytes than it promised: the archive
  // would be corrupt, so the caller must abandon it (an HTTP response is cut short).
  bool write(std::ostream& out) const;

 private:
  struct Entry {
    std::string name;
    bool deflated = false;
    uint32_t crc = 0;  // deflated entries; stored ones are checksummed while written
    uint64_t compressed = 0;
    uint64_t uncompressed = 0;
    std::string data;  // the deflated bytes
    Producer produce;  // stored entries
    bool zip64 = false;
  };

  std::string local_header(const Entry& entry) const;
  std::string descriptor(const Entry& entry, uint32_t crc) const;
  std::string central_header(const Entry& entry, uint32_t crc, uint64_t offset) const;
  std::string end_records(uint64_t directory_offset, uint64_t directory_size) const;

  Options options_;
  uint16_t dos_time_ = 0;
  uint16_t dos_date_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace od::projects
