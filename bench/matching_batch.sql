-- The matching benchmark's batch as ONE SQL query (bench/README.md, "Matching listings to
-- people"), run as it is by DuckDB (duckdb/run_matching.mjs) and PostgreSQL
-- (postgresql_matching.sh) on the tables of the generator's CSV files.
--
-- Rule 1 (WHERE): the listing's 1 km or 5 km tile is a favourite or clicked tile, its
-- commune a favourite commune, or its 1 km tile lies in a run of a saved search's row.
-- Rule 2 (WHAT), KEEP IN STEP with FitsWishes in src/matching/fit_rules.cpp: kinds 0
-- housing, 1 job, 2 business, 3 leisure (listings::Kind); wanted-kind bits 1, 2, 4, 8;
-- tenure 0 any, 1 buy, 2 rent; property type 0 any. An unstated listing value is NULL,
-- so a condition on it is NULL and the pair is dropped: "nothing is assumed".
WITH places AS (
  SELECT l.listing_id, t.user_id FROM listings l JOIN person_tiles t ON t.tile = l.tile1
  UNION ALL
  SELECT l.listing_id, t.user_id FROM listings l JOIN person_tiles t ON t.tile = l.tile5
  UNION ALL
  SELECT l.listing_id, c.user_id FROM listings l JOIN person_communes c ON c.commune = l.commune
  UNION ALL
  SELECT l.listing_id, r.user_id FROM listings l JOIN search_runs r
    ON r.north = l.north AND l.east BETWEEN r.east_lo AND r.east_hi
), candidates AS (SELECT DISTINCT listing_id, user_id FROM places)
SELECT c.listing_id, c.user_id
FROM candidates c JOIN listings l ON l.listing_id = c.listing_id JOIN persons p ON p.user_id = c.user_id
WHERE (
  (l.kind = 0 AND (p.kinds & 1) <> 0
     AND (p.tenure = 0 OR (p.tenure = 1 AND l.is_rent = 0) OR (p.tenure = 2 AND l.is_rent = 1))
     AND (p.property_type = 0 OR p.property_type = l.property_type)
     AND (p.rooms_min IS NULL OR l.rooms >= p.rooms_min)
     AND (p.surface_min IS NULL OR l.surface >= p.surface_min)
     AND (p.price_max IS NULL OR l.price <= p.price_max))
  OR (l.kind = 1 AND (p.kinds & 2) <> 0
     AND (p.skill_count = 0
          OR EXISTS (SELECT 1 FROM person_skills s WHERE s.user_id = p.user_id AND s.rome = l.rome)))
  OR (l.kind = 2 AND (p.kinds & 4) <> 0
     AND (p.business_sector IS NULL OR p.business_sector = l.sector)
     AND (p.business_budget IS NULL OR l.price <= p.business_budget))
  OR (l.kind = 3 AND (p.kinds & 8) <> 0))
ORDER BY c.listing_id, c.user_id
