-- The barometer's demand (src/domain/demand, issue #20): every search the engine answers,
-- recorded without any person — no user, no session, no IP — and what it gave each
-- partner territory. Owned by demand::DemandStore.
--
-- demand_searches: one row per answered search.
--   hour     epoch seconds of the start of the UTC hour it was answered in (no finer time)
--   level    '1km' | '5km'
--   request  the constraints and territory filter as JSON, in the search API's format
--            ({"level","territory","criteria":[{"criterion","min","max","importance",
--            "weight"}]}), never the page asked for
--   places   a person's own places (issue #23), kept only as their 5 km tile, distance,
--            importance and weight ([{"tile","max_km","importance","weight"}], '[]' for none)
--   demo     1 for the generated demonstration demand (always said on the pages)
CREATE TABLE demand_searches (
  id {{id}},
  hour BIGINT NOT NULL,
  level TEXT NOT NULL,
  request TEXT NOT NULL,
  places TEXT NOT NULL DEFAULT '[]',
  demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX demand_searches_hour_idx ON demand_searches (hour);

-- demand_outcomes: per search, the partner territories it turned green (green_tiles > 0)
-- or that one criterion alone kept from turning green (then demand_blockers says which).
CREATE TABLE demand_outcomes (
  search_id BIGINT NOT NULL REFERENCES demand_searches (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL,
  hour BIGINT NOT NULL,
  green_tiles BIGINT NOT NULL,
  PRIMARY KEY (search_id, partner_id)
);
CREATE INDEX demand_outcomes_partner_idx ON demand_outcomes (partner_id, hour);

-- demand_blockers: for a search that left a territory without green tile, each criterion
-- whose dropping alone would have made some of its tiles green (engine/territory_outcome):
-- how many tiles, and the bound that admits the nearest one (needed_min or needed_max;
-- both null when those tiles lack a value).
CREATE TABLE demand_blockers (
  search_id BIGINT NOT NULL REFERENCES demand_searches (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL,
  hour BIGINT NOT NULL,
  criterion TEXT NOT NULL,
  tiles BIGINT NOT NULL,
  needed_min DOUBLE PRECISION,
  needed_max DOUBLE PRECISION,
  PRIMARY KEY (search_id, partner_id, criterion)
);
CREATE INDEX demand_blockers_partner_idx ON demand_blockers (partner_id, hour);

-- demand_daily: the aggregates kept five years, per partner, Paris day and criterion.
--   criterion ''  searches = searches that could reach the territory, green = those that
--                 turned it green, blocked = 0
--   criterion c   searches = those of them requiring c, green = those also turning it
--                 green, blocked = those that c alone kept from turning it green
CREATE TABLE demand_daily (
  partner_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  criterion TEXT NOT NULL,
  demo INTEGER NOT NULL,
  searches BIGINT NOT NULL,
  green BIGINT NOT NULL,
  blocked BIGINT NOT NULL,
  PRIMARY KEY (partner_id, day, criterion, demo)
);

-- barometer_events: communication events a partner's staff marked (a day and a label, e.g.
-- "reportage France 3"); the barometer shows the demand around each.
CREATE TABLE barometer_events (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX barometer_events_partner_idx ON barometer_events (partner_id, day);
