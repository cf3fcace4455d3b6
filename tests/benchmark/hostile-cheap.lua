-- hostile.sh's cheap client: small, distinct queries that no cache can answer — a province's year, 20 rows at a
-- time, and one indicator by key — taking turns. Every URL is new: the provinces, years and pages go round in
-- turn, and "nocache" (a custom query option, which the OData library ignores but the response cache's key
-- holds) numbers the request, from START on (each run its own: a warm-up's URLs would be cached).
-- wrk ... -s hostile-cheap.lua URL -- LISTS_FOLDER (prepare.mjs's lists) [START]
local lists = {}
local function read(folder, name)
  local values = {}
  for line in io.lines(folder .. "/" .. name .. ".txt") do if line ~= "" then values[#values + 1] = line end end
  return values
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  for _, name in ipairs({ "provinces", "years", "indicators" }) do lists[name] = read(args[1], name) end
  non2xx = 0
  i = tonumber(args[2] or "0")
end

request = function()
  i = i + 1
  local tag = "&nocache=" .. id .. "-" .. i
  local k = math.floor(i / 2)
  if i % 2 == 0 then
    local indicator = lists.indicators[k % #lists.indicators + 1]
    return wrk.format("GET", "/odata/Indicators(%27" .. indicator .. "%27)?$select=Id,Name,UnitId" .. tag)
  end
  local targets, p, y = k, #lists.provinces, #lists.years
  local province = lists.provinces[targets % p + 1]
  local year = lists.years[math.floor(targets / p) % y + 1]
  local skip = (math.floor(targets / (p * y)) % 16) * 20
  return wrk.format("GET", "/odata/Targets?$filter=ProvinceId%20eq%20%27" .. province .. "%27%20and%20Year%20eq%20" .. year
    .. "&$select=Id,RawValue&$top=20&$skip=" .. skip .. tag)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format("cheap requests %d non2xx %d socket %d p50_ms %.2f p99_ms %.2f max_ms %.2f\n",
    summary.requests, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
