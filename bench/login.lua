-- wrk script: password login (argon2id dominates its cost). BENCH_EMAIL/BENCH_PASSWORD from the
-- environment (bench/run.sh).
wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"),
                         os.getenv("BENCH_PASSWORD"))
