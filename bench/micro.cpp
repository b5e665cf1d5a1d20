// Micro-benchmarks of the per-request hot path: what every authenticated API call pays before and
// after the database (token check, route match, JSON body parse and render).
#include <benchmark/benchmark.h>

#include "auth/jwt.h"
#include "core/ids.h"
#include "core/json_input.h"
#include "http/router.h"

namespace {

void BM_JwtVerify(benchmark::State& state) {
  od::auth::JwtSigner signer("0123456789abcdef0123456789abcdef", "opendesign");
  std::string token = signer.sign({od::new_id(), "user", 1000, 4'000'000'000});
  for (auto _ : state) benchmark::DoNotOptimize(signer.verify(token, 2000));
}
BENCHMARK(BM_JwtVerify);

void BM_RouterMatch(benchmark::State& state) {
  od::http::Router router;
  auto ok = [](od::http::Request&) { return od::http::Response::no_content(); };
  for (const char* p :
       {"/api/v1/projects", "/api/v1/projects/{id}", "/api/v1/projects/{id}/members",
        "/api/v1/projects/{id}/versions/{number}", "/api/v1/me", "/healthz"}) {
    router.add(od::http::Method::Get, p, ok);
  }
  std::string path = "/api/v1/projects/" + od::new_id() + "/versions/12";
  for (auto _ : state) benchmark::DoNotOptimize(router.match(od::http::Method::Get, path));
}
BENCHMARK(BM_RouterMatch);

void BM_ParseProjectBody(benchmark::State& state) {
  nlohmann::json design = {{"root", {{"type", "frame"}, {"children", nlohmann::json::array()}}}};
  for (int i = 0; i < state.range(0); ++i) {
    design["root"]["children"].push_back(
        {{"type", "text"}, {"text", "Hello " + std::to_string(i)}, {"x", i}, {"y", i * 2}});
  }
  std::string body = nlohmann::json{{"title", "Bench"}, {"designJson", design}}.dump();
  for (auto _ : state) benchmark::DoNotOptimize(od::json_input::parse_object(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseProjectBody)->Arg(10)->Arg(1000);

void BM_NewId(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(od::new_id());
}
BENCHMARK(BM_NewId);

}  // namespace

BENCHMARK_MAIN();
