-- Employers and their relocation projects (issue #23, domain/relocation, docs/RELOCATION.md).
--
-- An employer is a company known by its SIRET (checked with its Luhn key before it is
-- stored); its staff are accounts, with a role, as a partner's are.
CREATE TABLE employers (
  id {{id}},
  name TEXT NOT NULL,
  siret TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

CREATE TABLE employer_staff (
  employer_id BIGINT NOT NULL REFERENCES employers (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (employer_id, user_id)
);
CREATE INDEX employer_staff_user_idx ON employer_staff (user_id);

-- A project: the new site (placed as listings are) and whether partners whose territory
-- appears in the answer may see the project as a lead (share_with_partners, 0/1).
CREATE TABLE relocation_projects (
  id {{id}},
  employer_id BIGINT NOT NULL REFERENCES employers (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  share_with_partners INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX relocation_projects_employer_idx ON relocation_projects (employer_id);

-- The team members: invited by e-mail (the link's token is kept as its SHA-256), joined
-- when a signed-in account opens the link, then their private answer (a search request's
-- normalised JSON) and whether they share it with the employer (share_answers, 0/1).
-- Deleting the account deletes the member's row, answer included.
CREATE TABLE relocation_members (
  id {{id}},
  project_id BIGINT NOT NULL REFERENCES relocation_projects (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  answer TEXT,
  share_answers INTEGER NOT NULL DEFAULT 0,
  invited_at BIGINT NOT NULL,
  joined_at BIGINT,
  answered_at BIGINT,
  UNIQUE (project_id, email)
);
CREATE INDEX relocation_members_user_idx ON relocation_members (user_id);
