-- What people showed interest in: their named searches and the tiles they opened.
-- A saved search keeps its request (the JSON of POST /api/v1/search, normalised); leads
-- (contacts) derive from its latest version. A tile click makes its author a prospect of
-- the partners owning the tile (engine/territory.hpp). An anonymous click is stored
-- without any identifier (it counts in aggregate statistics only); the browser keeps it
-- for the tab's lifetime and sends it again once the person logs in or signs up: that copy
-- carries the user and `linked` = 1 (aggregates skip it, so nothing is counted twice).
CREATE TABLE saved_searches (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  request TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX saved_searches_user_idx ON saved_searches (user_id);

CREATE TABLE tile_clicks (
  id {{id}},
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  tile TEXT NOT NULL,
  linked INTEGER NOT NULL DEFAULT 0,
  clicked_at BIGINT NOT NULL
);
CREATE INDEX tile_clicks_user_idx ON tile_clicks (user_id, clicked_at);
CREATE INDEX tile_clicks_tile_idx ON tile_clicks (tile);
