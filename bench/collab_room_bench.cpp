// Google Benchmark of a collaboration room's per-update cost as the document grows. Two paths:
//   BM_MergeIntoWholeState/<KB>: what the room did per update before it kept recent updates
//     (merge the whole encoded state with the update; CPU grows with the document);
//   BM_RoomUpdate/<KB>: the room now, end to end: one y-websocket update received, validated,
//     appended to SQLite (no fsync), relayed to a peer; background merges of recent updates into
//     the base run on the pool and are included while the benchmark runs.
// Documents are typing-like (one 5-character item per update, 8 clients).
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "collab/room.h"
#include "core/ids.h"
#include "db/database.h"
#include "engines/yjs/lib0_encoder.h"
#include "engines/yjs/update_ops.h"

namespace {

using od::yjs::Bytes;
using od::yjs::BytesView;

Bytes typing_update(std::uint64_t client, std::uint64_t clock) {
  od::yjs::Lib0Encoder e;
  e.write_var_uint(1);
  e.write_var_uint(1);
  e.write_var_uint(client);
  e.write_var_uint(clock);
  if (clock == 0) {
    e.write_uint8(4);
    e.write_var_uint(1);
    e.write_var_string("t");
  } else {
    e.write_uint8(0x80 | 4);
    e.write_var_uint(client);
    e.write_var_uint(clock - 1);
  }
  e.write_var_string("hello");
  e.write_var_uint(0);
  return e.take();
}

// A merged document of about `kb` KiB from 8 clients; `clocks` gets each client's next clock.
Bytes document(size_t kb, std::vector<std::uint64_t>& clocks) {
  clocks.assign(8, 0);
  std::vector<Bytes> updates;
  Bytes merged = {0, 0};
  while (merged.size() < kb * 1024) {
    for (int i = 0; i < 1000; ++i) {
      size_t c = updates.size() % 8;
      updates.push_back(typing_update(1000 + c, clocks[c]));
      clocks[c] += 5;
    }
    std::vector<BytesView> views(updates.begin(), updates.end());
    merged = od::yjs::merge_updates(views);
  }
  return merged;
}

void BM_MergeIntoWholeState(benchmark::State& state) {
  std::vector<std::uint64_t> clocks;
  Bytes doc = document(state.range(0), clocks);
  std::uint64_t clock = clocks[0];
  for (auto _ : state) {
    Bytes update = typing_update(1000, clock);
    clock += 5;
    std::vector<BytesView> both = {doc, update};
    doc = od::yjs::merge_updates(both);
  }
  state.counters["doc_bytes"] = static_cast<double>(doc.size());
}
BENCHMARK(BM_MergeIntoWholeState)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

class CountingPeer : public od::collab::Peer {
 public:
  void send(std::string) override { received.fetch_add(1); }
  void close(std::uint16_t, std::string) override {}
  bool writable() const override { return true; }
  const std::string& user_id() const override { return user; }
  bool wants_notices() const override { return false; }
  std::string user;
  std::atomic<size_t> received{0};
};

void BM_RoomUpdate(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / ("od-room-bench-" + od::new_id());
  std::filesystem::create_directories(dir);
  {
    od::db::Options options;
    options.synchronous_full = false;
    auto db = od::db::Database::open("sqlite:" + (dir / "bench.db").string(), options);
    db->migrate();
    std::string user = od::new_id(), project = od::new_id();
    db->execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                {user, user + "@example.com"});
    db->execute(
        "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
        "VALUES ($1, $2, 'p', 0, 0)",
        {project, user});
    od::collab::CollabStore store(*db);
    od::collab::SessionStore sessions(*db);
    auto bus = od::collab::make_local_room_bus();
    auto lock = od::collab::make_local_compaction_lock();
    od::WorkerPool pool(2, 100000, "bench");
    od::collab::UpdateLog log(store);
    std::vector<std::uint64_t> clocks;
    Bytes doc = document(state.range(0), clocks);
    std::string room_key = "project/" + project + "/design";
    store.append(room_key, project, std::string(doc.begin(), doc.end()));
    od::collab::RoomLimits limits;
    limits.compact_after = 1 << 30;  // the database's growth is not what is measured
    const std::string instance = "bench";
    const od::collab::RoomServices services{store, sessions, *bus, *lock,
                                            pool,  instance, log,  limits};
    auto room =
        std::make_shared<od::collab::Room>(od::collab::RoomName{project, "design"}, services);
    auto peer = std::make_shared<CountingPeer>();
    peer->user = user;
    room->join(peer);
    while (peer->received.load() < 1) std::this_thread::yield();  // its SyncStep1
    std::uint64_t clock = clocks[0];
    size_t expected = 1;
    for (auto _ : state) {
      Bytes update = typing_update(1000, clock);
      clock += 5;
      auto frame = od::yjs::encode_sync_update(update);
      room->receive(peer, std::string(frame.begin(), frame.end()));
      ++expected;
      while (peer->received.load() < expected) std::this_thread::yield();  // relayed
    }
    state.counters["held_bytes"] = static_cast<double>(room->held_bytes());
    room->leave(peer, [] {});
    pool.shutdown();
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RoomUpdate)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
