/**
 * Chooses the NATS server of the NATS tests, once per run: `NATS_URL` when set, else the
 * machine's server at 127.0.0.1:4222 when it answers with JetStream. Without either, outside
 * CI, a nats-server binary on this machine (`NATS_SERVER_BIN`, default /usr/sbin/nats-server)
 * is started for the run on a free port with its own store folder, and `NATS_URL` names it to
 * the test files; with no binary either, the NATS tests skip with the reason. With `CI=true`
 * nothing is started: the tests use the machine's server and fail when it is unreachable.
 */
import { access } from 'node:fs/promises';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NATS_SERVER_BIN, startNatsNode } from './nats-cluster.js';

const MACHINE_SERVER = '127.0.0.1:4222';

/** Whether a JetStream server answers at `url`. */
async function jetStreamAt(url: string): Promise<boolean> {
  try {
    const connection = await connect({ servers: url, timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(connection)).getAccountInfo();
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const nothing = () => Promise.resolve();
  if (process.env['NATS_URL'] !== undefined || process.env['CI'] === 'true') return nothing;
  if (await jetStreamAt(MACHINE_SERVER)) return nothing;
  try {
    await access(NATS_SERVER_BIN);
  } catch {
    return nothing; // no server and no binary: the NATS tests skip, saying why
  }
  const node = await startNatsNode();
  process.env['NATS_URL'] = node.url;
  return () => node.dispose();
}
