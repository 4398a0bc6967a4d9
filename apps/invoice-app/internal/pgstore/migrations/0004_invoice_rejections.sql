-- An invoice payment-provider refused as malformed (400: an id outside its
-- character set, too long): it can never be paid, so it is marked with the
-- provider's reason instead of being tried again by every pay run.
ALTER TABLE invoices
    ADD COLUMN rejected_at timestamptz,
    ADD COLUMN rejection   text,
    ADD CONSTRAINT invoices_rejection_reason CHECK ((rejected_at IS NULL) = (rejection IS NULL)),
    ADD CONSTRAINT invoices_paid_or_rejected CHECK (paid_at IS NULL OR rejected_at IS NULL);
