-- A person's saved properties ("biens mis en mémoire"): a housing listing they saved, or a
-- point they placed (a click on a map, typed coordinates, or a commune / postcode placed at
-- its centre as listings are). The point is copied from the listing so that the page keeps
-- working once the listing is withdrawn. Everything goes with the account.
CREATE TABLE saved_properties (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  listing_id BIGINT REFERENCES listings (id) ON DELETE SET NULL,
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  commune_code TEXT NOT NULL,
  placement TEXT NOT NULL CHECK (placement IN ('exact', 'commune', 'postcode')),
  address TEXT NOT NULL DEFAULT '',
  radius_km INTEGER NOT NULL CHECK (radius_km BETWEEN 2 AND 50),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (user_id, listing_id)
);
CREATE INDEX saved_properties_user_idx ON saved_properties (user_id, created_at);

-- The listings around a point are read by latitude band (ListingFilter::within).
CREATE INDEX listings_position_idx ON listings (latitude, longitude);
