-- Quotes (domain/quotes): the public "Bon pour demande de devis" requests that operators
-- answer, and the numbered quotes (devis) made for a partner, which the partner's
-- administrator accepts on line (docs/BILLING.md, "Quotes").

-- A request sent from the public price simulator (/tarifs). Operators answer within 3 days.
CREATE TABLE quote_requests (
  id {{id}},
  organisation TEXT NOT NULL,
  kind TEXT NOT NULL,            -- commune | epci | departement
  contact_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '',      -- "1,2" as typed
  pvd_members TEXT NOT NULL DEFAULT '',  -- "4" or "1=4,3=2"; empty: no PVD
  months INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  -- The person agreed to be contacted about this request (RGPD): required to send it.
  consent INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  answered_at BIGINT,
  answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX quote_requests_waiting_idx ON quote_requests (answered_at, created_at);

-- The last number given each year: numbers "D-2027-0001" follow one another without gap,
-- allocated in the transaction that inserts the quote.
CREATE TABLE quote_numbers (
  year INTEGER PRIMARY KEY,
  last_number INTEGER NOT NULL
);

CREATE TABLE quotes (
  id {{id}},
  number TEXT NOT NULL UNIQUE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  -- The request as typed (billing::QuoteRequestText): lines and schedule are computed
  -- again from it, by the same pure function, whenever the quote is shown.
  kind TEXT NOT NULL,
  start_date TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '',
  pvd_members TEXT NOT NULL DEFAULT '',
  months INTEGER NOT NULL,
  service_start TEXT NOT NULL,
  monthly_ht BIGINT NOT NULL,    -- cents
  total_ht BIGINT NOT NULL,      -- cents
  valid_until TEXT NOT NULL,     -- AAAA-MM-JJ, last day it may be accepted
  status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'withdrawn', 'expired')),
  -- An amendment (avenant) adds options to this contract until its end.
  amendment_of BIGINT REFERENCES contracts (id) ON DELETE CASCADE,
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  -- The proof of the on-line acceptance ("Bon pour accord").
  accepted_at BIGINT,
  accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  accepted_name TEXT,
  accepted_ip TEXT,
  contract_id BIGINT REFERENCES contracts (id) ON DELETE SET NULL
);
CREATE INDEX quotes_partner_idx ON quotes (partner_id, created_at);
