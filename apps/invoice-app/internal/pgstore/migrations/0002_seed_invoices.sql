-- The three invoices the service has always started with (invoice.Seed).
-- A migration runs once per database, so they are inserted once, whatever
-- the number of replicas starting at the same time.
INSERT INTO invoices (id, value_minor, currency) VALUES
    ('I1', 1215, 'EUR'),
    ('I2', 1025, 'GBP'),
    ('I3', 6613, 'DKK');
