-- The territory platform (option 2): a partner's own site, answering on host names the
-- operators configure (src/domain/partners/partner_sites.hpp). One row per host name; a
-- partner may have several (with and without "www.", say). The look and texts are the
-- partner's; the site shows them only while the partner holds option 2.
CREATE TABLE partner_sites (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  -- Lower case, without port: "vivraubassindevie.fr".
  host TEXT NOT NULL UNIQUE,
  -- Shown in the header and titles; the partner's name when empty.
  site_name TEXT NOT NULL DEFAULT '',
  -- "#RRGGBB".
  primary_colour TEXT NOT NULL DEFAULT '#2e7d32',
  accent_colour TEXT NOT NULL DEFAULT '#f9a825',
  -- An https:// or site-relative address of the logo; none when empty.
  logo_url TEXT NOT NULL DEFAULT '',
  introduction TEXT NOT NULL DEFAULT '',
  legal_text TEXT NOT NULL DEFAULT '',
  -- How far around the territory the site's search reaches, in km (0–50).
  margin_km INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partner_sites_partner_idx ON partner_sites (partner_id);
