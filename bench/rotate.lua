-- wrk script: rotates over the API keys given after `--` (one request
-- built in Lua per request: slower for wrk, so bench.py uses it only when a
-- scenario has several keys), and reports like bench/report.lua.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "report.lua")

local keys = {}
local counter = 0

function init(args)
  for i, value in ipairs(args) do keys[i] = value end
  counter = math.random(1, 1000)
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, { ["X-API-KEY"] = keys[(counter % #keys) + 1] })
end
