-- wrk script: POST /api/v1/search at 5 km, cycling through a few realistic requests.
local bodies = {
  '{"level":"5km","criteria":[{"criterion":"dist_station_km","max":10},{"criterion":"density","min":10,"max":150,"importance":"preferred","weight":3}]}',
  '{"level":"5km","criteria":[{"criterion":"dist_hospital_km","max":20},{"criterion":"dist_town_10k_km","max":15},{"criterion":"unemployment_pct","max":10,"importance":"preferred"}]}',
  '{"level":"5km","territory":{"departements":["46","19"]},"criteria":[{"criterion":"density","max":60},{"criterion":"dist_major_station_km","max":60,"importance":"preferred","weight":2}]}',
  '{"level":"5km","criteria":[{"criterion":"dist_city_200k_km","min":40,"max":120},{"criterion":"pop_change_pct","min":0},{"criterion":"dist_station_km","max":15,"importance":"preferred","weight":5}]}',
}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  return wrk.format(nil, "/api/v1/search", nil, bodies[(counter % #bodies) + 1])
end
