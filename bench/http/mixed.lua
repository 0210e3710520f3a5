-- wrk script: a mixed workload of the public site (bench/cluster_load.sh), cycling through
-- 5 km and 1 km searches (POST), the search page, the home page, listing pages and the
-- départements' outlines (a large gzip-able JSON). With WRK_GET_ONLY=1 (set through the
-- environment), only the GETs: what nginx may retry on another node.
local searches_5km = {
  '{"level":"5km","criteria":[{"criterion":"dist_station_km","max":10},{"criterion":"density","min":10,"max":150,"importance":"preferred","weight":3}]}',
  '{"level":"5km","criteria":[{"criterion":"dist_hospital_km","max":20},{"criterion":"dist_town_10k_km","max":15},{"criterion":"unemployment_pct","max":10,"importance":"preferred"}]}',
}
local searches_1km = {
  '{"level":"1km","territory":{"departements":["46"]},"criteria":[{"criterion":"density","max":60},{"criterion":"dist_station_km","max":15,"importance":"preferred","weight":2}]}',
}
local gets = { "/", "/recherche", "/annonces/1", "/annonces/2", "/annonces/3",
               "/api/v1/map/outlines/departements.geojson", "/api/v1/criteria" }
local get_only = os.getenv("WRK_GET_ONLY") == "1"
local counter = 0
request = function()
  counter = counter + 1
  local slot = counter % 10
  if not get_only and slot < 3 then
    return wrk.format("POST", "/api/v1/search", { ["Content-Type"] = "application/json" },
                      searches_5km[(counter % #searches_5km) + 1])
  elseif not get_only and slot == 3 then
    return wrk.format("POST", "/api/v1/search", { ["Content-Type"] = "application/json" },
                      searches_1km[1])
  end
  return wrk.format("GET", gets[(counter % #gets) + 1], { ["Accept-Encoding"] = "gzip" })
end
