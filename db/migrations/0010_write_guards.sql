CREATE TABLE `write_guards` (
	`failed` text,
	CONSTRAINT "write_guards_never_hold_a_row" CHECK("write_guards"."failed" IS NULL)
);
