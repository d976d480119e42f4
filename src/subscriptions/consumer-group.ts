import { InvalidOptionError } from '../core/errors.js';
import { checkOption } from '../core/options.js';

/**
 * Membership of a consumer group: `members` instances share the work of one
 * subscription name, each taking the streams whose {@link groupMemberOf} is its
 * `member` number (0-based), with its own checkpoint and lease
 * (named by {@link groupMemberName}).
 *
 * @example
 * ```ts
 * subscribe(store, { name: 'mailer', group: { members: 3, member: 1 }, storage, handler });
 * ```
 */
export interface ConsumerGroupOptions {
  /** How many members the group has (at least 1). Keep it fixed: changing it reassigns streams. */
  readonly members: number;
  /** This member's number, from 0 to `members - 1`. */
  readonly member: number;
}

/**
 * The name a consumer-group member's checkpoint, lease and dead letters are kept under.
 *
 * @example
 * ```ts
 * groupMemberName('mailer', { members: 3, member: 1 }); // 'mailer[1/3]'
 * ```
 */
export function groupMemberName(name: string, group: ConsumerGroupOptions): string {
  return `${name}[${group.member}/${group.members}]`;
}

/**
 * Every name a subscription's state is kept under: its own name, or with a
 * group of `members`, each member's name.
 *
 * @example
 * ```ts
 * subscriptionNames('mailer', 2); // ['mailer[0/2]', 'mailer[1/2]']
 * ```
 */
export function subscriptionNames(name: string, members?: number): string[] {
  if (members === undefined) return [name];
  return Array.from({ length: members }, (_, member) => groupMemberName(name, { members, member }));
}

/** Checks the `group` option; throws an `InvalidOptionError` naming `group.members` or `group.member`. */
export function checkGroup(group: unknown): asserts group is ConsumerGroupOptions | undefined {
  checkOption.object('group', group);
  if (group === undefined) return;
  if (typeof group === 'object' && group !== null && 'partitions' in group) {
    throw new InvalidOptionError(
      'group',
      group,
      'a fixed group { members, member } here: a rebalancing group { partitions } runs through subscribe or startProjection',
    );
  }
  const { members, member } = group as Partial<ConsumerGroupOptions>;
  checkOption.integer('group.members', members, 1);
  if (members === undefined)
    throw new InvalidOptionError('group.members', members, 'an integer ≥ 1');
  checkOption.integer('group.member', member, 0, members - 1);
  if (member === undefined) {
    throw new InvalidOptionError('group.member', member, `an integer from 0 to ${members - 1}`);
  }
}
