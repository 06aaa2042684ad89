-- wrk script: concurrent Put Blob of 16 KiB block blobs with distinct names, signed by a container SAS
-- in the query string (Azurite refuses unsigned requests). The raw PUT ceiling of the server.
--
--   wrk -t2 -c64 -d10s -s put-16k.lua http://127.0.0.1:PORT -- /devstoreaccount1/CONTAINER 'SAS-QUERY'
--
-- done() prints one JSON line, the last line of wrk's output: completed requests, non-2xx and socket errors.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  base = args[1]
  sas = args[2]
  counter = 0
  local bytes = {}
  for i = 1, 16384 do
    bytes[i] = string.char(math.random(0, 255))
  end
  body = table.concat(bytes)
  wrk.headers["x-ms-blob-type"] = "BlockBlob"
  wrk.headers["Content-Type"] = "application/octet-stream"
end

function request()
  counter = counter + 1
  return wrk.format("PUT", string.format("%s/wrk-%d-%07d?%s", base, id, counter, sas), nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
