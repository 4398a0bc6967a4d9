-- The payments of each invoice in the order they were accepted, ids in byte
-- order (COLLATE "C", the order Go sorts strings in), with what listing the
-- charges per invoice reads: that listing scans the first invoices of this
-- index only and stops at its limit, instead of sorting the whole table.
CREATE INDEX payments_by_invoice ON payments (invoice_id COLLATE "C", seq) INCLUDE (value_minor, currency);
