-- bench_serve.lua: wrk's script for tests/bench_serve.sh. Each connection
-- cycles through the request targets in the file named by $PATHS (one a
-- line, already URL-encoded), the threads starting at different places;
-- every answer that is not 2xx is counted, and done() prints the count
-- and the latency percentiles in microseconds for the shell to read.
local targets = {}
local threads = {}

function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads)
end

function init(args)
	for line in io.lines(os.getenv("PATHS")) do
		targets[#targets + 1] = line
	end
	if #targets == 0 then
		error("no request targets in " .. os.getenv("PATHS"))
	end
	i = (tid or 0) * 97 % #targets
	bad = 0
end

-- With $PACE_MS set, each connection waits that long before each request:
-- 64 connections pacing 3.2 ms offer about 20,000 requests/s, so latency
-- is measured at that load rather than at the most the server can take.
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
	function delay()
		return pace
	end
end

function request()
	i = i % #targets + 1
	return wrk.format("GET", targets[i])
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local b = 0
	for _, t in ipairs(threads) do
		b = b + t:get("bad")
	end
	io.write(string.format("GW non2xx %d errors %d\n", b,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.status + summary.errors.timeout))
	io.write(string.format("GW rps %.1f p50_us %d p99_us %d requests %d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50), latency:percentile(99), summary.requests))
end
