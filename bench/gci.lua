-- GetCallerIdentity with temporary credentials: one SigV4-signed request,
-- replayed (valid for the 15-minute skew window). Input from
-- examples/bench_prepare.rs in $BENCH_DIR.
local dir = os.getenv("BENCH_DIR")
local f = assert(io.open(dir .. "/gci.body", "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
for line in io.lines(dir .. "/gci.headers") do
  local name, value = line:match("^([^:]+): (.*)$")
  if name == "host" then
    -- wrk adds its own "Host" unless this exact key is set; two Host headers get a 400.
    wrk.headers["Host"] = value
  elseif name then
    wrk.headers[name] = value
  end
end
