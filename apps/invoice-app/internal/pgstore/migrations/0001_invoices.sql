-- Invoices and their payment claims. A claim (claim_token, claim_expires_at)
-- gives one pay run the right to call payment-provider for the invoice; a
-- claim whose time ran out (its replica died) may be taken over.
CREATE TABLE invoices (
    seq              integer GENERATED ALWAYS AS IDENTITY UNIQUE,
    id               text        PRIMARY KEY,
    value_minor      bigint      NOT NULL CHECK (value_minor > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    paid_at          timestamptz,
    -- The idempotency key payment-provider sees for every attempt to pay
    -- this invoice, from any replica.
    payment_key      text        NOT NULL UNIQUE DEFAULT gen_random_uuid()::text,
    claim_token      text,
    claim_expires_at timestamptz,
    CHECK ((claim_token IS NULL) = (claim_expires_at IS NULL))
);

-- The pay runs look for unpaid invoices only.
CREATE INDEX invoices_unpaid ON invoices (seq) WHERE paid_at IS NULL;
