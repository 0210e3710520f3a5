-- Compatibility of each person with each partner territory (domain/compatibility): from
-- their saved searches, the best one's share of required criteria met by the territory's
-- best tile, and its margin (docs/SKILLS.md, "Compatibility of a person with a territory"). Written once
-- per (person, partner) when the person's searches change; rewritten for everyone when the
-- grid or the partners' territories change (`basis` in compatibility_state). Goes with the
-- account and with the partner.
CREATE TABLE territory_compatibility (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  search_id BIGINT NOT NULL,
  criteria_met INTEGER NOT NULL,
  criteria_total INTEGER NOT NULL,
  best_tile TEXT NOT NULL,
  margin DOUBLE PRECISION NOT NULL,
  green_tiles BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, partner_id)
);
CREATE INDEX territory_compatibility_partner_idx ON territory_compatibility (partner_id);

-- What the rows were computed against: the grid's build and the partners' territories.
CREATE TABLE compatibility_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  basis TEXT NOT NULL,
  refreshed_at BIGINT NOT NULL
);
