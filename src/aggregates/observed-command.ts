import { ConcurrencyError, EventIdConflictError } from '../core/errors.js';
import type { EventfoldLogger } from '../core/logger.js';
import type { Telemetry } from '../core/telemetry.js';

/** The span of a handled command. */
export const COMMAND_SPAN = 'eventfold.command';

/** What a {@link observeCommand} span says of the command. */
interface CommandFacts {
  readonly aggregateType: string;
  readonly id: string;
  readonly command: unknown;
  readonly maxRetries: number;
}

/**
 * Runs a command in an `eventfold.command` span: its loads and append are
 * children of it, and so (through the trace context the append stores in the
 * events' metadata) are the subscriptions' batches that handle its events.
 *
 * @internal
 */
export function observeCommand<R extends { readonly attempts: number; readonly version: number }>(
  telemetry: Telemetry,
  facts: CommandFacts,
  handle: () => Promise<R>,
): Promise<R> {
  const attributes = {
    'eventfold.aggregate.type': facts.aggregateType,
    'eventfold.aggregate.id': facts.id,
    'eventfold.command.type': commandTypeOf(facts.command),
  };
  return telemetry.span(COMMAND_SPAN, attributes, async (span) => {
    try {
      const result = await handle();
      span.setAttributes({
        'eventfold.command.retries': result.attempts - 1,
        'eventfold.stream.version': result.version,
      });
      return result;
    } catch (error) {
      if (ConcurrencyError.is(error) && !EventIdConflictError.is(error))
        span.setAttributes({ 'eventfold.command.retries': facts.maxRetries });
      throw error;
    }
  });
}

/** A command's `type` when it has a string one (a discriminated union), else its class name. */
function commandTypeOf(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null) return undefined;
  const type = (command as { type?: unknown }).type;
  if (typeof type === 'string') return type;
  const name = (command as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? name : undefined;
}

/**
 * Logs a retry after a concurrency conflict (`info`), or the conflict that
 * ended the retries (`warn`). A throwing logger is ignored.
 *
 * @internal
 */
export function logConflict(
  logger: EventfoldLogger | undefined,
  fields: { aggregateType: string; id: string; retry: number; delayMs?: number; err: unknown },
  final: boolean,
): void {
  if (logger === undefined) return;
  try {
    if (final) logger.warn(fields, `command gave up after ${fields.retry - 1} retries`);
    else logger.info?.(fields, 'command retried after a concurrency conflict');
  } catch {
    // A failing logger must not fail the command.
  }
}
