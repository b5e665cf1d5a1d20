// Differential-test runner for the Yjs engine. Reads cases written by generate.mjs (JSON lines:
// hex-encoded Yjs updates plus the inputs for a diff) and writes, per case, what od_yjs computes:
// merges, state vectors and diffs, hex-encoded, for verify.test.mjs to check against yjs itself.
// Usage: yjs_runner <cases.jsonl> <results.jsonl>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engines/yjs/error.h"
#include "engines/yjs/update_ops.h"

namespace {

using od::yjs::Bytes;
using od::yjs::BytesView;

Bytes from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length");
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return out;
}

std::string to_hex(BytesView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

nlohmann::json run_case(const nlohmann::json& c) {
  std::vector<Bytes> updates;
  for (const auto& hex : c.at("updates")) updates.push_back(from_hex(hex.get<std::string>()));
  std::vector<BytesView> all(updates.begin(), updates.end());
  std::vector<BytesView> subset;
  for (const auto& i : c.at("subset")) subset.push_back(updates.at(i.get<std::size_t>()));
  const Bytes y_merged = from_hex(c.at("yMerged").get<std::string>());
  const Bytes full_state = from_hex(c.at("fullState").get<std::string>());
  const Bytes sv = from_hex(c.at("partialSv").get<std::string>());

  const Bytes merged = od::yjs::merge_updates(all);
  const Bytes merged_subset = od::yjs::merge_updates(subset);
  nlohmann::json out;
  out["id"] = c.at("id");
  out["merged"] = to_hex(merged);
  out["mergedSubset"] = to_hex(merged_subset);
  out["sv"] = to_hex(od::yjs::encode_state_vector_from_update(merged));
  out["svSubset"] = to_hex(od::yjs::encode_state_vector_from_update(merged_subset));
  out["svEach"] = nlohmann::json::array();
  for (BytesView u : all) {
    out["svEach"].push_back(to_hex(od::yjs::encode_state_vector_from_update(u)));
  }
  out["diff"] = to_hex(od::yjs::diff_update(merged, sv));
  out["diffOfYMerged"] = to_hex(od::yjs::diff_update(y_merged, sv));
  out["diffOfFullState"] = to_hex(od::yjs::diff_update(full_state, sv));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: yjs_runner <cases.jsonl> <results.jsonl>\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::ofstream out(argv[2]);
  if (!in || !out) {
    std::cerr << "yjs_runner: cannot open input or output\n";
    return 2;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto c = nlohmann::json::parse(line);
    nlohmann::json result;
    try {
      result = run_case(c);
    } catch (const std::exception& e) {
      // Reported per case so one failure does not hide the others.
      result = {{"id", c.at("id")}, {"error", e.what()}};
    }
    out << result.dump() << '\n';
  }
  return out ? 0 : 1;
}
