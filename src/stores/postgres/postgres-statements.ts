import { quoteSchema } from './schema-name.js';
import { commitEventsSql } from './sql/commit-events.js';
import { feedHealthSql } from './sql/feed-health.js';
import { headSql } from './sql/feed-statistics.js';
import { readAllSql } from './sql/read-all.js';
import { getVersionSql, readStreamSql } from './sql/read-stream.js';

/** The SQL of one schema's operations, with the names under which `pg` prepares them. */
export interface Statements {
  /** The schema name, quoted. */
  readonly quotedSchema: string;
  readonly commit: string;
  readonly commitName: string;
  readonly readForward: string;
  readonly readForwardName: string;
  readonly readBackward: string;
  readonly readBackwardName: string;
  readonly readAll: string;
  readonly readAllName: string;
  readonly getVersion: string;
  readonly getVersionName: string;
  readonly feedHealth: string;
  /** The last visible event's position parts. */
  readonly head: string;
}

const cache = new Map<string, Statements>();

/**
 * The statements of a schema, built once. Prepared-statement names include
 * the schema, so stores of several schemas can share one pool.
 */
export function statementsFor(schema: string): Statements {
  let statements = cache.get(schema);
  if (statements === undefined) {
    const s = quoteSchema(schema);
    const name = (op: string) => `eventfold_${op}_${schema}`;
    statements = {
      quotedSchema: s,
      commit: commitEventsSql(s),
      commitName: name('commit'),
      readForward: readStreamSql(s, false),
      readForwardName: name('read_fwd'),
      readBackward: readStreamSql(s, true),
      readBackwardName: name('read_bwd'),
      readAll: readAllSql(s),
      readAllName: name('feed'),
      getVersion: getVersionSql(s),
      getVersionName: name('version'),
      feedHealth: feedHealthSql(s),
      head: headSql(s),
    };
    cache.set(schema, statements);
  }
  return statements;
}
