-- The site a person signed up on (option 2, a partner's own site): its host name, lower
-- case, as configured in partner_sites; empty for the main site. One account base serves
-- every site; this records only where the account began.
ALTER TABLE users ADD COLUMN signup_host TEXT NOT NULL DEFAULT '';
