ALTER TABLE `audit_records` ADD `personal_digest` text;--> statement-breakpoint
ALTER TABLE `audit_records` ADD `personal_salt` text;--> statement-breakpoint
-- still append-only, with one exception: retention may erase a record's personal data (client IP,
-- the person's name and address, and the salt of their digest), which its hash does not cover
DROP TRIGGER `audit_records_no_update`;
--> statement-breakpoint
CREATE TRIGGER `audit_records_no_update` BEFORE UPDATE ON `audit_records`
WHEN NOT (
  OLD.personal_digest IS NOT NULL
  AND NEW.client_ip IS NULL AND NEW.user_name IS NULL AND NEW.user_email IS NULL AND NEW.personal_salt IS NULL
  AND NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_type IS OLD.actor_type
  AND NEW.organisation_id IS OLD.organisation_id AND NEW.key_id IS OLD.key_id AND NEW.key_prefix IS OLD.key_prefix
  AND NEW.action IS OLD.action AND NEW.resource_type IS OLD.resource_type AND NEW.resource_id IS OLD.resource_id
  AND NEW.agreement_id IS OLD.agreement_id AND NEW.processor_id IS OLD.processor_id AND NEW.controller_id IS OLD.controller_id
  AND NEW.request_id IS OLD.request_id AND NEW.outcome IS OLD.outcome AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
  AND NEW.user_id IS OLD.user_id AND NEW.detail IS OLD.detail AND NEW.personal_digest IS OLD.personal_digest
)
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
