import { DatabaseError, EventfoldError } from '../../core/errors.js';

/**
 * A replicated JetStream stream (`replicas` above 1) on a server whose optimistic
 * concurrency checks are not race-free on replicated streams (before 2.9.21),
 * refused unless `allowUnsafeReplicatedConcurrency` is set.
 */
export class UnsafeReplicationError extends EventfoldError {
  static override readonly code: string = 'UNSAFE_REPLICATION';
  /** The server's version, as it announced it. */
  readonly serverVersion: string;

  constructor(serverVersion: string, replicas: number) {
    super(
      `NATS server ${serverVersion} does not check expected sequences race-free on replicated streams (fixed in 2.9.21): refusing replicas: ${replicas} (use replicas: 1, upgrade the server, or pass allowUnsafeReplicatedConcurrency: true)`,
    );
    this.serverVersion = serverVersion;
  }
}

/** Error names of the NATS client that mean the connection, not the request, failed. */
const CONNECTION_ERRORS = new Set([
  'TimeoutError',
  'ClosedConnectionError',
  'ConnectionError',
  'NoRespondersError',
  'RequestError',
  'DrainingConnectionError',
  // A cluster answers so while the node holding the stream is down: unavailable, not refused.
  'JetStreamNotEnabled',
]);

/** Wraps a failure of the NATS client in a `DatabaseError` (`connectionLost` when the connection or a reply timed out). */
export function natsError(action: string, cause: unknown): Error {
  if (EventfoldError.is(cause)) return cause;
  const name = cause instanceof Error ? cause.constructor.name : '';
  const errorName = cause instanceof Error ? cause.name : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DatabaseError(`NATS: ${action} failed: ${message}`, {
    cause,
    connectionLost:
      CONNECTION_ERRORS.has(name) ||
      CONNECTION_ERRORS.has(errorName) ||
      /timeout|closed|disconnect/i.test(message),
  });
}
