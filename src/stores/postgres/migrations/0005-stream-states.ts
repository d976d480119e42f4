import { eventSchemaVersionsMigration } from './0004-event-schema-versions.js';
import type { Migration } from './migration.js';

/** Replaces `from` by `to` in `text`, which must hold it exactly once. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1)
    throw new Error(`migration 5: the text to replace is not found exactly once: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/**
 * `commit_events` of migration 4 with deleted streams: after the version
 * lookup, one more statement reads each stream's visible version (0 after a
 * soft delete not written since; -1 for a tombstone) under the stream locks
 * the deleter also takes, so an append either commits before a hard delete or
 * sees its tombstone. Expected versions are checked against the visible
 * version; numbering goes on from the stored one; a unit touching a
 * tombstoned stream gets the status `'deleted'` (its failing entry in
 * `o_version`) and writes nothing.
 */
function commitEventsWithStates(s: string): string {
  const base = eventSchemaVersionsMigration.sql(s);
  let fn = base.slice(base.indexOf('CREATE OR REPLACE FUNCTION'));
  fn = edit(
    fn,
    '  v_running bigint[];\n',
    '  v_running bigint[];\n  v_visible bigint[];\n  v_dead int;\n',
  );
  fn = edit(
    fn,
    '  -- Stored ids and conditions in statements of their own, run only when needed.\n',
    `  -- The visible versions (0: soft-deleted, not written since; -1: tombstoned), under the locks.
  SELECT ARRAY(SELECT coalesce((SELECT CASE WHEN st.hard THEN -1
                                            WHEN st.deleted_version >= st.version THEN 0
                                            ELSE st.version END
                                FROM ${s}.streams st WHERE st.stream_id = u.id), 0)
               FROM unnest(p_streams) WITH ORDINALITY AS u (id, n) ORDER BY u.n)
    INTO v_visible;
  -- Stored ids and conditions in statements of their own, run only when needed.
`,
  );
  fn = edit(fn, '    v_failed := 0;\n', '    v_failed := 0;\n    v_dead := 0;\n');
  fn = edit(
    fn,
    '      v_actual := v_running[p_entry_slot[e]];\n',
    `      v_actual := CASE WHEN v_running[p_entry_slot[e]] <> v_versions[p_entry_slot[e]]
                       THEN v_running[p_entry_slot[e]] ELSE v_visible[p_entry_slot[e]] END;
      IF v_actual < 0 AND v_dead = 0 THEN v_dead := e; END IF;
`,
  );
  fn = edit(
    fn,
    '    IF v_failed > 0 THEN\n',
    `    IF v_dead > 0 THEN
      o_status := 'deleted'; o_version := v_dead; o_actual := NULL;
    ELSIF v_failed > 0 THEN
`,
  );
  return fn;
}

/**
 * Deleted and truncated streams: `streams.deleted_version` (the last version
 * at the latest soft delete, hidden from then on), `streams.truncate_before`
 * (the first version reads return) and `streams.hard` (a tombstone; a
 * stream tombstoned or truncated before any event has a row at version 0), and
 * `commit_events` checking them (same arguments, replaced in place).
 */
export const streamStatesMigration: Migration = {
  version: 5,
  name: 'stream states',
  sql: (s) => `
ALTER TABLE ${s}.streams
  ADD COLUMN deleted_version bigint,
  ADD COLUMN truncate_before bigint,
  ADD COLUMN hard boolean NOT NULL DEFAULT false,
  DROP CONSTRAINT streams_version_check,
  ADD CONSTRAINT streams_version_check CHECK (version >= 0);

${commitEventsWithStates(s)}`,
};
