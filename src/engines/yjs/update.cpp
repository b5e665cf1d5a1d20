#include "engines/yjs/update.h"

#include <nlohmann/json.hpp>

#include "engines/yjs/error.h"

namespace od::yjs {
namespace {

constexpr std::uint8_t kHasOrigin = 0x80;
constexpr std::uint8_t kHasRightOrigin = 0x40;
constexpr std::uint8_t kHasParentSub = 0x20;
constexpr std::uint8_t kRefMask = 0x1f;

Id read_id(Lib0Decoder& d) {
  Id id;
  id.client = d.read_var_uint();
  id.clock = d.read_var_uint();
  return id;
}

void write_id(Lib0Encoder& e, const Id& id) {
  e.write_var_uint(id.client);
  e.write_var_uint(id.clock);
}

// Yjs JSON.parses these on read, so text that is not JSON would make every peer fail.
void check_json(std::string_view text) {
  if (!nlohmann::json::accept(text)) throw DecodeError("content holds invalid JSON");
}

std::uint64_t nonzero(std::uint64_t length) {
  if (length == 0) throw DecodeError("struct of length zero");
  return length;
}

// Reads (and so validates) the content of one item; returns its length in clock units.
std::uint64_t read_content(Lib0Decoder& d, ContentRef ref) {
  switch (ref) {
    case ContentRef::kDeleted:
      return nonzero(d.read_var_uint());
    case ContentRef::kJson: {
      const std::uint64_t n = d.read_var_uint();
      d.expect_items(n, 1);
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::string_view text = d.read_var_string();
        if (text != "undefined") check_json(text);
      }
      return nonzero(n);
    }
    case ContentRef::kBinary:
      d.read_var_uint8_array();
      return 1;
    case ContentRef::kString:
      return nonzero(utf16_length(d.read_var_string()));
    case ContentRef::kEmbed:
      check_json(d.read_var_string());
      return 1;
    case ContentRef::kFormat:
      d.read_var_string();
      check_json(d.read_var_string());
      return 1;
    case ContentRef::kType: {
      const std::uint64_t type = d.read_var_uint();
      if (type > static_cast<std::uint64_t>(TypeRef::kXmlText)) {
        throw DecodeError("unknown shared type " + std::to_string(type));
      }
      if (type == static_cast<std::uint64_t>(TypeRef::kXmlElement) ||
          type == static_cast<std::uint64_t>(TypeRef::kXmlHook)) {
        d.read_var_string();
      }
      return 1;
    }
    case ContentRef::kAny: {
      const std::uint64_t n = d.read_var_uint();
      d.expect_items(n, 1);
      for (std::uint64_t i = 0; i < n; ++i) skip_any(d);
      return nonzero(n);
    }
    case ContentRef::kDoc:
      d.read_var_string();
      skip_any(d);
      return 1;
    case ContentRef::kGC:
    case ContentRef::kSkip:
      break;
  }
  throw DecodeError("not an item content type");
}

// The bytes of a UTF-8 string after its first `units` UTF-16 code units. A cut inside a
// surrogate pair leaves the low half, which Yjs (ContentString.splice, and TextEncoder on a lone
// surrogate) turns into U+FFFD; `replacement` reports that case.
std::string_view utf16_suffix(std::string_view s, std::uint64_t units, bool& replacement) {
  replacement = false;
  std::size_t i = 0;
  while (units > 0 && i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (len == 4 && units == 1) {
      replacement = true;
      return s.substr(i + 4);
    }
    units -= len == 4 ? 2 : 1;
    i += len;
  }
  return s.substr(i);
}

// Writes the content of `item` without its first `offset` clock units (offset < length).
void write_content_from(Lib0Encoder& e, const StructRef& item, std::uint64_t offset) {
  Lib0Decoder d(item.content);
  switch (item.content_ref) {
    case ContentRef::kDeleted:
      e.write_var_uint(item.length - offset);
      return;
    case ContentRef::kJson:
    case ContentRef::kAny: {
      // Both are a count then one element per clock unit: skip `offset` elements, copy the rest.
      const std::uint64_t n = d.read_var_uint();
      for (std::uint64_t i = 0; i < offset; ++i) {
        if (item.content_ref == ContentRef::kJson) {
          d.read_var_string();
        } else {
          skip_any(d);
        }
      }
      e.write_var_uint(n - offset);
      e.write_bytes(item.content.subspan(d.position()));
      return;
    }
    case ContentRef::kString: {
      bool replacement = false;
      const std::string_view rest = utf16_suffix(d.read_var_string(), offset, replacement);
      static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
      e.write_var_uint(rest.size() + (replacement ? kReplacement.size() : 0));
      const auto* data = reinterpret_cast<const std::uint8_t*>(kReplacement.data());
      if (replacement) e.write_bytes({data, kReplacement.size()});
      e.write_bytes({reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()});
      return;
    }
    default:
      // Every other content has length 1, so there is no inner offset to write from.
      throw DecodeError("cannot slice content of length one");
  }
}

}  // namespace

StructReader::StructReader(std::span<const std::uint8_t> update)
    : bytes_(update), decoder_(update) {
  sections_left_ = decoder_.read_var_uint();
  decoder_.expect_items(sections_left_, 3);
}

bool StructReader::next(StructRef& out) {
  while (structs_left_ == 0) {
    if (sections_left_ == 0) return false;
    --sections_left_;
    structs_left_ = decoder_.read_var_uint();
    decoder_.expect_items(structs_left_, 2);
    client_ = decoder_.read_var_uint();
    clock_ = decoder_.read_var_uint();
  }
  --structs_left_;
  const std::size_t start = decoder_.position();
  const std::uint8_t info = decoder_.read_uint8();
  out = StructRef{};
  out.id = {client_, clock_};
  out.info = info;
  switch (info & kRefMask) {
    case 0:
      out.kind = StructRef::Kind::kGC;
      out.length = nonzero(decoder_.read_var_uint());
      break;
    case 10:
      out.kind = StructRef::Kind::kSkip;
      out.content_ref = ContentRef::kSkip;
      out.length = nonzero(decoder_.read_var_uint());
      break;
    default:
      read_item(info, out);
  }
  if (out.length > kMaxSafeInteger - clock_) throw DecodeError("clock out of range");
  clock_ += out.length;
  const std::size_t end = decoder_.position();
  out.encoded = bytes_.subspan(start, end - start);
  return true;
}

void StructReader::read_item(std::uint8_t info, StructRef& out) {
  const auto ref = static_cast<ContentRef>(info & kRefMask);
  if (ref > ContentRef::kDoc)
    throw DecodeError("unknown content type " + std::to_string(info & kRefMask));
  out.kind = StructRef::Kind::kItem;
  out.content_ref = ref;
  if (info & kHasOrigin) out.origin = read_id(decoder_);
  if (info & kHasRightOrigin) out.right_origin = read_id(decoder_);
  if ((info & (kHasOrigin | kHasRightOrigin)) == 0) {
    const std::uint64_t parent_info = decoder_.read_var_uint();
    if (parent_info == 1) {
      out.parent_root = decoder_.read_var_string();
    } else if (parent_info == 0) {
      out.parent_item = read_id(decoder_);
    } else {
      throw DecodeError("invalid parent info");
    }
    if (info & kHasParentSub) out.parent_sub = decoder_.read_var_string();
  }
  const std::size_t content_start = decoder_.position();
  out.length = read_content(decoder_, ref);
  out.content = bytes_.subspan(content_start, decoder_.position() - content_start);
}

DeleteSet StructReader::read_delete_set() {
  if (sections_left_ != 0 || structs_left_ != 0) throw DecodeError("structs left unread");
  DeleteSet ds = od::yjs::read_delete_set(decoder_);
  if (decoder_.has_content()) throw DecodeError("trailing bytes after update");
  return ds;
}

ParsedUpdate parse_update(std::span<const std::uint8_t> bytes) {
  ParsedUpdate out;
  StructReader reader(bytes);
  StructRef s;
  while (reader.next(s)) out.structs.push_back(s);
  out.delete_set = reader.read_delete_set();
  return out;
}

Content decode_content(const StructRef& item) {
  if (item.kind != StructRef::Kind::kItem) throw DecodeError("GC and Skip have no content");
  Lib0Decoder d(item.content);
  switch (item.content_ref) {
    case ContentRef::kDeleted:
      return ContentDeleted{d.read_var_uint()};
    case ContentRef::kJson: {
      ContentJson c;
      const std::uint64_t n = d.read_var_uint();
      for (std::uint64_t i = 0; i < n; ++i) c.values.emplace_back(d.read_var_string());
      return c;
    }
    case ContentRef::kBinary: {
      const auto bytes = d.read_var_uint8_array();
      return ContentBinary{{bytes.begin(), bytes.end()}};
    }
    case ContentRef::kString:
      return ContentString{std::string(d.read_var_string())};
    case ContentRef::kEmbed:
      return ContentEmbed{std::string(d.read_var_string())};
    case ContentRef::kFormat: {
      ContentFormat c;
      c.key = d.read_var_string();
      c.json_value = d.read_var_string();
      return c;
    }
    case ContentRef::kType: {
      ContentType c;
      c.type = static_cast<TypeRef>(d.read_var_uint());
      if (c.type == TypeRef::kXmlElement || c.type == TypeRef::kXmlHook) {
        c.name = d.read_var_string();
      }
      return c;
    }
    case ContentRef::kAny: {
      ContentAny c;
      const std::uint64_t n = d.read_var_uint();
      for (std::uint64_t i = 0; i < n; ++i) c.values.push_back(read_any(d));
      return c;
    }
    case ContentRef::kDoc: {
      ContentDoc c;
      c.guid = d.read_var_string();
      c.options = read_any(d);
      return c;
    }
    case ContentRef::kGC:
    case ContentRef::kSkip:
      break;
  }
  throw DecodeError("not an item content type");
}

void StructWriter::begin_section(std::uint64_t client, std::uint64_t clock) {
  sections_.push_back({client, clock, 0, body_.size()});
}

void StructWriter::write_gc(std::uint64_t length) {
  body_.write_uint8(static_cast<std::uint8_t>(ContentRef::kGC));
  body_.write_var_uint(length);
  ++sections_.back().count;
}

void StructWriter::write_skip(std::uint64_t length) {
  body_.write_uint8(static_cast<std::uint8_t>(ContentRef::kSkip));
  body_.write_var_uint(length);
  ++sections_.back().count;
}

void StructWriter::write(const StructRef& s, std::uint64_t offset) {
  switch (s.kind) {
    case StructRef::Kind::kGC:
      write_gc(s.length - offset);
      return;
    case StructRef::Kind::kSkip:
      write_skip(s.length - offset);
      return;
    case StructRef::Kind::kItem:
      break;
  }
  ++sections_.back().count;
  if (offset == 0) {
    body_.write_bytes(s.encoded);
    return;
  }
  // The right part of a split item: its left origin is the last unit of the left part, and
  // parent info is then implied by that origin (Item.write with an offset).
  std::uint8_t info =
      static_cast<std::uint8_t>(s.content_ref) | kHasOrigin | (s.info & kHasParentSub);
  if (s.right_origin) info |= kHasRightOrigin;
  body_.write_uint8(info);
  write_id(body_, {s.id.client, s.id.clock + offset - 1});
  if (s.right_origin) write_id(body_, *s.right_origin);
  write_content_from(body_, s, offset);
}

std::vector<std::uint8_t> StructWriter::finish(const DeleteSet& ds) {
  Lib0Encoder out;
  std::size_t sections = 0;
  for (const Section& section : sections_) sections += section.count > 0 ? 1 : 0;
  out.write_var_uint(sections);
  const auto& body = body_.bytes();
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    const Section& section = sections_[i];
    if (section.count == 0) continue;
    const std::size_t end = i + 1 < sections_.size() ? sections_[i + 1].begin : body.size();
    out.write_var_uint(section.count);
    out.write_var_uint(section.client);
    out.write_var_uint(section.clock);
    out.write_bytes(std::span(body).subspan(section.begin, end - section.begin));
  }
  write_delete_set(out, ds);
  return out.take();
}

}  // namespace od::yjs
