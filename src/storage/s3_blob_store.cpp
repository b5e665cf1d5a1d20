#include "storage/s3_blob_store.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/crypto.h"
#include "storage/sha256_stream.h"

namespace od::storage {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunk = 64 * 1024;

// A temp file removed when the owner goes.
struct SpoolFile {
  fs::path path;
  ~SpoolFile() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

BlobInfo hash_file(const std::string& path, const std::string& content_type) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StorageError("s3 blob store: cannot open " + path);
  Sha256Stream hash;
  std::vector<char> buffer(kChunk);
  uint64_t total = 0;
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    hash.update({buffer.data(), static_cast<size_t>(in.gcount())});
    total += static_cast<uint64_t>(in.gcount());
  }
  if (in.bad()) throw StorageError("s3 blob store: reading " + path + " failed");
  return {hash.finish_hex(), total, content_type};
}

}  // namespace

S3BlobStore::S3BlobStore(S3Config config, S3StoreOptions options)
    : client_(std::move(config)), options_(std::move(options)) {
  if (options_.part_size < 5ull * 1024 * 1024) {
    throw std::invalid_argument("s3 blob store: parts must be at least 5 MiB");
  }
}

std::string S3BlobStore::key_of(const std::string& sha256) const {
  if (!valid_key(sha256)) throw StorageError("s3 blob store: invalid key");
  return options_.prefix + sha256.substr(0, 2) + "/" + sha256.substr(2, 2) + "/" + sha256;
}

std::string S3BlobStore::staging_key_of(const std::string& name) const {
  if (!valid_staging_name(name)) throw StorageError("s3 blob store: invalid staging name");
  return options_.staging_prefix + name;
}

BlobInfo S3BlobStore::put_file(const std::string& path, const std::string& content_type) {
  BlobInfo info = hash_file(path, content_type);
  upload(path, info);
  return info;
}

BlobInfo S3BlobStore::put_staged_file(const std::string& path, const std::string& sha256,
                                      const std::string& content_type) {
  if (!valid_key(sha256)) throw StorageError("s3 blob store: invalid key");
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) throw StorageError("s3 blob store: cannot read " + path);
  BlobInfo info{sha256, size, content_type};
  upload(path, info);
  return info;
}

BlobInfo S3BlobStore::put_stream(std::istream& in, std::optional<uint64_t> size,
                                 const std::string& content_type) {
  SpoolFile spool;
  spool.path = options_.spool_dir / ("od-s3-spool-" + crypto::random_token(12));
  std::ofstream out(spool.path, std::ios::binary | std::ios::trunc);
  if (!out) throw StorageError("s3 blob store: cannot create spool file");
  Sha256Stream hash;
  uint64_t total = 0;
  std::vector<char> buffer(kChunk);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    auto n = static_cast<size_t>(in.gcount());
    total += n;
    if (size && total > *size) throw StorageError("s3 blob store: stream longer than promised");
    hash.update({buffer.data(), n});
    out.write(buffer.data(), static_cast<std::streamsize>(n));
  }
  if (in.bad()) throw StorageError("s3 blob store: reading the source failed");
  if (size && total != *size) throw StorageError("s3 blob store: stream shorter than promised");
  out.close();
  if (!out) throw StorageError("s3 blob store: writing the spool file failed");
  BlobInfo info{hash.finish_hex(), total, content_type};
  upload(spool.path.string(), info);
  return info;
}

void S3BlobStore::upload(const std::string& path, const BlobInfo& info) {
  if (head(info.sha256)) return;  // content-addressed: the same bytes are already there
  if (info.size > options_.part_size) return upload_multipart(path, info);
  auto response =
      client_.put_object(key_of(info.sha256), path, 0, info.size, info.sha256, info.content_type);
  if (response.status != 200) {
    throw StorageError("s3 blob store: PUT failed with HTTP " + std::to_string(response.status));
  }
}

void S3BlobStore::upload_multipart(const std::string& path, const BlobInfo& info) {
  std::string key = key_of(info.sha256);
  std::string upload_id = client_.create_multipart(key, info.content_type);
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StorageError("s3 blob store: cannot open " + path);
    std::vector<std::string> etags;
    std::string part(options_.part_size, '\0');
    for (uint64_t sent = 0; sent < info.size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(options_.part_size, info.size - sent));
      part.resize(n);
      if (!in.read(part.data(), static_cast<std::streamsize>(n))) {
        throw StorageError("s3 blob store: the file shrank while uploading");
      }
      etags.push_back(
          client_.upload_part(key, upload_id, static_cast<int>(etags.size() + 1), part));
      sent += n;
    }
    client_.complete_multipart(key, upload_id, etags);
  } catch (...) {
    // Parts of an unfinished upload are billed and invisible: always abort, keep the first error.
    try {
      client_.abort_multipart(key, upload_id);
    } catch (const std::exception&) {
    }
    throw;
  }
}

bool S3BlobStore::get(const std::string& sha256, std::ostream& out,
                      std::optional<ByteRange> range) {
  std::string header;
  if (range) {
    header = "bytes=" + std::to_string(range->offset) + "-";
    if (range->length) {
      if (*range->length == 0) return head(sha256).has_value();
      header += std::to_string(range->offset + *range->length - 1);
    }
  }
  auto response = client_.get_object(key_of(sha256), out, header);
  if (response.status == 404) return false;
  if (response.status == 416) return true;  // range starts past the end: nothing to write
  if (response.status != 200 && response.status != 206) {
    throw StorageError("s3 blob store: GET failed with HTTP " + std::to_string(response.status));
  }
  return true;
}

std::optional<BlobInfo> S3BlobStore::head(const std::string& sha256) {
  auto response = client_.head_object(key_of(sha256));
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) {
    throw StorageError("s3 blob store: HEAD failed with HTTP " + std::to_string(response.status));
  }
  BlobInfo info{sha256, 0, response.headers["content-type"]};
  info.size =
      std::stoull(response.headers.count("content-length") ? response.headers["content-length"]
                                                           : std::string("0"));
  return info;
}

bool S3BlobStore::remove(const std::string& sha256) {
  if (!head(sha256)) return false;
  auto response = client_.delete_object(key_of(sha256));
  if (response.status != 204 && response.status != 200) {
    throw StorageError("s3 blob store: DELETE failed with HTTP " + std::to_string(response.status));
  }
  return true;
}

std::optional<std::string> S3BlobStore::presigned_get(const std::string& sha256, int ttl_seconds) {
  return client_.presign("GET", key_of(sha256), ttl_seconds);
}

std::optional<std::string> S3BlobStore::presigned_put(const std::string& sha256, const std::string&,
                                                      int ttl_seconds) {
  return client_.presign("PUT", key_of(sha256), ttl_seconds);
}

std::optional<DirectUpload> S3BlobStore::presign_staging_put(const std::string& name,
                                                             const std::string& content_type,
                                                             uint64_t size, int ttl_seconds) {
  // Both headers are signed: S3 refuses a PUT of another type or length with this URL. SigV4
  // presigned URLs live at most 7 days.
  std::string url =
      client_.presign("PUT", staging_key_of(name), std::min(ttl_seconds, 7 * 86400),
                      {{"content-length", std::to_string(size)}, {"content-type", content_type}});
  return DirectUpload{url, {{"Content-Type", content_type}}};
}

std::optional<uint64_t> S3BlobStore::staging_size(const std::string& name) {
  auto response = client_.head_object(staging_key_of(name));
  if (response.status == 404) return std::nullopt;
  if (response.status != 200 || !response.headers.count("content-length")) {
    throw StorageError("s3 blob store: HEAD failed with HTTP " + std::to_string(response.status));
  }
  return std::stoull(response.headers["content-length"]);
}

bool S3BlobStore::get_staging(const std::string& name, std::ostream& out) {
  auto response = client_.get_object(staging_key_of(name), out);
  if (response.status == 404) return false;
  if (response.status != 200) {
    throw StorageError("s3 blob store: GET failed with HTTP " + std::to_string(response.status));
  }
  return true;
}

void S3BlobStore::remove_staging(const std::string& name) {
  auto response = client_.delete_object(staging_key_of(name));
  if (response.status != 204 && response.status != 200 && response.status != 404) {
    throw StorageError("s3 blob store: DELETE failed with HTTP " + std::to_string(response.status));
  }
}

}  // namespace od::storage
