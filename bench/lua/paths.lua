-- wrk script: request the paths listed in WRK_PATHS (one per line) round-robin, with an optional
-- header from WRK_HEADER ("Name: value"), and print latency percentiles as JSON at the end.
local paths = {}
local index = 0
local header_name, header_value

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    paths[#paths + 1] = line
  end
  local header = os.getenv("WRK_HEADER")
  if header and header ~= "" then
    header_name, header_value = header:match("^([^:]+):%s*(.*)$")
  end
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  local headers = {}
  if header_name then headers[header_name] = header_value end
  return wrk.format("GET", paths[index], headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "errors": %d, "non_2xx": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "throughput_rps": %.1f}\n',
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
