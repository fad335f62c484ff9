-- Version 1 of every existing agreement's terms: what it was signed (or proposed) with, in force
-- from its activation (or creation while proposed). Later versions are the controller's amendments.
INSERT INTO `agreement_terms` (`agreement_id`, `version`, `authorisation`, `notice_days`, `third_country_transfers`, `effective_at`, `reason`, `decision_id`, `amended_by_key`, `created_at`)
SELECT `id`, 1, `authorisation`, `notice_days`, `third_country_transfers`, coalesce(`activated_at`, `created_at`), NULL, NULL, NULL, `created_at` FROM `agreements`;
