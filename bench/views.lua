-- views.lua: wrk script for bench/views.sh — every request a different
-- view of profile $PROFILE, as a team clicking around asks: a zoom path
-- from the list in $PATHS (one comma-separated path a line), depth 10, and
-- one of eight cutoffs; each wrk thread walks the 8 x N combinations from
-- its own starting point.  $GZIP=1 adds Accept-Encoding: gzip.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local cutoffs = {"0.001", "0.002", "0.005", "0.0005", "0.003", "0.01", "0.0015", "0.004"}
local profile = os.getenv("PROFILE") or "1"
local headers = {}
if os.getenv("GZIP") == "1" then headers["Accept-Encoding"] = "gzip" end
local threads = 0
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
local n = 0
function request()
    n = n + 1
    local k = n * 7 + tid * 1000003
    local path = paths[k % #paths + 1]
    local cutoff = cutoffs[math.floor(k / #paths) % #cutoffs + 1]
    return wrk.format(nil, string.format("/api/profiles/%s/tree?depth=10&cutoff=%s&path=%s",
                                         profile, cutoff, path), headers)
end
