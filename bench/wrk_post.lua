-- wrk script for bench/wrk.py: every request POSTs a new message activity (its own activity
-- id) in one of `pool` conversations, with the serviceUrl of the connector stand-in that
-- counts the replies. At the end one line "WRK_JSON {...}" gives what wrk counted, the
-- requests each thread generated (written to the server, answered or not) included.
--
-- wrk -t T -s bench/wrk_post.lua URL -- PREFIX SERVICE_URL POOL TEXT_JSON T [AUTHORIZATION]
-- (TEXT_JSON: the message text as a JSON string, quotes included; T: wrk's thread count.)

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  service_url = args[2]
  pool = tonumber(args[3])
  text_json = args[4]
  total_threads = tonumber(args[5])
  headers = { ["Content-Type"] = "application/json" }
  if args[6] ~= nil and args[6] ~= "" then
    headers["Authorization"] = args[6]
  end
  generated = 0
end

function request()
  generated = generated + 1
  -- Distinct across threads: thread t numbers its requests t, t + T, t + 2T, ...
  local n = (generated - 1) * total_threads + tid
  local conversation = "conv-" .. (n % pool)
  local body = '{"type":"message","id":"' .. prefix .. n .. '","channelId":"emulator",'
    .. '"serviceUrl":"' .. service_url .. '",'
    .. '"from":{"id":"user-' .. conversation .. '","name":"Citizen"},'
    .. '"recipient":{"id":"bot","name":"Helpline"},'
    .. '"conversation":{"id":"' .. conversation .. '"},'
    .. '"text":' .. text_json .. ',"timestamp":"2026-11-28T10:00:00Z"}'
  return wrk.format("POST", "/api/messages", headers, body)
end

function done(summary, latency, requests)
  local generated_total = 0
  for _, thread in ipairs(threads) do
    generated_total = generated_total + (thread:get("generated") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"generated":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, generated_total, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
