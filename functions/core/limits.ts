// Bounds and defaults that the functions' config and the CDK context both check, defined once.

/**
 * The most orders one source page may hold, the one bound for PAGE_SIZE, the CLI, the connectors and the fake:
 * the reference orders API's `limit` maximum (docs/source-contract.md "GET /orders"). The Shopify connector keeps to it as well.
 */
export const PAGE_SIZE_MAX = 250;
export const PAGE_SIZE_DEFAULT = 250;

/**
 * The most pages one execution may sync before continuing as new. A page costs about 7 history events (task
 * entered/scheduled/started/succeeded/exited, choice entered/exited) plus 3 per retry: 1,000 pages with a retry on
 * every other page stays near 8,500 events, far under the 25,000-event limit of a Standard execution.
 */
export const MAX_PAGES_PER_EXECUTION_LIMIT = 1_000;
export const MAX_PAGES_PER_EXECUTION_DEFAULT = 500;

/**
 * A page step's Lambda timeout (seconds). A step of a stopped execution may still run (and write) this long after the
 * execution ended: its lease is taken over only then (core/lease.ts).
 */
export const PAGE_STEP_TIMEOUT_SECONDS = 60;

export const OVERLAP_SECONDS_DEFAULT = 300;

/** How many times in a row a full resync that failed on a transient error is resumed by the schedule by itself. */
export const FULL_RESYNC_AUTO_RESUMES_DEFAULT = 3;
export const FULL_RESYNC_AUTO_RESUMES_MAX = 100;
export const LEASE_SECONDS_DEFAULT = 900;
/** The periodic deep lookback (docs/design.md "Deep lookback"): how far it reaches back before the watermark, and how often. */
export const LOOKBACK_SECONDS_DEFAULT = 86_400;
export const LOOKBACK_EVERY_SECONDS_DEFAULT = 3_600;
/** Both lookback settings at most 30 days. */
export const LOOKBACK_SECONDS_MAX = 30 * 86_400;

/** The most ids one existence check may ask about: `GET /orders?ids=` takes 1..250 (docs/source-contract.md). */
export const EXISTING_IDS_MAX = 250;
