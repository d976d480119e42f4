import type { Migration } from './migration.js';

/**
 * Event versions: `events.schema_version`, the version of its definition
 * each event's data was appended at (NULL means 1, so existing events and
 * events of unversioned definitions cost nothing; reads through a registry
 * upcast older versions, stored bytes are never rewritten), and
 * `commit_events` with one more per-event array, `p_schema_versions`. The
 * function of migration 3 (22 arguments) stays: a process of the previous
 * release still running against the upgraded schema keeps appending through
 * it, its events stored with a NULL version, which is what it writes.
 */
export const eventSchemaVersionsMigration: Migration = {
  version: 4,
  name: 'event schema versions',
  sql: (s) => `
ALTER TABLE ${s}.events ADD COLUMN schema_version int;

-- As in migration 3, plus p_schema_versions (one per event, NULL for version 1) stored in events.schema_version.
CREATE OR REPLACE FUNCTION ${s}.commit_events(
  p_lock_texts text[],
  p_lock_seeds int[],
  p_lock_exclusive boolean[],
  p_lock_table boolean,
  p_streams text[],
  p_entry_unit int[],
  p_entry_slot int[],
  p_entry_category text[],
  p_entry_expected bigint[],
  p_entry_count bigint[],
  p_lookup_ids uuid[],
  p_items jsonb,
  p_dep_unit int[],
  p_dep_on int[],
  p_ids uuid[],
  p_event_entry int[],
  p_event_offset bigint[],
  p_types text[],
  p_data text[],
  p_metadata text[],
  p_tag_event int[],
  p_tags text[],
  p_schema_versions int[]
) RETURNS TABLE (
  o_kind text,
  o_index int,
  o_status text,
  o_actual bigint,
  o_event_id uuid,
  o_stream_id text,
  o_version bigint,
  o_transaction_id xid8,
  o_global_position bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
  v_versions bigint[];
  v_running bigint[];
  v_hits int[] := '{}';
  v_found boolean := false;
  v_units int := coalesce(p_entry_unit[cardinality(p_entry_unit)], 0);
  v_entries int := cardinality(p_entry_unit);
  v_deps int := coalesce(cardinality(p_dep_unit), 0);
  v_base bigint[] := array_fill(NULL::bigint, ARRAY[cardinality(p_entry_unit)]);
  v_ok boolean[] := array_fill(false, ARRAY[coalesce(p_entry_unit[cardinality(p_entry_unit)], 0)]);
  v_any boolean := false;
  v_first int;
  v_failed int;
  v_failed_actual bigint;
  v_blocked boolean;
  v_actual bigint;
  v_expected bigint;
  e int := 1;
  d int := 1;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'eventfold: commit_events must be the first write of its transaction'
      USING ERRCODE = 'EFA01';
  END IF;
  -- One statement takes every lock, in key order, each once in its strongest mode.
  PERFORM count(*) FROM (
    SELECT CASE WHEN k.x THEN pg_advisory_xact_lock(k.key)::text
                ELSE pg_advisory_xact_lock_shared(k.key)::text END
    FROM (
      SELECT hashtextextended(t.txt, t.seed) AS key, bool_or(t.x) AS x
      FROM unnest(p_lock_texts, p_lock_seeds, p_lock_exclusive) AS t (txt, seed, x)
      GROUP BY 1 ORDER BY 1
    ) k
  ) l;
  IF p_lock_table THEN
    LOCK TABLE ${s}.events IN SHARE ROW EXCLUSIVE MODE;
  END IF;
  -- A new statement, so a new snapshot: every commit the locks waited for is seen.
  -- One index lookup per stream (a join would be planned as a scan of every stream);
  -- a single stream, the common case, has a plan of its own (less to plan).
  IF cardinality(p_streams) = 1 THEN
    v_versions := ARRAY[coalesce((SELECT st.version FROM ${s}.streams st WHERE st.stream_id = p_streams[1]), 0)];
  ELSE
    SELECT ARRAY(SELECT coalesce((SELECT st.version FROM ${s}.streams st WHERE st.stream_id = u.id), 0)
                 FROM unnest(p_streams) WITH ORDINALITY AS u (id, n) ORDER BY u.n)
      INTO v_versions;
  END IF;
  -- Stored ids and conditions in statements of their own, run only when needed.
  IF p_lookup_ids IS NOT NULL THEN
    SELECT EXISTS (SELECT 1 FROM ${s}.events ev WHERE ev.event_id = ANY (p_lookup_ids)) INTO v_found;
  END IF;
  IF p_items IS NOT NULL THEN
    SELECT
      ARRAY(SELECT DISTINCT (i->>'u')::int FROM jsonb_array_elements(coalesce(p_items, '[]')) AS i
            WHERE CASE
              WHEN jsonb_array_length(i->'tg') > 0 THEN EXISTS (
                SELECT 1 FROM ${s}.event_tags t
                JOIN ${s}.events ev ON ev.transaction_id = t.transaction_id AND ev.global_position = t.global_position
                WHERE t.tag = i->'tg'->>0
                  AND (t.transaction_id, t.global_position) > ((i->>'x')::xid8, (i->>'p')::bigint)
                  AND ev.tags @> ARRAY(SELECT jsonb_array_elements_text(i->'tg'))
                  AND (jsonb_typeof(i->'ty') <> 'array' OR (i->'ty') ? ev.type))
              WHEN jsonb_typeof(i->'ty') = 'array' THEN EXISTS (
                SELECT 1 FROM ${s}.events ev
                WHERE ev.type = ANY (ARRAY(SELECT jsonb_array_elements_text(i->'ty')))
                  AND (ev.transaction_id, ev.global_position) > ((i->>'x')::xid8, (i->>'p')::bigint))
              ELSE EXISTS (
                SELECT 1 FROM ${s}.events ev
                WHERE (ev.transaction_id, ev.global_position) > ((i->>'x')::xid8, (i->>'p')::bigint))
            END)
    INTO v_hits;
  END IF;
  IF v_found THEN
    RETURN QUERY
      SELECT 'existing'::text, NULL::int, NULL::text, NULL::bigint, ev.event_id, ev.stream_id, ev.version,
             ev.transaction_id, ev.global_position
      FROM ${s}.events ev WHERE ev.event_id = ANY (p_lookup_ids);
    FOR i IN 1..v_entries LOOP
      o_kind := 'entry'; o_index := i; o_status := 'existing';
      o_actual := v_versions[p_entry_slot[i]];
      RETURN NEXT;
    END LOOP;
    RETURN;
  END IF;
  -- Decide the units in order, without statements (each would take a snapshot).
  v_running := v_versions;
  FOR u IN 1..v_units LOOP
    v_blocked := u = ANY (v_hits);
    WHILE d <= v_deps AND p_dep_unit[d] <= u LOOP
      IF p_dep_unit[d] = u AND v_ok[p_dep_on[d]] THEN v_blocked := true; END IF;
      d := d + 1;
    END LOOP;
    v_first := e;
    v_failed := 0;
    WHILE e <= v_entries AND p_entry_unit[e] = u LOOP
      v_actual := v_running[p_entry_slot[e]];
      v_expected := p_entry_expected[e];
      IF v_failed = 0 AND NOT (v_expected = -1 OR (v_expected = -2 AND v_actual > 0) OR v_actual = v_expected) THEN
        v_failed := e;
        v_failed_actual := v_actual;
      END IF;
      e := e + 1;
    END LOOP;
    o_kind := 'unit'; o_index := u;
    IF v_failed > 0 THEN
      o_status := 'conflict'; o_version := v_failed; o_actual := v_failed_actual;
    ELSIF v_blocked THEN
      o_status := 'condition'; o_version := NULL; o_actual := NULL;
    ELSE
      o_status := 'ok'; o_version := NULL; o_actual := NULL;
      v_ok[u] := true;
      v_any := true;
      FOR i IN v_first..e - 1 LOOP
        v_base[i] := v_running[p_entry_slot[i]];
        v_running[p_entry_slot[i]] := v_running[p_entry_slot[i]] + p_entry_count[i];
      END LOOP;
    END IF;
    RETURN NEXT;
  END LOOP;
  IF NOT v_any THEN
    RETURN;
  END IF;
  -- Without tags, a statement without the tag parts (less to plan).
  IF cardinality(p_tags) = 0 THEN
    RETURN QUERY
    WITH ev AS (
      SELECT u.n, u.id, u.entry, u.type, u.data, u.metadata, u.sv, v_base[u.entry] + u.off AS version,
             u.off = p_entry_count[u.entry] AS last
      FROM unnest(p_ids, p_event_entry, p_event_offset, p_types, p_data, p_metadata, p_schema_versions)
        WITH ORDINALITY AS u (id, entry, off, type, data, metadata, sv, n)
      WHERE v_base[u.entry] IS NOT NULL
    ), ins AS (
      INSERT INTO ${s}.events (stream_id, version, category, event_id, type, data, metadata, tags, schema_version)
        SELECT p_streams[p_entry_slot[ev.entry]], ev.version, p_entry_category[ev.entry], ev.id,
               ev.type, ev.data, ev.metadata, NULL, ev.sv
        FROM ev
        ORDER BY ev.n
        RETURNING event_id, stream_id, version, transaction_id, global_position
    ), stream AS (
      INSERT INTO ${s}.streams AS st (stream_id, version)
        SELECT p_streams[k], v_running[k] FROM generate_subscripts(p_streams, 1) AS k
        WHERE v_running[k] <> v_versions[k]
        ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version
    )
    SELECT 'entry'::text, ev.entry, 'ok'::text, NULL::bigint, NULL::uuid, i.stream_id, i.version,
           i.transaction_id, i.global_position
    FROM ins i JOIN ev ON ev.id = i.event_id
    WHERE ev.last;
  ELSE
    RETURN QUERY
    WITH ev AS (
      SELECT u.n, u.id, u.entry, u.type, u.data, u.metadata, u.sv, v_base[u.entry] + u.off AS version,
             u.off = p_entry_count[u.entry] AS last
      FROM unnest(p_ids, p_event_entry, p_event_offset, p_types, p_data, p_metadata, p_schema_versions)
        WITH ORDINALITY AS u (id, entry, off, type, data, metadata, sv, n)
      WHERE v_base[u.entry] IS NOT NULL
    ), tg AS (
      SELECT t.ev, array_agg(t.tag ORDER BY t.k) AS tags
      FROM unnest(p_tag_event, p_tags) WITH ORDINALITY AS t (ev, tag, k)
      GROUP BY t.ev
    ), ins AS (
      INSERT INTO ${s}.events (stream_id, version, category, event_id, type, data, metadata, tags, schema_version)
        SELECT p_streams[p_entry_slot[ev.entry]], ev.version, p_entry_category[ev.entry], ev.id,
               ev.type, ev.data, ev.metadata, tg.tags, ev.sv
        FROM ev LEFT JOIN tg ON tg.ev = ev.n
        ORDER BY ev.n
        RETURNING event_id, stream_id, version, transaction_id, global_position
    ), tagged AS (
      INSERT INTO ${s}.event_tags (tag, transaction_id, global_position)
        SELECT t.tag, i.transaction_id, i.global_position
        FROM unnest(p_tag_event, p_tags) AS t (ev, tag)
        JOIN ev ON ev.n = t.ev
        JOIN ins i ON i.event_id = ev.id
    ), stream AS (
      INSERT INTO ${s}.streams AS st (stream_id, version)
        SELECT p_streams[k], v_running[k] FROM generate_subscripts(p_streams, 1) AS k
        WHERE v_running[k] <> v_versions[k]
        ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version
    )
    SELECT 'entry'::text, ev.entry, 'ok'::text, NULL::bigint, NULL::uuid, i.stream_id, i.version,
           i.transaction_id, i.global_position
    FROM ins i JOIN ev ON ev.id = i.event_id
    WHERE ev.last;
  END IF;
END;
$fn$;
`,
};
