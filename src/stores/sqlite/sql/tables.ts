/** The table holding every event; `position` (the rowid) is the global feed order. */
export const EVENTS_TABLE = 'eventfold_events';
/** One row per tag of an event, keyed `(tag, position)`: queries by tag. */
export const EVENT_TAGS_TABLE = 'eventfold_event_tags';
/** The ledger of the event schema's migrations: one row per applied migration. */
export const MIGRATIONS_TABLE = 'eventfold_migrations';

/** Unique index of `(stream_id, version)`: stream reads and versions. */
export const STREAM_VERSION_INDEX = `${EVENTS_TABLE}_stream_version`;
/** Unique index of `event_id`: store-wide unique ids, idempotency lookups. */
export const EVENT_ID_INDEX = `${EVENTS_TABLE}_event_id`;
/** Index of `type` (so of `(type, position)`): the feed by event type. */
export const TYPE_INDEX = `${EVENTS_TABLE}_type`;
/** Index of `category` (so of `(category, position)`): the feed by category. */
export const CATEGORY_INDEX = `${EVENTS_TABLE}_category`;

/** Subscription checkpoints: one row per subscription name. */
export const CHECKPOINTS_TABLE = 'eventfold_checkpoints';
/** Parked events (dead letters): one row per subscription and event. */
export const DEAD_LETTERS_TABLE = 'eventfold_dead_letters';
/** Subscription leases: one row per subscription name, with its holder and expiry. */
export const LEASES_TABLE = 'eventfold_leases';
/** Live members of rebalancing consumer groups: one row per group and member (schema version 8). */
export const GROUP_MEMBERS_TABLE = 'eventfold_group_members';

/** Aggregate snapshots: one row per stream (created when a `SqliteSnapshotStore` first opens the file). */
export const SNAPSHOTS_TABLE = 'eventfold_snapshots';
/** The ledger of the snapshot table's migrations: one row holding its version. */
export const SNAPSHOTS_SCHEMA_TABLE = 'eventfold_snapshots_schema';

/** Crypto-shredding data keys: one row per subject (created when a `SqliteKeyStore` first opens the file). */
export const PERSONAL_KEYS_TABLE = 'eventfold_personal_keys';
/** Which streams hold personal data of each subject: one row per subject and stream. */
export const PERSONAL_STREAMS_TABLE = 'eventfold_personal_streams';
/** The ledger of the key tables' migrations: one row holding their version. */
export const PERSONAL_KEYS_SCHEMA_TABLE = 'eventfold_personal_keys_schema';

/** The deletion state of streams: soft deletes, truncations, tombstones (schema version 6). */
export const STREAM_STATES_TABLE = 'eventfold_stream_states';

/** Documents of document projections: one row per collection and id (created on first use of document collections). */
export const DOCUMENTS_TABLE = 'eventfold_documents';
/** The ledger of the document table's migrations: one row holding its version. */
export const DOCUMENTS_SCHEMA_TABLE = 'eventfold_documents_schema';
