import type { Migration } from './migration.js';

/**
 * The first schema: `streams` (current version per stream), `events` (the log,
 * ordered for the feed by `(transaction_id, global_position)`) and the
 * `append_events` function that performs a whole append in one call.
 *
 * Event data and metadata are stored as JSON text (`text`), not `jsonb`:
 * `jsonb` rejects `\u0000` in strings and does not keep the text as written, and
 * the store must read back exactly what was appended.
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'streams, events and append_events',
  sql: (s) => `
CREATE TABLE ${s}.streams (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL CHECK (version > 0)
);

CREATE TABLE ${s}.events (
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  category text NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data text NOT NULL,
  metadata text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, version)
);

CREATE INDEX events_type_feed_idx ON ${s}.events (type, transaction_id, global_position);
CREATE INDEX events_category_feed_idx ON ${s}.events (category, transaction_id, global_position);

-- One append, in one call and one transaction (see docs/postgres.md):
-- 1. refuse to run after the transaction already wrote (it would have an older xid);
-- 2. lock the stream with a transaction-level advisory lock, which assigns no xid,
--    so every later writer of the stream gets a larger xid and the feed shows the
--    stream in version order;
-- 3. when the caller gave event ids, return those already stored (the caller
--    decides: idempotent retry or conflict) and write nothing;
-- 4. check the expected version (-1 any, -2 stream exists, n exact) against the
--    version read under the lock; on mismatch return it and write nothing;
-- 5. insert the events and set the stream's version.
CREATE FUNCTION ${s}.append_events(
  p_stream_id text,
  p_category text,
  p_expected bigint,
  p_ids uuid[],
  p_types text[],
  p_data text[],
  p_metadata text[],
  p_lookup_ids uuid[]
) RETURNS TABLE (
  o_status text,
  o_actual bigint,
  o_event_id uuid,
  o_stream_id text,
  o_version bigint,
  o_transaction_id xid8,
  o_global_position bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
  v_first boolean;
  v_actual bigint;
  v_count bigint := cardinality(p_ids);
BEGIN
  -- Few statements on purpose: each statement of a function takes a snapshot,
  -- which costs under concurrency. The check and the lock go together.
  SELECT pg_current_xact_id_if_assigned() IS NULL INTO v_first
    FROM (SELECT pg_advisory_xact_lock(hashtextextended(p_stream_id, 0))) AS l;
  IF NOT v_first THEN
    RAISE EXCEPTION 'eventfold: append_events must be the first write of its transaction'
      USING ERRCODE = 'EFA01';
  END IF;
  -- A new statement, so a new snapshot: it sees the commit of any writer the lock waited for.
  SELECT coalesce((SELECT s.version FROM ${s}.streams s WHERE s.stream_id = p_stream_id), 0)
    INTO v_actual;
  o_actual := v_actual;
  IF p_lookup_ids IS NOT NULL THEN
    RETURN QUERY
      SELECT 'existing'::text, v_actual, e.event_id, e.stream_id, e.version, e.transaction_id, e.global_position
      FROM ${s}.events e WHERE e.event_id = ANY (p_lookup_ids);
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  IF NOT (p_expected = -1 OR (p_expected = -2 AND v_actual > 0) OR v_actual = p_expected) THEN
    o_status := 'conflict';
    RETURN NEXT;
    RETURN;
  END IF;
  WITH inserted AS (
    INSERT INTO ${s}.events (stream_id, version, category, event_id, type, data, metadata)
      SELECT p_stream_id, v_actual + u.n, p_category, u.id, u.type, u.data, u.metadata
      FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u (id, type, data, metadata, n)
      ORDER BY u.n
      RETURNING transaction_id, global_position
  ), stream AS (
    INSERT INTO ${s}.streams AS s (stream_id, version) VALUES (p_stream_id, v_actual + v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version
  )
  SELECT i.transaction_id, i.global_position INTO o_transaction_id, o_global_position
    FROM inserted i ORDER BY i.global_position DESC LIMIT 1;
  o_status := 'ok';
  o_stream_id := p_stream_id;
  o_version := v_actual + v_count;
  RETURN NEXT;
END;
$fn$;
`,
};
