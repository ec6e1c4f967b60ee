-- AssumeRoleWithWebIdentity: the same RS256 token on every request (JWKS warm).
-- Input written by examples/bench_prepare.rs into $BENCH_DIR.
local dir = os.getenv("BENCH_DIR")
local f = assert(io.open(dir .. "/arwwi.body", "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
