-- Replays one signed request prepared by examples/bench_iam_prepare.rs:
-- $BENCH_DIR/$BENCH_REQ.body + .headers (valid for the 15-minute skew window).
local dir = os.getenv("BENCH_DIR")
local name = os.getenv("BENCH_REQ")
local f = assert(io.open(dir .. "/" .. name .. ".body", "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
for line in io.lines(dir .. "/" .. name .. ".headers") do
  local key, value = line:match("^([^:]+): (.*)$")
  if key == "host" then
    -- wrk adds its own "Host" unless this exact key is set; two Host headers get a 400.
    wrk.headers["Host"] = value
  elseif key then
    wrk.headers[key] = value
  end
end
