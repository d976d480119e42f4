import { describe, expect, it } from 'vitest';
import { EventfoldError, InvalidOptionError } from '../../src/index.js';
import {
  atomicBatchAvailable,
  checkReplicatedStreamSupport,
  compareNatsServerVersions,
  natsServerVersionAtLeast,
  NatsServerVersionError,
  parseNatsServerVersion,
  REPLICATED_STREAM_MIN_VERSION,
  syncAlwaysAvailable,
} from '../../src/stores/nats/nats-server-version.js';
import { UnsafeReplicationError } from '../../src/stores/nats/index.js';

describe('parseNatsServerVersion', () => {
  it('reads releases, a leading v, pre-releases and build metadata', () => {
    expect(parseNatsServerVersion('2.9.10')).toEqual({
      major: 2,
      minor: 9,
      patch: 10,
      prerelease: undefined,
    });
    expect(parseNatsServerVersion('v2.11.3')).toMatchObject({ major: 2, minor: 11, patch: 3 });
    expect(parseNatsServerVersion('2.10.0-beta.5')).toEqual({
      major: 2,
      minor: 10,
      patch: 0,
      prerelease: 'beta.5',
    });
    expect(parseNatsServerVersion(' 2.12.1+abc ')).toMatchObject({
      patch: 1,
      prerelease: undefined,
    });
  });

  it.each(['', '2', '2.9', 'two', '2.9.x', '2.9.10.1', '-2.9.10', '2.9.10-'])(
    'refuses %j with a NatsServerVersionError',
    (version) => {
      let caught: unknown;
      try {
        parseNatsServerVersion(version);
      } catch (error) {
        caught = error;
      }
      expect(NatsServerVersionError.is(caught)).toBe(true);
      expect(EventfoldError.is(caught)).toBe(true);
      const error = caught as NatsServerVersionError;
      expect(error.code).toBe('NATS_SERVER_VERSION');
      expect(error.serverVersion).toBe(version);
      expect(error.message).toContain('Cannot read the nats-server version');
    },
  );

  it('refuses a value that is not a string', () => {
    expect(() => parseNatsServerVersion(undefined as unknown as string)).toThrow(
      NatsServerVersionError,
    );
  });
});

describe('compareNatsServerVersions', () => {
  it('orders by number, not by text', () => {
    expect(compareNatsServerVersions('2.9.10', '2.9.9')).toBe(1);
    expect(compareNatsServerVersions('2.9.10', '2.10.0')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0', '2.10.0')).toBe(0);
    expect(compareNatsServerVersions('v2.10.0', '2.10.0')).toBe(0);
    expect(compareNatsServerVersions('3.0.0', '2.99.99')).toBe(1);
  });

  it('puts a pre-release before its release, and orders pre-releases as semver does', () => {
    expect(compareNatsServerVersions('2.10.0-beta.5', '2.10.0')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0', '2.10.0-RC.1')).toBe(1);
    expect(compareNatsServerVersions('2.10.0-beta.5', '2.10.0-beta.10')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0-beta', '2.10.0-beta.1')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0-RC.1', '2.10.0-beta.1')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0-1', '2.10.0-alpha')).toBe(-1);
    expect(compareNatsServerVersions('2.10.0-beta.2', '2.10.0-beta.2')).toBe(0);
    expect(compareNatsServerVersions('2.10.0-beta.5', '2.9.99')).toBe(1);
  });

  it('takes parsed versions too', () => {
    expect(compareNatsServerVersions(parseNatsServerVersion('2.9.21'), '2.9.20')).toBe(1);
  });

  it('tells whether a version is at least another', () => {
    expect(natsServerVersionAtLeast('2.9.21', REPLICATED_STREAM_MIN_VERSION)).toBe(true);
    expect(natsServerVersionAtLeast('2.9.20', REPLICATED_STREAM_MIN_VERSION)).toBe(false);
    expect(natsServerVersionAtLeast('2.10.0-beta.1', REPLICATED_STREAM_MIN_VERSION)).toBe(true);
  });
});

describe('checkReplicatedStreamSupport', () => {
  it('accepts one replica on every version', () => {
    expect(() => checkReplicatedStreamSupport('2.9.10', 1)).not.toThrow();
    expect(() => checkReplicatedStreamSupport('2.2.0', 1)).not.toThrow();
  });

  it('refuses several replicas before 2.9.21 with an UnsafeReplicationError', () => {
    let caught: unknown;
    try {
      checkReplicatedStreamSupport('2.9.10', 3);
    } catch (error) {
      caught = error;
    }
    expect(UnsafeReplicationError.is(caught)).toBe(true);
    expect(EventfoldError.is(caught)).toBe(true);
    const error = caught as UnsafeReplicationError;
    expect(error.code).toBe('UNSAFE_REPLICATION');
    expect(error.serverVersion).toBe('2.9.10');
    expect(error.message).toContain('fixed in 2.9.21');
    expect(error.message).toContain('replicas: 3');
    expect(() => checkReplicatedStreamSupport('2.9.20', 2)).toThrow(UnsafeReplicationError);
  });

  it('accepts several replicas from 2.9.21 on', () => {
    for (const version of ['2.9.21', '2.9.25', '2.10.0', '2.12.1', '3.0.0']) {
      expect(() => checkReplicatedStreamSupport(version, 3)).not.toThrow();
      expect(() => checkReplicatedStreamSupport(version, 5)).not.toThrow();
    }
  });

  it('accepts them on an older server when asked to with allowUnsafe', () => {
    expect(() => checkReplicatedStreamSupport('2.9.10', 3, { allowUnsafe: true })).not.toThrow();
    expect(() => checkReplicatedStreamSupport('2.9.10', 3, { allowUnsafe: false })).toThrow(
      UnsafeReplicationError,
    );
  });

  it.each([0, -1, 1.5, 6, Number.NaN, '3'])('refuses replicas=%j', (replicas) => {
    expect(() => checkReplicatedStreamSupport('2.12.0', replicas as number)).toThrow(
      InvalidOptionError,
    );
  });

  it('refuses bad options and an unreadable version', () => {
    expect(() =>
      checkReplicatedStreamSupport('2.9.10', 3, { allowUnsafe: 'yes' as unknown as boolean }),
    ).toThrow(InvalidOptionError);
    expect(() =>
      checkReplicatedStreamSupport('2.9.10', 3, { alowUnsafe: true } as unknown as object),
    ).toThrow(/alowUnsafe/);
    expect(() => checkReplicatedStreamSupport('latest', 1)).toThrow(NatsServerVersionError);
  });
});

describe('features by version', () => {
  it('has sync always from 2.10', () => {
    expect(syncAlwaysAvailable('2.9.10')).toBe(false);
    expect(syncAlwaysAvailable('2.9.25')).toBe(false);
    expect(syncAlwaysAvailable('2.10.0-beta.1')).toBe(false);
    expect(syncAlwaysAvailable('2.10.0')).toBe(true);
    expect(syncAlwaysAvailable('2.11.4')).toBe(true);
  });

  it('has atomic batches from 2.12', () => {
    expect(atomicBatchAvailable('2.9.10')).toBe(false);
    expect(atomicBatchAvailable('2.11.9')).toBe(false);
    expect(atomicBatchAvailable('2.12.0')).toBe(true);
    expect(atomicBatchAvailable('3.0.0')).toBe(true);
  });
});
