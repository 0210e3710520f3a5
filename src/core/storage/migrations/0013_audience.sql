-- Audience figures without tracking (src/audience): page views counted per day, page and
-- source, nothing per visitor. Owned by audience::AudienceStore.
--   day     'YYYY-MM-DD' in Europe/Paris
--   page    the route pattern ("/annonces/{id}"), never a raw path with ids
--   source  the referring site's host ("lemonde.fr"), "direct", "moteur de recherche"
--           (search engines grouped) or "interne" (a page of the site itself)
CREATE TABLE audience_daily (
  day TEXT NOT NULL,
  page TEXT NOT NULL,
  source TEXT NOT NULL,
  views BIGINT NOT NULL,
  PRIMARY KEY (day, page, source)
);
