-- wrk script: a mixed workload of the public site (bench/cluster_load.sh), cycling through
-- 5 km and 1 km searches (POST), the search page, the home page, listing pages and the
-- départements' outlines (a large gzip-able JSON). With WRK_GET_ONLY=1 (set through the
-- environment), only the GETs: what nginx may retry on another node.
-- Writes, when bench/cluster_load.sh hands what they need through the environment:
--   WRK_LOGIN_COOKIE, WRK_LOGIN_CSRF, WRK_LOGIN_EMAILS (comma-separated), WRK_PASSWORD:
--     sign-ins (POST /compte/connexion, argon2id: about 125 ms of CPU each), 2 % of the
--     requests, the demo accounts in turn; the CSRF pair is an anonymous browser's
--     (stateless, any node checks it);
--   WRK_API_KEY: partner API writes (POST /api/v1/partner/listings, a write key), 4 % of
--     the requests, upserting 20 listings of the partner by external_id in turn.
-- Per 50 requests: 15 searches at 5 km, 5 at 1 km, 1 sign-in, 2 partner writes, the rest
-- GETs (the slots of absent writes are GETs too).
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

local login_cookie = os.getenv("WRK_LOGIN_COOKIE")
local login_csrf = os.getenv("WRK_LOGIN_CSRF")
local password = os.getenv("WRK_PASSWORD")
local emails = {}
for email in string.gmatch(os.getenv("WRK_LOGIN_EMAILS") or "", "[^,]+") do
  emails[#emails + 1] = email
end
local logins = not get_only and login_cookie and login_csrf and password and #emails > 0
local api_key = os.getenv("WRK_API_KEY")
local writes = not get_only and api_key and api_key ~= ""

local function form_value(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local counter = 0
request = function()
  counter = counter + 1
  local slot = counter % 50
  if not get_only and slot < 15 then
    return wrk.format("POST", "/api/v1/search", { ["Content-Type"] = "application/json" },
                      searches_5km[(counter % #searches_5km) + 1])
  elseif not get_only and slot < 20 then
    return wrk.format("POST", "/api/v1/search", { ["Content-Type"] = "application/json" },
                      searches_1km[1])
  elseif logins and slot == 20 then
    local email = emails[(math.floor(counter / 50) % #emails) + 1]
    return wrk.format("POST", "/compte/connexion",
                      { ["Content-Type"] = "application/x-www-form-urlencoded",
                        ["Cookie"] = login_cookie },
                      "_csrf=" .. form_value(login_csrf) .. "&email=" .. form_value(email) ..
                      "&password=" .. form_value(password))
  elseif writes and (slot == 21 or slot == 22) then
    local id = (counter % 20) + 1
    local body = string.format(
      '{"kind":"housing","external_id":"bench-%d","title":"Maison de test %d","commune_code":"46042",' ..
      '"transaction":"vente","property_type":"house","rooms":"4","surface_m2":"112","price_eur":"%d"}',
      id, id, 150000 + counter % 1000)
    return wrk.format("POST", "/api/v1/partner/listings",
                      { ["Content-Type"] = "application/json",
                        ["Authorization"] = "Bearer " .. api_key }, body)
  end
  return wrk.format("GET", gets[(counter % #gets) + 1], { ["Accept-Encoding"] = "gzip" })
end
