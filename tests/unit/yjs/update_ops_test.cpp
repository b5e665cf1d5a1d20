#include <gtest/gtest.h>

#include <variant>

#include "engines/yjs/error.h"
#include "engines/yjs/update.h"
#include "engines/yjs/update_ops.h"
#include "hex.h"

namespace od::yjs {
namespace {

using testing::hex;
using testing::unhex;

// Made once with yjs 13.6 in node (tests/package.json):
//   a = new Y.Doc(); a.clientID = 1; a.on('update', u => ups.push(u))
//   a.getText('t').insert(0, 'ab😀'); a.getMap('m').set('k', 1)
//   b = new Y.Doc(); b.clientID = 2 ** 53 - 1; Y.applyUpdate(b, ups[0]); b.on('update', ...)
//   b.getText('t').delete(1, 1); b.getArray('a').insert(0, [true, 'x'])
// and the expected values from Y.mergeUpdates(ups), Y.encodeStateVectorFromUpdate(...),
// Y.encodeStateAsUpdate(b) and Y.diffUpdate(full, svOf(ups[0])).
const char* kInsertText = "0101010004010174066162f09f988000";
const char* kSetMap = "010101042801016d016b017d0100";
const char* kDeleteText = "000101010101";
const char* kInsertArray = "0101ffffffffffffff0f0008010161027877017800";
const char* kYjsMerged =
    "0201ffffffffffffff0f0008010161027877017802010004010174066162f09f98802801016d016b017d0101010101"
    "01";
const char* kFullState =
    "0201ffffffffffffff0f000801016102787701780301000401017401618101000184010104f09f98800101010101";
const char* kDiffFullAgainstInsertText = "0101ffffffffffffff0f000801016102787701780101010101";
// d.clientID = 1; d.getText('t').insert(0, 'a😀b') and Y.diffUpdate(that, sv {1: 2}): the cut
// falls inside the surrogate pair, so yjs writes U+FFFD for the orphaned low half.
const char* kSurrogateText = "01010100040101740661f09f98806200";
const char* kSurrogateDiff = "0101010284010104efbfbd6200";

std::vector<Bytes> history() {
  return {unhex(kInsertText), unhex(kSetMap), unhex(kDeleteText), unhex(kInsertArray)};
}

Bytes merge(const std::vector<Bytes>& updates) {
  std::vector<BytesView> views(updates.begin(), updates.end());
  return merge_updates(views);
}

TEST(YjsUpdate, ParsesKnownUpdate) {
  const Bytes bytes = unhex(kInsertText);
  const ParsedUpdate u = parse_update(bytes);
  ASSERT_EQ(u.structs.size(), 1u);
  const StructRef& s = u.structs[0];
  EXPECT_EQ(s.kind, StructRef::Kind::kItem);
  EXPECT_EQ(s.id, (Id{1, 0}));
  EXPECT_EQ(s.length, 4u);  // "ab" + a surrogate pair, in UTF-16 units
  EXPECT_EQ(s.parent_root, "t");
  EXPECT_FALSE(s.origin);
  EXPECT_EQ(std::get<ContentString>(decode_content(s)).utf8, "ab😀");
  EXPECT_TRUE(u.delete_set.empty());

  const Bytes array = unhex(kInsertArray);
  const ParsedUpdate a = parse_update(array);
  ASSERT_EQ(a.structs.size(), 1u);
  EXPECT_EQ(a.structs[0].id.client, kMaxSafeInteger);  // 2^53 - 1 survives as a client id
  const auto values = std::get<ContentAny>(decode_content(a.structs[0])).values;
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], Any::of_boolean(true));
  EXPECT_EQ(values[1], Any::of_string("x"));

  const Bytes map = unhex(kSetMap);
  const StructRef m = parse_update(map).structs[0];
  EXPECT_EQ(m.parent_root, "m");
  EXPECT_EQ(m.parent_sub, "k");

  const Bytes del = unhex(kDeleteText);
  const DeleteSet ds = parse_update(del).delete_set;
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds.at(1), (std::vector<DeleteRange>{{1, 1}}));
}

TEST(YjsUpdate, MergeMatchesYjs) {
  // Same structs, client order and delete set as Y.mergeUpdates: here even the bytes agree.
  EXPECT_EQ(hex(merge(history())), kYjsMerged);
  EXPECT_EQ(hex(merge({})), "0000");
  // One input comes back unchanged; duplicates collapse.
  EXPECT_EQ(hex(merge({unhex(kSetMap)})), kSetMap);
  const Bytes twice = merge({unhex(kInsertText), unhex(kInsertText)});
  EXPECT_EQ(hex(twice), kInsertText);
}

TEST(YjsUpdate, MergeOfOverlappingUpdatesSlices) {
  // The full state holds client 1's text as 'a' | deleted 'b' | '😀', split differently from
  // the original insert; merging both writes each clock once (the map entry at 4 is in neither).
  const Bytes merged = merge({unhex(kInsertText), unhex(kFullState)});
  const ParsedUpdate u = parse_update(merged);
  std::uint64_t covered = 0;
  for (const StructRef& s : u.structs) {
    if (s.id.client == 1) covered += s.length;
  }
  EXPECT_EQ(covered, 4u);
  EXPECT_EQ(state_vector_from_update(merged), (StateVector{{kMaxSafeInteger, 2}, {1, 4}}));
}

TEST(YjsUpdate, MergeWithGapWritesSkip) {
  // A GC at client 1's clock 0 and the map entry at clock 4: clocks 1..3 are missing.
  const Bytes merged = merge({unhex("01010100000100"), unhex(kSetMap)});
  const ParsedUpdate u = parse_update(merged);
  ASSERT_EQ(u.structs.size(), 3u);
  EXPECT_EQ(u.structs[0].kind, StructRef::Kind::kGC);
  EXPECT_EQ(u.structs[1].kind, StructRef::Kind::kSkip);
  EXPECT_EQ(u.structs[1].id, (Id{1, 1}));
  EXPECT_EQ(u.structs[1].length, 3u);
  EXPECT_EQ(u.structs[2].id, (Id{1, 4}));
  // The state vector stops at the gap; merging the missing piece back in closes it.
  EXPECT_EQ(state_vector_from_update(merged), (StateVector{{1, 1}}));
  const Bytes closed = merge({merged, unhex(kFullState)});
  EXPECT_EQ(state_vector_from_update(closed), (StateVector{{kMaxSafeInteger, 2}, {1, 5}}));
}

TEST(YjsUpdate, StateVectorMatchesYjs) {
  EXPECT_EQ(hex(encode_state_vector_from_update(unhex(kYjsMerged))), "02ffffffffffffff0f020105");
  EXPECT_EQ(hex(encode_state_vector_from_update(unhex(kInsertText))), "010104");
  // An update that starts after clock 0 says nothing about what its client has.
  EXPECT_EQ(hex(encode_state_vector_from_update(unhex(kSetMap))), "00");
  EXPECT_EQ(hex(encode_state_vector_from_update(unhex("0000"))), "00");
}

TEST(YjsUpdate, DiffMatchesYjs) {
  const Bytes sv = encode_state_vector_from_update(unhex(kInsertText));
  EXPECT_EQ(hex(diff_update(unhex(kFullState), sv)), kDiffFullAgainstInsertText);
  EXPECT_EQ(hex(diff_update(unhex(kSurrogateText), StateVector{{1, 2}})), kSurrogateDiff);
  // Against an empty state vector a diff is the whole update; against a complete one, only the
  // delete set remains.
  EXPECT_EQ(hex(diff_update(unhex(kFullState), StateVector{})), kFullState);
  EXPECT_EQ(hex(diff_update(unhex(kFullState), state_vector_from_update(unhex(kFullState)))),
            "000101010101");
}

TEST(YjsUpdate, DiffSlicesEveryCountedContent) {
  // One item per sliceable content type, from clock 0 of client 5, cut at clock 1.
  const char* kAny3 = "0101050008010161037d017d027d0300";  // array [1, 2, 3]
  const char* kJson2 = "0101050002010161020131013200";     // legacy JSON ["1", "2"]
  const char* kDeleted3 = "01010500010101610300";          // 3 deleted units
  const char* kGc4 =
      "010105000004"
      "0105010004";  // GC of 4, deleted
  EXPECT_EQ(hex(diff_update(unhex(kAny3), StateVector{{5, 1}})),
            "0101050188050002"
            "7d027d0300");
  EXPECT_EQ(hex(diff_update(unhex(kJson2), StateVector{{5, 1}})),
            "01010501820500010132"
            "00");
  EXPECT_EQ(hex(diff_update(unhex(kDeleted3), StateVector{{5, 1}})), "010105018105000200");
  EXPECT_EQ(hex(diff_update(unhex(kGc4), StateVector{{5, 3}})),
            "010105030001"
            "0105010004");
}

TEST(YjsUpdate, RejectsGarbageAndEveryTruncation) {
  for (const char* valid :
       {kInsertText, kSetMap, kDeleteText, kInsertArray, kYjsMerged, kFullState, kSurrogateText}) {
    const Bytes bytes = unhex(valid);
    EXPECT_NO_THROW(validate_update(bytes)) << valid;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      const BytesView prefix(bytes.data(), n);
      EXPECT_THROW(validate_update(prefix), DecodeError) << valid << " cut at " << n;
      EXPECT_THROW(state_vector_from_update(prefix), DecodeError);
      EXPECT_THROW(diff_update(prefix, StateVector{}), DecodeError);
      const std::vector<BytesView> two = {prefix, bytes};
      EXPECT_THROW(merge_updates(two), DecodeError);
    }
    Bytes trailing = bytes;
    trailing.push_back(0);
    EXPECT_THROW(validate_update(trailing), DecodeError);
  }
  for (const char* bad : {
           "",
           "01010100"
           "0b",  // content ref 11 does not exist
           "0101010007010107"
           "0700",  // shared type ref 7 does not exist
           "01010100"
           "04020174"
           "0161"
           "00",  // parent info 2
           "010101000401017400"
           "00",  // empty string: a struct of length 0
           "0101010000"
           "00"
           "00",  // GC of length 0
           "01010100020101740101"
           "7b"
           "00",    // JSON content that is not JSON
           "ff01",  // 255 sections announced, none there
           "01ffffffffffffff0f01"
           "00",  // struct count beyond the input
           "0101"
           "01"
           "ffffffffffffff0f"
           "0005"
           "00",  // clock + length beyond 2^53
       }) {
    EXPECT_THROW(validate_update(unhex(bad)), DecodeError) << bad;
  }
}

TEST(YjsUpdate, StateVectorCodec) {
  const StateVector sv{{kMaxSafeInteger, 7}, {1, 2}};
  EXPECT_EQ(decode_state_vector(encode_state_vector(sv)), sv);
  EXPECT_THROW(decode_state_vector(unhex("0201")), DecodeError);
  EXPECT_THROW(decode_state_vector(unhex("00ff")), DecodeError);
}

}  // namespace
}  // namespace od::yjs
