-- Every accepted payment. A payment sent with an idempotency key is
-- recorded once per key (NULL keys do not collide).
CREATE TABLE payments (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text        UNIQUE,
    invoice_id      text        NOT NULL,
    value_minor     bigint      NOT NULL CHECK (value_minor > 0),
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    accepted_at     timestamptz NOT NULL DEFAULT now()
);
