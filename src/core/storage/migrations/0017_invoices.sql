-- Invoices (domain/invoices, docs/BILLING.md "Invoices"): invoices and credit notes numbered
-- in one unbroken sequence, their lines, the payments received, the reminders sent, and the
-- buyers' billing details (SIRET, Chorus Pro code service and numéro d'engagement).

-- The contract's price a month, HT, in cents (domain/subscriptions writes it): the schedule
-- of its invoices is billing::BuildSchedule over it. NULL on a contract recorded before this
-- column: such a contract is not invoiced until it is set.
ALTER TABLE contracts ADD COLUMN monthly_ht_cents BIGINT;

-- The one counter of invoice numbers. Issuing an invoice increments it (UPDATE … RETURNING)
-- in the transaction that inserts the invoice, so the row lock orders concurrent issuers,
-- and a rollback (or a process killed mid-way) gives the number back: no gap, no reuse.
CREATE TABLE invoice_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT NOT NULL
);
INSERT INTO invoice_counter (id, last_sequence) VALUES (1, 0);

-- An invoice or a credit note (avoir), never edited once issued: only its payment status
-- changes. The buyer's and seller's mentions are copied at issue, as the document shows them.
-- Amounts are integer cents, positive on a credit note too (its kind says it is a credit).
-- No foreign key to partners: invoices are kept ten years whatever happens to the partner.
CREATE TABLE invoices (
  id {{id}},
  sequence BIGINT NOT NULL UNIQUE,     -- 1, 2, 3… across every invoice and credit note
  number TEXT NOT NULL UNIQUE,         -- "F-2027-000001": the issue year, then the sequence
  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  partner_id BIGINT NOT NULL,
  contract_id BIGINT,
  instalment_index INTEGER,            -- the contract's schedule entry (0-based) it invoices
  credited_invoice_id BIGINT REFERENCES invoices (id),
  issue_date TEXT NOT NULL,            -- AAAA-MM-JJ
  due_date TEXT NOT NULL,              -- AAAA-MM-JJ, issue + 30 days
  period_first TEXT,
  period_last TEXT,
  label TEXT NOT NULL,
  total_ht_cents BIGINT NOT NULL,
  tva_percent INTEGER NOT NULL,
  tva_cents BIGINT NOT NULL,
  total_ttc_cents BIGINT NOT NULL,
  buyer_name TEXT NOT NULL,
  buyer_address TEXT NOT NULL,
  buyer_siret TEXT NOT NULL,
  buyer_code_service TEXT NOT NULL,
  buyer_engagement TEXT NOT NULL,
  seller_json TEXT NOT NULL,           -- the seller's legal mentions at issue
  status TEXT NOT NULL CHECK (status IN ('issued', 'paid', 'credited')),
  paid_at BIGINT,
  created_at BIGINT NOT NULL
);
-- One invoice per schedule instalment (NULLs, as on credit notes, never collide).
CREATE UNIQUE INDEX invoices_instalment_idx ON invoices (contract_id, instalment_index);
CREATE INDEX invoices_partner_idx ON invoices (partner_id, issue_date);
CREATE INDEX invoices_due_idx ON invoices (status, due_date);

CREATE TABLE invoice_lines (
  invoice_id BIGINT NOT NULL REFERENCES invoices (id),
  line_no INTEGER NOT NULL,            -- 1, 2…
  label TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_ht_cents BIGINT NOT NULL,
  total_ht_cents BIGINT NOT NULL,
  period_first TEXT,
  period_last TEXT,
  PRIMARY KEY (invoice_id, line_no)
);

-- Payments received (recorded by operators): transfers of the public treasury, cheques…
CREATE TABLE invoice_payments (
  id {{id}},
  invoice_id BIGINT NOT NULL REFERENCES invoices (id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  paid_on TEXT NOT NULL,               -- AAAA-MM-JJ
  method TEXT NOT NULL CHECK (method IN ('transfer', 'cheque', 'card', 'other')),
  reference TEXT NOT NULL,
  recorded_by BIGINT,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX invoice_payments_invoice_idx ON invoice_payments (invoice_id);

-- The reminders sent for an overdue invoice, by rank (1: the day after the due date…).
CREATE TABLE invoice_reminders (
  invoice_id BIGINT NOT NULL REFERENCES invoices (id),
  reminder_rank INTEGER NOT NULL,
  sent_on TEXT NOT NULL,
  queued_at BIGINT NOT NULL,
  PRIMARY KEY (invoice_id, reminder_rank)
);

-- What a partner's invoices must carry (public buyers: Chorus Pro) and where they go.
CREATE TABLE partner_billing_details (
  partner_id BIGINT PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  legal_name TEXT NOT NULL,            -- empty: the partner's name
  address TEXT NOT NULL,
  siret TEXT NOT NULL,
  code_service TEXT NOT NULL,          -- Chorus Pro "code service" (BT-10)
  engagement_number TEXT NOT NULL,     -- Chorus Pro "numéro d'engagement" (BT-13)
  billing_email TEXT NOT NULL,         -- invoices and reminders
  updated_at BIGINT NOT NULL
);
