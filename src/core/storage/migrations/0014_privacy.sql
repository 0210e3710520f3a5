-- Personal data: what account deletion leaves behind on purpose, and what retention
-- needs (docs/SECURITY.md, "Retention" and "Deleting an account").

-- Deleted accounts, so that every server process drops the person from its in-memory
-- matching index (accounts/deletion_log.hpp). Only the former id: nothing else of the
-- person remains to link it to. Purged after a week by the nightly run.
CREATE TABLE account_deletions (
  id {{id}},
  user_id BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL
);
CREATE INDEX account_deletions_time_idx ON account_deletions (deleted_at);

-- Proof of the consents of a deleted account (RGPD art. 7(1): the controller must be able
-- to show that a disclosure to a partner was consented). The history is kept without
-- identity: `subject` is an HMAC-SHA-256 of the former e-mail address under the server
-- secret, which only lets us find the proof again when the person (or an authority)
-- names the address. Purged five years after the deletion (limitation period, art. 2224
-- of the Code civil).
CREATE TABLE consent_proofs (
  id {{id}},
  subject TEXT NOT NULL,
  scope TEXT NOT NULL,
  granted INTEGER NOT NULL,
  recorded_at BIGINT NOT NULL,
  erased_at BIGINT NOT NULL
);
CREATE INDEX consent_proofs_subject_idx ON consent_proofs (subject);
CREATE INDEX consent_proofs_erased_idx ON consent_proofs (erased_at);

-- Retention of mail (mail/outbox.hpp): when a finished message's address, bodies and
-- headers were blanked; the row stays for its idempotency key.
ALTER TABLE mail_outbox ADD COLUMN purged_at BIGINT;
-- Account deletion finds the mail of an address.
CREATE INDEX mail_outbox_to_idx ON mail_outbox (to_address);
