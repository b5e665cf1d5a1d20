// Response-shaping middleware: security headers, CORS, ETag revalidation and gzip.
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/crypto.h"
#include "http/etag.h"
#include "http/middleware.h"

namespace od::http {
namespace {

constexpr char kCorsMethods[] = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr char kCorsHeaders[] =
    "Authorization, Content-Type, X-Request-Id, If-None-Match, "
    "Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset";
constexpr char kCorsExposed[] =
    "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, ETag, "
    "Location, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Upload-Offset, "
    "Upload-Length, Upload-Expires, Upload-Asset-Id";
constexpr int kGzipLevel = 6;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> items;
  while (true) {
    size_t comma = s.find(',');
    std::string item = trim(s.substr(0, comma));
    if (!item.empty()) items.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return items;
}

// Adds `token` to the Vary header unless it is already listed.
void add_vary(Headers& headers, const std::string& token) {
  auto current = headers.get("Vary");
  if (!current) {
    headers.set("Vary", token);
    return;
  }
  for (const auto& item : split_list(*current)) {
    if (lower(item) == lower(token) || item == "*") return;
  }
  headers.set("Vary", *current + ", " + token);
}

bool compressible(const std::string& content_type) {
  std::string t = lower(content_type);
  for (const char* kind : {"json", "text/", "javascript", "css", "svg"}) {
    if (t.find(kind) != std::string::npos) return true;
  }
  return false;
}

// True when Accept-Encoding lists gzip with a non-zero quality.
bool accepts_gzip(const std::string& accept_encoding) {
  for (const auto& item : split_list(accept_encoding)) {
    std::string l = lower(item);
    size_t semi = l.find(';');
    if (trim(std::string_view(l).substr(0, semi)) != "gzip") continue;
    if (semi == std::string::npos) return true;
    std::string params = l.substr(semi + 1);
    size_t q = params.find("q=");
    if (q == std::string::npos) return true;
    return std::strtod(params.c_str() + q + 2, nullptr) > 0;
  }
  return false;
}

class Deflater {
 public:
  Deflater() {
    // 15 + 16: the largest window, wrapped in a gzip header and trailer.
    if (deflateInit2(&z_, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~Deflater() { deflateEnd(&z_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string compress(const std::string& in) {
    std::string out(deflateBound(&z_, in.size()), '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(z_.total_out);
    return out;
  }

 private:
  z_stream z_{};
};

}  // namespace

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return std::string(tag);
  };
  for (const auto& candidate : split_list(if_none_match)) {
    if (candidate == "*" || opaque(candidate) == opaque(etag)) return true;
  }
  return false;
}

Middleware security_headers() {
  return [](Request& request, const Next& next) {
    Response response = next(request);
    response.headers.set("X-Content-Type-Options", "nosniff");
    response.headers.set("X-Frame-Options", "DENY");
    response.headers.set("Referrer-Policy", "no-referrer");
    // HSTS over plain HTTP is ignored by browsers and would mislead, so only on TLS.
    if (request.secure) {
      response.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    auto type = response.headers.get("Content-Type");
    if (type && lower(*type).starts_with("text/html") &&
        !response.headers.get("Content-Security-Policy")) {
      response.headers.set("Content-Security-Policy", "default-src 'self'");
    }
    return response;
  };
}

Middleware cors(std::vector<std::string> allowed_origins) {
  bool any =
      std::find(allowed_origins.begin(), allowed_origins.end(), "*") != allowed_origins.end();
  return [allowed_origins = std::move(allowed_origins), any](Request& request, const Next& next) {
    auto origin = request.header("Origin");
    bool allowed = origin && (any || std::find(allowed_origins.begin(), allowed_origins.end(),
                                               *origin) != allowed_origins.end());
    if (!allowed) return next(request);

    auto requested_method = request.header("Access-Control-Request-Method");
    if (request.method == Method::Options && requested_method) {
      Response preflight = Response::no_content();
      preflight.headers.set("Access-Control-Allow-Origin", *origin);
      preflight.headers.set("Access-Control-Allow-Methods", kCorsMethods);
      preflight.headers.set(
          "Access-Control-Allow-Headers",
          request.header("Access-Control-Request-Headers").value_or(kCorsHeaders));
      preflight.headers.set("Access-Control-Max-Age", "600");
      preflight.headers.set("Access-Control-Allow-Credentials", "false");
      add_vary(preflight.headers, "Origin");
      return preflight;
    }
    Response response = next(request);
    // Echo the origin rather than "*" so the Vary: Origin caching rule holds for every answer.
    response.headers.set("Access-Control-Allow-Origin", *origin);
    response.headers.set("Access-Control-Allow-Credentials", "false");
    response.headers.set("Access-Control-Expose-Headers", kCorsExposed);
    add_vary(response.headers, "Origin");
    return response;
  };
}

Middleware etag() {
  return [](Request& request, const Next& next) {
    Response response = next(request);
    bool cacheable = (request.method == Method::Get || request.method == Method::Head) &&
                     response.status == 200 && !response.stream && !response.body_producer;
    if (!cacheable) return response;
    auto tag = response.headers.get("ETag");
    if (!tag) {
      tag = "W/\"" + crypto::hex_encode(crypto::sha256(response.body).substr(0, 16)) + "\"";
      response.headers.set("ETag", *tag);
    }
    auto if_none_match = request.header("If-None-Match");
    if (if_none_match && etag_matches(*if_none_match, *tag)) {
      response.status = 304;
      response.body.clear();
      response.headers.remove("Content-Length");
    }
    return response;
  };
}

Middleware gzip(size_t min_bytes) {
  return [min_bytes](Request& request, const Next& next) {
    Response response = next(request);
    auto type = response.headers.get("Content-Type");
    // A 206 carries a byte range of the stored representation (compressing it would break the
    // ranges a client stitches together), and no-transform forbids changing the body at all.
    auto cache_control = response.headers.get("Cache-Control");
    if (response.stream || response.body_producer || !type || !compressible(*type) ||
        response.body.size() < min_bytes || response.headers.get("Content-Encoding") ||
        response.status == 204 || response.status == 206 || response.status == 304 ||
        (cache_control && cache_control->find("no-transform") != std::string::npos)) {
      return response;
    }
    add_vary(response.headers, "Accept-Encoding");
    auto accept = request.header("Accept-Encoding");
    if (!accept || !accepts_gzip(*accept)) return response;
    response.body = Deflater().compress(response.body);
    response.headers.set("Content-Encoding", "gzip");
    response.headers.remove("Content-Length");
    return response;
  };
}

}  // namespace od::http
