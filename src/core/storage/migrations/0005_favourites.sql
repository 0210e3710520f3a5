-- A person's favourite sectors ("secteurs favoris"): tiles (1 km or 5 km) or communes they
-- marked; they feed notifications (new listings there) and count as interest for leads.
CREATE TABLE favourites (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('tile', 'commune')),
  code TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, kind, code)
);
