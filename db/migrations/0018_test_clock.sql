CREATE TABLE `test_clock` (
	`id` integer PRIMARY KEY NOT NULL,
	`now` integer NOT NULL,
	CONSTRAINT "test_clock_one_row" CHECK("test_clock"."id" = 1)
);
