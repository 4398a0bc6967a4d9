-- Every invoice's payment key is well formed: what payment-provider takes as
-- an Idempotency-Key (A-Z a-z 0-9 . _ : -), 16 to 128 characters (a random
-- UUID, the default, has 36). An empty key used to be sent as no key at
-- all, which the provider pays every time; a malformed one is refused by
-- the provider. A row holding either gets a fresh random key first: no
-- payment was ever recorded under the old one (none was sent with it, or
-- the provider refused it), so the new key loses nothing the provider
-- could have answered from, and the next attempt is idempotent at last.
UPDATE invoices SET payment_key = gen_random_uuid()::text
WHERE payment_key !~ '\A[A-Za-z0-9._:-]{16,128}\Z';

ALTER TABLE invoices ADD CONSTRAINT invoices_payment_key_format
    CHECK (payment_key ~ '\A[A-Za-z0-9._:-]{16,128}\Z');
