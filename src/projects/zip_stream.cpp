#include "projects/zip_stream.h"

#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>
#include <streambuf>

namespace od::projects {
namespace {

constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kDescriptorSignature = 0x08074b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kFlagDescriptor = 0x0008;  // CRC and sizes follow the data
constexpr uint16_t kFlagUtf8 = 0x0800;        // names are UTF-8
constexpr uint16_t kVersion = 20;             // deflate, data descriptors
constexpr uint16_t kVersionZip64 = 45;
constexpr uint16_t kMadeByUnix = (3 << 8) | kVersionZip64;
constexpr uint32_t kRegularFileMode = 0100644;
constexpr uint32_t kMax32 = 0xFFFFFFFF;
constexpr uint16_t kMax16 = 0xFFFF;

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
// A 32-bit field, or the ZIP64 marker saying "see the ZIP64 extra field".
uint32_t field32(uint64_t v, bool zip64) { return zip64 ? kMax32 : static_cast<uint32_t>(v); }

uint32_t crc_of(uint32_t crc, const char* data, size_t size) {
  return static_cast<uint32_t>(crc32_z(crc, reinterpret_cast<const Bytef*>(data), size));
}

// Raw deflate (no zlib header), as ZIP method 8 wants it.
std::string deflate_raw(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("cannot start deflate");
  }
  std::string out;
  char buffer[64 * 1024];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    // zlib counts in 32 bits: feed at most 1 GiB at a time.
    if (z.avail_in == 0 && !in.empty()) {
      size_t n = std::min<size_t>(in.size(), 1u << 30);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(n);
      in.remove_prefix(n);
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = deflate(&z, in.empty() ? Z_FINISH : Z_NO_FLUSH);
    if (status == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw std::runtime_error("deflate failed");
    }
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

// Passes a stored entry's bytes through to the archive, checksumming and counting them, and
// refusing any past the promised size (which would shift every later offset).
class CheckedBuffer : public std::streambuf {
 public:
  CheckedBuffer(std::ostream& out, uint64_t limit) : out_(out), limit_(limit) {}

  uint32_t crc() const { return crc_; }
  uint64_t count() const { return count_; }
  bool overran() const { return overran_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    auto size = static_cast<uint64_t>(n);
    if (size > limit_ - count_) {
      overran_ = true;
      return 0;
    }
    crc_ = crc_of(crc_, s, size);
    count_ += size;
    out_.write(s, n);
    return out_ ? n : 0;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  std::ostream& out_;
  const uint64_t limit_;
  uint32_t crc_ = 0;
  uint64_t count_ = 0;
  bool overran_ = false;
};

}  // namespace

StreamedZip::StreamedZip(Options options) : options_(options) {
  // ZIP keeps local time without a zone; UTC is as good as any and the same on every node.
  std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  dos_time_ = static_cast<uint16_t>((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2));
  dos_date_ = static_cast<uint16_t>(((std::max(t.tm_year, 80) - 80) << 9) | ((t.tm_mon + 1) << 5) |
                                    t.tm_mday);
}

void StreamedZip::add_deflated(std::string name, std::string_view content) {
  Entry entry;
  entry.name = std::move(name);
  entry.deflated = true;
  entry.crc = crc_of(0, content.data(), content.size());
  entry.data = deflate_raw(content);
  entry.compressed = entry.data.size();
  entry.uncompressed = content.size();
  entry.zip64 = options_.force_zip64 || entry.compressed >= kMax32 || entry.uncompressed >= kMax32;
  entries_.push_back(std::move(entry));
}

void StreamedZip::add_stored(std::string name, uint64_t size, Producer produce) {
  Entry entry;
  entry.name = std::move(name);
  entry.compressed = entry.uncompressed = size;
  entry.produce = std::move(produce);
  entry.zip64 = options_.force_zip64 || size >= kMax32;
  entries_.push_back(std::move(entry));
}

void StreamedZip::append(StreamedZip&& other) {
  for (Entry& entry : other.entries_) entries_.push_back(std::move(entry));
  other.entries_.clear();
}

// Deflated entries carry their CRC and sizes here; stored ones say "in the descriptor" (flag bit
// 3, zeros). With ZIP64 the sizes move to the extra field, which must hold both.
std::string StreamedZip::local_header(const Entry& e) const {
  std::string out;
  put32(out, kLocalSignature);
  put16(out, e.zip64 ? kVersionZip64 : kVersion);
  put16(out, kFlagUtf8 | (e.deflated ? 0 : kFlagDescriptor));
  put16(out, e.deflated ? 8 : 0);
  put16(out, dos_time_);
  put16(out, dos_date_);
  put32(out, e.deflated ? e.crc : 0);
  uint64_t compressed = e.deflated ? e.compressed : 0;
  uint64_t uncompressed = e.deflated ? e.uncompressed : 0;
  put32(out, field32(compressed, e.zip64));
  put32(out, field32(uncompressed, e.zip64));
  put16(out, static_cast<uint16_t>(e.name.size()));
  put16(out, e.zip64 ? 20 : 0);
  out += e.name;
  if (e.zip64) {
    put16(out, kZip64ExtraId);
    put16(out, 16);
    put64(out, uncompressed);
    put64(out, compressed);
  }
  return out;
}

// Readers take 8-byte sizes here exactly when the local header had a ZIP64 extra field.
std::string StreamedZip::descriptor(const Entry& e, uint32_t crc) const {
  std::string out;
  if (e.deflated) return out;
  put32(out, kDescriptorSignature);
  put32(out, crc);
  if (e.zip64) {
    put64(out, e.compressed);
    put64(out, e.uncompressed);
  } else {
    put32(out, static_cast<uint32_t>(e.compressed));
    put32(out, static_cast<uint32_t>(e.uncompressed));
  }
  return out;
}

std::string StreamedZip::central_header(const Entry& e, uint32_t crc, uint64_t offset) const {
  bool offset64 = options_.force_zip64 || offset >= kMax32;
  std::string extra;
  if (e.zip64 || offset64) {
    uint16_t length = (e.zip64 ? 16 : 0) + (offset64 ? 8 : 0);
    put16(extra, kZip64ExtraId);
    put16(extra, length);
    if (e.zip64) {
      put64(extra, e.uncompressed);
      put64(extra, e.compressed);
    }
    if (offset64) put64(extra, offset);
  }
  std::string out;
  put32(out, kCentralSignature);
  put16(out, kMadeByUnix);
  put16(out, e.zip64 || offset64 ? kVersionZip64 : kVersion);
  put16(out, kFlagUtf8 | (e.deflated ? 0 : kFlagDescriptor));
  put16(out, e.deflated ? 8 : 0);
  put16(out, dos_time_);
  put16(out, dos_date_);
  put32(out, crc);
  put32(out, field32(e.compressed, e.zip64));
  put32(out, field32(e.uncompressed, e.zip64));
  put16(out, static_cast<uint16_t>(e.name.size()));
  put16(out, static_cast<uint16_t>(extra.size()));
  put16(out, 0);  // comment
  put16(out, 0);  // disk
  put16(out, 0);  // internal attributes
  put32(out, kRegularFileMode << 16);
  put32(out, field32(offset, offset64));
  out += e.name;
  out += extra;
  return out;
}

std::string StreamedZip::end_records(uint64_t directory_offset, uint64_t directory_size) const {
  uint64_t count = entries_.size();
  bool count64 = options_.force_zip64 || count >= kMax16;
  bool offset64 = options_.force_zip64 || directory_offset >= kMax32;
  bool size64 = options_.force_zip64 || directory_size >= kMax32;
  std::string out;
  if (count64 || offset64 || size64) {
    uint64_t record_offset = directory_offset + directory_size;
    put32(out, kZip64EndSignature);
    put64(out, 44);  // the size of the rest of this record
    put16(out, kMadeByUnix);
    put16(out, kVersionZip64);
    put32(out, 0);  // this disk
    put32(out, 0);  // the disk with the directory
    put64(out, count);
    put64(out, count);
    put64(out, directory_size);
    put64(out, directory_offset);
    put32(out, kZip64LocatorSignature);
    put32(out, 0);
    put64(out, record_offset);
    put32(out, 1);  // disks in all
  }
  put32(out, kEndSignature);
  put16(out, 0);
  put16(out, 0);
  uint16_t count16 = count64 ? kMax16 : static_cast<uint16_t>(count);
  put16(out, count16);
  put16(out, count16);
  put32(out, field32(directory_size, size64));
  put32(out, field32(directory_offset, offset64));
  put16(out, 0);  // comment
  return out;
}

uint64_t StreamedZip::size() const {
  uint64_t offset = 0;
  uint64_t directory = 0;
  for (const Entry& e : entries_) {
    directory += central_header(e, 0, offset).size();
    offset += local_header(e).size() + e.compressed + descriptor(e, 0).size();
  }
  return offset + directory + end_records(offset, directory).size();
}

bool StreamedZip::write(std::ostream& out) const {
  std::vector<uint32_t> crcs;
  std::vector<uint64_t> offsets;
  uint64_t offset = 0;
  for (const Entry& e : entries_) {
    offsets.push_back(offset);
    std::string header = local_header(e);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    uint32_t crc = e.crc;
    if (e.deflated) {
      out.write(e.data.data(), static_cast<std::streamsize>(e.data.size()));
    } else {
      CheckedBuffer checked(out, e.uncompressed);
      std::ostream entry_out(&checked);
      if (out) e.produce(entry_out);
      if (!out) return false;
      if (checked.overran() || checked.count() != e.uncompressed) {
        throw std::runtime_error("archive entry " + e.name + " yielded " +
                                 (checked.overran() ? "more" : std::to_string(checked.count())) +
                                 " bytes instead of " + std::to_string(e.uncompressed));
      }
      crc = checked.crc();
    }
    std::string trailer = descriptor(e, crc);
    out.write(trailer.data(), static_cast<std::streamsize>(trailer.size()));
    if (!out) return false;
    crcs.push_back(crc);
    offset += header.size() + e.compressed + trailer.size();
  }
  std::string directory;
  for (size_t i = 0; i < entries_.size(); ++i) {
    directory += central_header(entries_[i], crcs[i], offsets[i]);
  }
  std::string end = end_records(offset, directory.size());
  out.write(directory.data(), static_cast<std::streamsize>(directory.size()));
  out.write(end.data(), static_cast<std::streamsize>(end.size()));
  return static_cast<bool>(out);
}

}  // namespace od::projects
