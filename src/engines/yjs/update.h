// The struct model of the Yjs v1 update format (yjs v13 encoding.js, Item.js, Content*.js):
//   update  := varUint(#sections) section* deleteSet
//   section := varUint(#structs) varUint(client) varUint(firstClock) struct*
//   struct  := info byte, then GC/Skip length or an Item (origins, parent info, content)
// StructReader walks an update without copying it: every StructRef points into the input bytes,
// and validates each struct completely (content included) as it goes, throwing DecodeError on
// anything a Yjs peer would not accept. StructWriter writes structs back, whole (a byte copy) or
// from an offset into the struct (the slicing that merge and diff need).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engines/yjs/any.h"
#include "engines/yjs/delete_set.h"
#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::yjs {

struct Id {
  std::uint64_t client = 0;
  std::uint64_t clock = 0;
  bool operator==(const Id&) const = default;
};

// Low five bits of the info byte. 0 and 10 are GC and Skip; 1..9 are Item content types.
enum class ContentRef : std::uint8_t {
  kGC = 0,
  kDeleted = 1,
  kJson = 2,
  kBinary = 3,
  kString = 4,
  kEmbed = 5,
  kFormat = 6,
  kType = 7,
  kAny = 8,
  kDoc = 9,
  kSkip = 10,
};

// Shared type kinds of ContentType (yjs ContentType.js typeRefs).
enum class TypeRef : std::uint8_t {
  kArray = 0,
  kMap = 1,
  kText = 2,
  kXmlElement = 3,
  kXmlFragment = 4,
  kXmlHook = 5,
  kXmlText = 6,
};

struct StructRef {
  enum class Kind { kGC, kSkip, kItem };
  Kind kind = Kind::kGC;
  Id id;
  std::uint64_t length = 0;  // clock units; for strings, UTF-16 code units
  // Item only.
  std::uint8_t info = 0;
  ContentRef content_ref = ContentRef::kGC;
  std::optional<Id> origin;
  std::optional<Id> right_origin;
  // Parent info is on the wire only when the item has neither origin (otherwise it is inherited
  // from the neighbours), so all three are empty for items with an origin.
  std::optional<std::string_view> parent_root;  // name of a root type (doc.get(name))
  std::optional<Id> parent_item;                // id of the item holding the parent type
  std::optional<std::string_view> parent_sub;   // map key
  std::span<const std::uint8_t> content;        // content bytes as on the wire
  std::span<const std::uint8_t> encoded;        // the whole struct: info byte to content end

  std::uint64_t end_clock() const { return id.clock + length; }
};

// Decoded item content, for callers that inspect documents (tests, tools). The wire operations
// in update_ops.h never build it: they copy or slice the raw content.
struct ContentDeleted {
  std::uint64_t length = 0;
};
struct ContentJson {
  std::vector<std::string> values;  // JSON texts; the literal "undefined" stands for undefined
};
struct ContentBinary {
  std::vector<std::uint8_t> bytes;
};
struct ContentString {
  std::string utf8;
};
struct ContentEmbed {
  std::string json;
};
struct ContentFormat {
  std::string key;
  std::string json_value;
};
struct ContentType {
  TypeRef type = TypeRef::kArray;
  std::string name;  // node name of an XmlElement, hook name of an XmlHook
};
struct ContentAny {
  std::vector<Any> values;
};
struct ContentDoc {
  std::string guid;
  Any options;
};
using Content = std::variant<ContentDeleted, ContentJson, ContentBinary, ContentString,
                             ContentEmbed, ContentFormat, ContentType, ContentAny, ContentDoc>;

// Decodes the content of an Item (throws DecodeError for GC/Skip or malformed bytes).
Content decode_content(const StructRef& item);

class StructReader {
 public:
  explicit StructReader(std::span<const std::uint8_t> update);

  // Fills `out` with the next struct and returns true, or returns false once every section is
  // read; then call read_delete_set().
  bool next(StructRef& out);
  // Reads the delete set and requires the input to end there.
  DeleteSet read_delete_set();

 private:
  void read_item(std::uint8_t info, StructRef& out);

  std::span<const std::uint8_t> bytes_;
  Lib0Decoder decoder_;
  std::uint64_t sections_left_ = 0;
  std::uint64_t structs_left_ = 0;
  std::uint64_t client_ = 0;
  std::uint64_t clock_ = 0;
};

// A whole update, decoded into struct references that point into `bytes` (keep them alive).
struct ParsedUpdate {
  std::vector<StructRef> structs;  // in wire order
  DeleteSet delete_set;
};
ParsedUpdate parse_update(std::span<const std::uint8_t> bytes);

// Writes client sections: begin_section for each client run, then its structs in clock order.
class StructWriter {
 public:
  // Writes `s` from `offset` clock units in (0 = the whole struct, copied byte for byte).
  void write(const StructRef& s, std::uint64_t offset);
  void write_gc(std::uint64_t length);
  void write_skip(std::uint64_t length);
  void begin_section(std::uint64_t client, std::uint64_t clock);
  // Appends `varUint(#sections)`, the sections and `ds`, and returns the update.
  std::vector<std::uint8_t> finish(const DeleteSet& ds);

 private:
  struct Section {
    std::uint64_t client;
    std::uint64_t clock;
    std::uint64_t count;
    std::size_t begin;  // offset of its first struct in body_
  };
  std::vector<Section> sections_;
  Lib0Encoder body_;
};

}  // namespace od::yjs
