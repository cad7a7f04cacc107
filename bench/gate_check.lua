-- wrk script for bench/gate.sh: POSTs one prebuilt multipart/form-data body to the
-- gate's /v1/check and counts the answers that are not 2xx.
--
--   wrk -t2 -c8 -d30s --latency -s bench/gate_check.lua http://127.0.0.1:PORT/v1/check -- BODY BOUNDARY
--
-- BODY is a file holding the whole request body (made by bench/gate.sh), BOUNDARY
-- the multipart boundary used in it. Every wrk thread has its own Lua state: the
-- counters are per thread and `done` adds them up through the thread objects that
-- `setup` collected. `done` prints one line starting with "GATE_BENCH" that
-- bench/gate.sh parses; latencies there are in microseconds.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local path, boundary = args[1], args[2]
   if path == nil or boundary == nil then
      error("gate_check.lua: usage: ... -- BODY-FILE BOUNDARY")
   end
   local f = assert(io.open(path, "rb"))
   wrk.body = f:read("*a")
   f:close()
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
   responses = 0
   non2xx = 0
   first_bad = ""
end

function response(status, headers, body)
   responses = responses + 1
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == "" then
         first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300):gsub("%s+", " ")
      end
   end
end

function done(summary, latency, requests)
   local seen, bad, example = 0, 0, ""
   for _, t in ipairs(threads) do
      seen = seen + t:get("responses")
      bad = bad + t:get("non2xx")
      local fb = t:get("first_bad")
      if example == "" and fb ~= nil and fb ~= "" then
         example = fb
      end
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "GATE_BENCH responses=%d non2xx=%d requests=%d seconds=%.3f rps=%.2f " ..
      "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f " ..
      "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
      seen, bad, summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.connect, e.read, e.write, e.timeout, e.status))
   if example ~= "" then
      io.write("GATE_BENCH_FIRST_NON2XX " .. example .. "\n")
   end
end
