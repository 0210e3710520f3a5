-- The leads of one person, read through their own rows: the skills alerts' in-memory index
-- (src/domain/skills/live_skill_index.hpp) reloads a person after each of their changes
-- and asks which partners they are a contact or prospect of (LeadStore::PartnersOfPerson).
CREATE INDEX partner_clicks_user_idx ON partner_clicks (user_id, clicked_at);
CREATE INDEX search_versions_user_idx ON search_versions (user_id, recorded_at);
