-- wrk script: authenticated GET of one project. BENCH_TOKEN and BENCH_PROJECT come from the
-- environment (bench/run.sh sets them up).
local token = os.getenv("BENCH_TOKEN")
local project = os.getenv("BENCH_PROJECT")
wrk.method = "GET"
wrk.path = "/api/v1/projects/" .. project
wrk.headers["Authorization"] = "Bearer " .. token
