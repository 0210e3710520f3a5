-- The green tiles of each saved search, as the matching index reads them at start
-- (src/matching): re-running a million searches at every start would take hours, reading
-- their stored tiles takes seconds. `tiles` is the run-length text of matching/tile_runs.hpp.
-- A row is the search's version `request_updated_at` (saved_searches.updated_at) on the
-- grid built at `grid_built_at` (the grid header's built_at); when either differs, the
-- tiles are computed again from the request.
CREATE TABLE saved_search_tiles (
  search_id BIGINT PRIMARY KEY REFERENCES saved_searches (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tiles TEXT NOT NULL,
  tile_count BIGINT NOT NULL,
  request_updated_at BIGINT NOT NULL,
  grid_built_at BIGINT NOT NULL,
  computed_at BIGINT NOT NULL
);
CREATE INDEX saved_search_tiles_user_idx ON saved_search_tiles (user_id);
