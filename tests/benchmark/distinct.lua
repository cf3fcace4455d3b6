-- The benchmark's query mix with different constants on every request (a province, a year, an indicator,
-- a search, a page), so that no two requests in a row ask the same thing. wrk ... -s distinct.lua -- LISTS_FOLDER
local lists = {}
local function read(folder, name)
  local values = {}
  for line in io.lines(folder .. "/" .. name .. ".txt") do if line ~= "" then values[#values + 1] = line end end
  return values
end
local function pick(name) local values = lists[name]; return values[math.random(#values)] end
local function encode(text) return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end

function init(args)
  local folder = args[1]
  for _, name in ipairs({ "provinces", "years", "indicators", "terms", "count" }) do lists[name] = read(folder, name) end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local templates = {
  function() return "/odata/Targets?$filter=" .. encode("ProvinceId eq '" .. pick("provinces") .. "' and Year eq " .. pick("years")) .. "&$select=Id,SourceLabel,RawValue,Comparator,Lower,Upper" end,
  function() return "/odata/Indicators(" .. encode("'" .. pick("indicators") .. "'") .. ")/Targets?$expand=" .. encode("Province($select=Name)") .. "&$select=Id,Year,RawValue" end,
  function() return "/odata/Targets?$search=" .. encode(pick("terms")) .. "&$select=Id,SourceLabel" end,
  function() return "/odata/Targets/$count?$filter=" .. encode("Year eq " .. pick("years")) end,
  function() return "/odata/Targets?$format=csv&$filter=" .. encode("ProvinceId eq '" .. pick("provinces") .. "'") .. "&$select=Id,Year,RawValue,Lower,Upper" end,
  function() return "/odata/Targets?$skip=" .. math.random(0, math.max(0, tonumber(lists.count[1]) - 100)) .. "&$top=100" end,
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", templates[(i % #templates) + 1]())
end
