-- The records leads derive from (src/leads/lead_rules.hpp states the rules).
--
-- search_versions: every version of a saved search as it was saved (or re-evaluated when
-- a partner's territory changed), with its number of green tiles. The latest row of a
-- search is the version in force; earlier rows stay for the partners' counts over time.
-- Deleting a search deletes its versions (the person withdrew it).
CREATE TABLE search_versions (
  id {{id}},
  search_id BIGINT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  level TEXT NOT NULL,
  green_tiles BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX search_versions_search_idx ON search_versions (search_id, id);

-- search_territory_hits: for one version, the green tiles it has in a partner's territory
-- (only partners with at least one), and the territory's communes overlapping those tiles
-- (INSEE codes separated by spaces).
CREATE TABLE search_territory_hits (
  version_id BIGINT NOT NULL REFERENCES search_versions (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  green_tiles BIGINT NOT NULL,
  communes TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  PRIMARY KEY (version_id, partner_id)
);
CREATE INDEX search_territory_hits_partner_idx ON search_territory_hits (partner_id, user_id);

-- partner_clicks: each tile click attributed to each partner owning the tile, with the
-- territory's communes overlapping it. user_id is null for an anonymous click (aggregate
-- statistics only); `linked` marks the copy of an anonymous click sent again after login.
CREATE TABLE partner_clicks (
  click_id BIGINT NOT NULL REFERENCES tile_clicks (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  tile TEXT NOT NULL,
  communes TEXT NOT NULL,
  linked INTEGER NOT NULL DEFAULT 0,
  clicked_at BIGINT NOT NULL,
  PRIMARY KEY (click_id, partner_id)
);
CREATE INDEX partner_clicks_partner_idx ON partner_clicks (partner_id, user_id);
