-- Partners (collectivités) with their territories, staff and API keys; the listings they
-- and the national sources publish; the files they import. Timestamps are epoch seconds;
-- dates of validity are ISO 'YYYY-MM-DD' text, which compares in calendar order.

CREATE TABLE partners (
  id {{id}},
  kind TEXT NOT NULL CHECK (kind IN ('commune', 'epci', 'departement', 'grouping')),
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  -- Subscribed options, comma-separated among barometer, territory_site, skills.
  options TEXT NOT NULL DEFAULT '',
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The codes a partner's territory is made of; a commune belongs to the territory when it
-- is named, or is a member of a named EPCI, or lies in a named département.
CREATE TABLE partner_territory (
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  code_kind TEXT NOT NULL CHECK (code_kind IN ('commune', 'epci', 'departement')),
  code TEXT NOT NULL,
  PRIMARY KEY (partner_id, code_kind, code)
);

-- Members of a grouping (e.g. a Petites Villes de Demain association).
CREATE TABLE partner_members (
  grouping_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  member_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  PRIMARY KEY (grouping_id, member_id)
);

CREATE TABLE partner_staff (
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (partner_id, user_id)
);
CREATE INDEX partner_staff_user_idx ON partner_staff (user_id);

-- API keys are known by the SHA-256 of the secret; `prefix` is the public start of the
-- key, shown in lists so that staff can tell keys apart.
CREATE TABLE api_keys (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  label TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_keys_partner_idx ON api_keys (partner_id);

-- A listing is owned by a source: "partner:<id>" for a partner's own listings, or a
-- national source ("france-travail"). (source_key, external_id) identifies a listing
-- across imports, which makes bulk upserts idempotent; content_hash tells whether an
-- upsert changes anything.
CREATE TABLE listings (
  id {{id}},
  source_key TEXT NOT NULL,
  partner_id BIGINT REFERENCES partners (id) ON DELETE CASCADE,
  external_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('housing', 'job', 'business', 'leisure', 'poi', 'cv')),
  status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- Where: the commune, the point and how precisely it is known ('exact' from
  -- coordinates; 'commune' or 'postcode' when placed at the commune's centre).
  commune_code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  location_precision TEXT NOT NULL CHECK (location_precision IN ('exact', 'commune', 'postcode')),
  tile_1km TEXT NOT NULL,
  tile_5km TEXT NOT NULL,
  valid_from TEXT,
  valid_until TEXT,
  -- The kind's own fields and the common optional ones (contact, pictures, url), as JSON.
  details TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  withdrawn_at BIGINT
);
CREATE UNIQUE INDEX listings_external_idx ON listings (source_key, external_id);
CREATE INDEX listings_partner_idx ON listings (partner_id, kind, status);
CREATE INDEX listings_tile_1km_idx ON listings (tile_1km);
CREATE INDEX listings_tile_5km_idx ON listings (tile_5km);
CREATE INDEX listings_commune_idx ON listings (commune_code);

-- Files imported by a partner (or a national source), with what they did or would do.
CREATE TABLE listing_imports (
  id {{id}},
  partner_id BIGINT REFERENCES partners (id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_format TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('all_or_nothing', 'valid_rows')),
  dry_run INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected', 'dry_run')),
  rows_total INTEGER NOT NULL,
  created_count INTEGER NOT NULL,
  updated_count INTEGER NOT NULL,
  unchanged_count INTEGER NOT NULL,
  rejected_count INTEGER NOT NULL,
  report TEXT NOT NULL,
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX listing_imports_partner_idx ON listing_imports (partner_id, created_at);
