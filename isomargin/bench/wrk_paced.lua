-- wrk script: wrk_feed.lua's pre-signed requests, paced: each connection waits the number of
-- milliseconds given as the second argument before each request, so C connections send about
-- C * 1000 / wait requests per second (a steady rate, not wrk's usual "as fast as possible").
local feed = loadfile(os.getenv("ISOMARGIN_WRK_FEED"))
feed()
local wait_ms = 0
local feed_init = init

function init(args)
  feed_init(args)
  wait_ms = tonumber(args[2])
end

function delay()
  return wait_ms
end
