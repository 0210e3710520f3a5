-- The goals a partner sets on the three axes of its action (issue #21, the proposal's
-- « économie de production, touristique, résidentielle »). Owned by axes::AxisGoalStore.
--   axis    'production', 'tourism' or 'residential'
--   metric  'listings' (listings online of the axis's kinds) or 'told' (people told of them
--           in the last 90 days)
--   target  the number aimed at, 1 or more; no row = no goal
CREATE TABLE axis_goals (
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  axis TEXT NOT NULL CHECK (axis IN ('production', 'tourism', 'residential')),
  metric TEXT NOT NULL CHECK (metric IN ('listings', 'told')),
  target BIGINT NOT NULL CHECK (target >= 1),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (partner_id, axis, metric)
);
