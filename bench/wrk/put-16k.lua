-- wrk script: concurrent Put Blob of 16 KiB block blobs with distinct names against Azurite (which
-- refuses unsigned requests). The raw PUT ceiling of the server.
--
--   wrk -t2 -c64 -d10s -s put-16k.lua http://127.0.0.1:PORT -- /devstoreaccount1/CONTAINER AUTH
--
-- AUTH is either a container SAS query string (sv=...&sig=...), or SharedKey:ACCOUNT:BASE64KEY to sign
-- every request with the account key as our CLI does (HMAC-SHA256 through OpenSSL's libcrypto, which
-- wrk links, via LuaJIT's ffi). Azurite checks a SAS more slowly than a SharedKey signature, so a
-- ceiling for a tool that signs with the key has to sign with the key too.
--
-- done() prints one JSON line, the last line of wrk's output: completed requests, non-2xx and socket errors.
local ffi = require("ffi")
ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d, size_t n,
                    unsigned char *md, unsigned int *md_len);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
int EVP_DecodeBlock(unsigned char *t, const unsigned char *f, int n);
]]
local crypto = ffi.load("crypto")
local threads = {}

local function base64_decode(text)
  local out = ffi.new("unsigned char[?]", #text)
  local n = crypto.EVP_DecodeBlock(out, text, #text)
  local _, padding = text:gsub("=", "")
  return ffi.string(out, n - padding)
end

local function hmac_sha256_base64(key, message)
  local digest = ffi.new("unsigned char[32]")
  local length = ffi.new("unsigned int[1]")
  crypto.HMAC(crypto.EVP_sha256(), key, #key, message, #message, digest, length)
  local encoded = ffi.new("unsigned char[64]")
  local n = crypto.EVP_EncodeBlock(encoded, digest, length[0])
  return ffi.string(encoded, n)
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  base = args[1]
  local auth = args[2]
  counter = 0
  local bytes = {}
  for i = 1, 16384 do
    bytes[i] = string.char(math.random(0, 255))
  end
  body = table.concat(bytes)
  headers = { ["x-ms-blob-type"] = "BlockBlob", ["Content-Type"] = "application/octet-stream" }
  local account, key = auth:match("^SharedKey:([^:]+):(.+)$")
  if account then
    shared_account, shared_key = account, base64_decode(key)
    headers["x-ms-version"] = "2021-08-06"
    -- One date per thread: a run lasts seconds, the service allows 15 minutes of skew.
    headers["x-ms-date"] = os.date("!%a, %d %b %Y %H:%M:%S GMT")
  else
    sas = auth
  end
end

function request()
  counter = counter + 1
  local path = string.format("%s/wrk-%d-%07d", base, id, counter)
  if not shared_key then
    return wrk.format("PUT", path .. "?" .. sas, headers, body)
  end
  local to_sign = table.concat({
    "PUT", "", "", tostring(#body), "", headers["Content-Type"], "", "", "", "", "", "",
    "x-ms-blob-type:BlockBlob", "x-ms-date:" .. headers["x-ms-date"], "x-ms-version:" .. headers["x-ms-version"],
    "/" .. shared_account .. path,
  }, "\n")
  headers["Authorization"] = "SharedKey " .. shared_account .. ":" .. hmac_sha256_base64(shared_key, to_sign)
  return wrk.format("PUT", path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
