-- hostile.sh's attackers: the URL templates of a file (one a line, percent-encoded, {n} in each), taken in turn,
-- {n} replaced by a counter of that template's uses that no other thread repeats (count x 16 + thread), so no
-- cache answers any. Counts the answers by status. wrk ... -s hostile-attack.lua URL -- TEMPLATES_FILE
local templates, uses = {}, {}

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" and line:sub(1, 1) ~= "#" then templates[#templates + 1] = line; uses[#templates] = 0 end
  end
  statuses = {}
end

local i = 0
request = function()
  local t = (i + id) % #templates + 1   -- the threads start on different templates
  i = i + 1
  local n = uses[t] * 16 + id
  uses[t] = uses[t] + 1
  return wrk.format("GET", (templates[t]:gsub("{n}", tostring(n))))
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do all[status] = (all[status] or 0) + count end
  end
  local codes = {}
  for status in pairs(all) do codes[#codes + 1] = status end
  table.sort(codes)
  local text = {}
  for _, status in ipairs(codes) do text[#text + 1] = status .. ": " .. all[status] end
  local e = summary.errors
  io.write(string.format("attack answers %d statuses %s socket %d timeouts %d\n", summary.requests,
    #text > 0 and table.concat(text, ", ") or "none", e.connect + e.read + e.write, e.timeout))
end
