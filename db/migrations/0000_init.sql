CREATE TABLE `chunks` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bus` text NOT NULL,
	`first_ts_us` integer NOT NULL,
	`last_ts_us` integer NOT NULL,
	`frame_count` integer NOT NULL,
	`raw_bytes` integer NOT NULL,
	`stored_bytes` integer NOT NULL,
	`codec` integer NOT NULL,
	`state` integer NOT NULL,
	`created_at_ms` integer NOT NULL,
	`acked_at_ms` integer,
	`payload` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chunks_state_seq` ON `chunks` (`state`,`seq`);--> statement-breakpoint
CREATE INDEX `chunks_first_ts` ON `chunks` (`first_ts_us`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `source_progress` (
	`source` text PRIMARY KEY NOT NULL,
	`resume_offset` integer NOT NULL,
	`resume_ordinal` integer NOT NULL,
	`resume_line` integer NOT NULL,
	`bus_ordinals` text NOT NULL,
	`updated_at_ms` integer NOT NULL
);
