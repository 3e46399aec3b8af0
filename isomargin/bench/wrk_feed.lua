-- wrk script: replay pre-signed requests, one per line of the file named by the first argument:
--   METHOD <TAB> PATH?QUERY <TAB> API-KEY <TAB> FORM-BODY (may be empty)
-- Requests are built once per thread (wrk.format), so the generator does no work per request
-- beyond picking the next one. done() prints one JSON line the bench parses.
local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, target, key, body = line:match("^(%S+)\t(%S+)\t(%S+)\t(.*)$")
    local headers = { ["X-MBX-APIKEY"] = key }
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    requests[#requests + 1] = wrk.format(method, target, headers, body)
  end
  counter = math.random(#requests)
end

function request()
  counter = counter + 1
  if counter > #requests then
    counter = 1
  end
  return requests[counter]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"timeout": %d, "p50_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean
  ))
end
