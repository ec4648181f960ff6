-- wrk script: send a plan of pre-built requests and check every answer.
--
-- Arguments (after `--`): plan file, result file, first request index, cyclic (1/0).
-- The plan file, written by bench/plans.py, holds each request ready to go (JWT included)
-- with the statuses that count as success and bytes a successful body must contain.
-- Entry 0 is a harmless `GET /`, never part of the load. Each request carries `X-Request-Id: <index>`; the server echoes it, so every answer is
-- matched to its own request (several are in flight on 32 connections at once).

local ffi = require("ffi")
ffi.cdef [[
  typedef long time_t;
  typedef struct { time_t tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clk_id, timespec *tp);
]]
local clock = ffi.new("timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local function load_plan(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  local raws, oks, expects, tags = {}, {}, {}, {}
  local position = 1
  local count = 0
  while position <= #data do
    local line_end = string.find(data, "\n", position, true)
    local line = string.sub(data, position, line_end - 1)
    local raw_len, ok_list, tag, expect_len = string.match(line, "^(%d+) ([%d,]+) (%-?%d+) (%d+)$")
    raw_len, tag, expect_len = tonumber(raw_len), tonumber(tag), tonumber(expect_len)
    count = count + 1
    local ok = {}
    for status in string.gmatch(ok_list, "%d+") do ok[tonumber(status)] = true end
    oks[count] = ok
    tags[count] = tag
    position = line_end + 1
    if expect_len > 0 then
      expects[count] = string.sub(data, position, position + expect_len - 1)
    end
    position = position + expect_len
    raws[count] = string.sub(data, position, position + raw_len - 1)
    position = position + raw_len
  end
  return raws, oks, expects, tags, count
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count - 1)
  table.insert(threads, thread)
end

function init(args)
  plan_path, result_path = args[1], args[2]
  first, cyclic = tonumber(args[3]), args[4] == "1"
  raws, oks, expects, tags, count = load_plan(plan_path)
  -- Threads take turns through the plan: thread k sends first+k, first+k+T, ...
  step = tonumber(args[5])
  next_index = first + thread_index
  taken = 0
  answered = 0
  wrong = 0
  statuses = {}
  failed = {}
  tagged = {}
  started_us = 0
  last_us = 0
end

function request()
  if next_index >= count then
    if not cyclic then
      wrk.thread:stop()
      -- wrk may still send what this returns: entry 0 is a harmless `GET /` for that.
      return raws[1]
    end
    next_index = 1 + (next_index - 1) % (count - 1)
  end
  if started_us == 0 then started_us = now_us() end
  local index = next_index
  next_index = next_index + step
  taken = taken + 1
  return raws[index + 1]
end

function response(status, headers, body)
  last_us = now_us()
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  local id = tonumber(headers["X-Request-Id"] or headers["x-request-id"] or "")
  if id == nil then
    -- The bare baseline echoes no id: every 200 is right.
    if status ~= 200 then failed[status] = (failed[status] or 0) + 1 end
    return
  end
  local index = id + 1
  if not oks[index][status] then
    failed[status] = (failed[status] or 0) + 1
  -- expects[index] is a Lua pattern (bench/plans.py expectation_pattern): JSON spacing varies.
  elseif expects[index] ~= nil and string.find(body, expects[index]) == nil then
    wrong = wrong + 1
  end
  if tags[index] >= 0 then
    table.insert(tagged, tags[index] .. ":" .. status)
  end
end

local function counts_json(counts)
  local parts = {}
  for key, value in pairs(counts) do
    table.insert(parts, string.format('"%s":%d', tostring(key), value))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  -- init() ran in the threads' Lua states only: ask one of them where to write.
  local out = assert(io.open(threads[1]:get("result_path"), "w"))
  local total_statuses, total_failed = {}, {}
  local total_wrong, total_taken, total_answered = 0, 0, 0
  local first_us, end_us = nil, 0
  local all_tagged = {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("statuses")) do
      total_statuses[key] = (total_statuses[key] or 0) + value
    end
    for key, value in pairs(thread:get("failed")) do
      total_failed[key] = (total_failed[key] or 0) + value
    end
    total_wrong = total_wrong + thread:get("wrong")
    total_taken = total_taken + thread:get("taken")
    total_answered = total_answered + thread:get("answered")
    local started = thread:get("started_us")
    if started > 0 and (first_us == nil or started < first_us) then first_us = started end
    local last = thread:get("last_us")
    if last > end_us then end_us = last end
    for _, item in ipairs(thread:get("tagged")) do table.insert(all_tagged, '"' .. item .. '"') end
  end
  local errors = summary.errors
  out:write("{")
  out:write(string.format('"answered":%d,"taken":%d,"wrong":%d,', total_answered, total_taken, total_wrong))
  local seconds = 0
  if first_us ~= nil and end_us > first_us then seconds = (end_us - first_us) / 1e6 end
  out:write(string.format('"seconds":%.6f,', seconds))
  out:write(string.format('"wrk_seconds":%.6f,"wrk_requests":%d,', summary.duration / 1e6, summary.requests))
  out:write(string.format('"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,',
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  out:write('"statuses":' .. counts_json(total_statuses) .. ",")
  out:write('"failed_statuses":' .. counts_json(total_failed) .. ",")
  out:write(string.format('"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},',
    errors.connect, errors.read, errors.write, errors.timeout))
  out:write('"tagged":[' .. table.concat(all_tagged, ",") .. "]")
  out:write("}\n")
  out:close()
end
