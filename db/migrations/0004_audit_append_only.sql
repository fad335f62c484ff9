-- The audit trail is append-only: the database itself refuses to change or remove a record.
CREATE TRIGGER `audit_records_no_update` BEFORE UPDATE ON `audit_records`
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_records_no_delete` BEFORE DELETE ON `audit_records`
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
