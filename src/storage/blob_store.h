// Where asset bytes live: one interface over local disk (the embedded default) and any
// S3-compatible service (scaled out). Blobs are content-addressed: the key of a blob is the hex
// SHA-256 of its bytes, so identical uploads share one stored copy and a key never changes
// meaning. Callers that delete must know no one else still refers to the same bytes.
//
// All calls block (file or network I/O): run them on a worker pool, never on an I/O thread.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace od::storage {

struct BlobInfo {
  std::string sha256;  // hex, also the key
  uint64_t size = 0;
  std::string content_type;  // as given to put
};

// Bytes [offset, offset + length) of a blob; no length means "to the end".
struct ByteRange {
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

// A failure of the storage backend itself (disk full, S3 unreachable or refusing). Missing
// blobs are not errors: head() returns nothing and get() returns false.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DirectUpload {
  std::string url;                             // absolute, on the backend
  std::map<std::string, std::string> headers;  // to send with the PUT
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores the file's bytes; returns their address. Storing bytes already present is a no-op.
  virtual BlobInfo put_file(const std::string& path, const std::string& content_type) = 0;
  // Stores everything `in` yields. With `size`, a stream shorter or longer than promised is a
  // StorageError and nothing is stored. Memory use is bounded whatever the size.
  virtual BlobInfo put_stream(std::istream& in, std::optional<uint64_t> size,
                              const std::string& content_type) = 0;
  // Stores a file the caller wrote and hashed itself (an upload received to a temp file), without
  // reading it again where the backend can avoid it: local disk renames it into place (same file
  // system), S3 uploads it under `sha256` directly. The file may be gone afterwards; the caller
  // must vouch for `sha256` (it computed it from the bytes). The default stores a copy.
  virtual BlobInfo put_staged_file(const std::string& path, const std::string& sha256,
                                   const std::string& content_type);
  // Writes the blob (or the part `range` names, clamped to its end) to `out`. False when there
  // is no such blob.
  virtual bool get(const std::string& sha256, std::ostream& out,
                   std::optional<ByteRange> range = std::nullopt) = 0;
  virtual std::optional<BlobInfo> head(const std::string& sha256) = 0;
  // True when something was removed.
  virtual bool remove(const std::string& sha256) = 0;

  // A URL that lets anyone holding it GET (or PUT) the blob directly from the backend for
  // `ttl_seconds`, when the backend can do that (S3); nothing for local disk. A PUT URL writes
  // the content address itself, and the service cannot check what is sent: never hand one to an
  // untrusted client (it could overwrite others' bytes); client uploads need a staging key that
  // is verified, then copied to its address.
  virtual std::optional<std::string> presigned_get(const std::string& sha256, int ttl_seconds) = 0;
  virtual std::optional<std::string> presigned_put(const std::string& sha256,
                                                   const std::string& content_type,
                                                   int ttl_seconds) = 0;

  // Staging objects: where an untrusted client uploads directly to the backend (S3), under a
  // staging name (an upload id) outside the content-addressed keys, before the service verifies
  // the bytes and stores them at their address. Local disk has none: its uploads come through
  // this server, and these return nothing / do nothing.
  //
  // A presigned PUT of the staging object that binds its Content-Type and Content-Length (the
  // backend refuses another type or size), and the headers the client must send.
  virtual std::optional<DirectUpload> presign_staging_put(const std::string& name,
                                                          const std::string& content_type,
                                                          uint64_t size, int ttl_seconds);
  // The staging object's size; nothing when it does not exist (not uploaded yet).
  virtual std::optional<uint64_t> staging_size(const std::string& name);
  // Writes the staging object to `out`; false when it does not exist.
  virtual bool get_staging(const std::string& name, std::ostream& out);
  // Idempotent: removing a missing object is fine.
  virtual void remove_staging(const std::string& name);
};

// True for 64 lower-case hex digits: the only keys the stores accept, so a key can never name a
// path outside the store.
bool valid_key(const std::string& sha256);
// True for 1 to 64 letters, digits and '-': the staging names (upload ids) the stores accept.
bool valid_staging_name(const std::string& name);

}  // namespace od::storage
