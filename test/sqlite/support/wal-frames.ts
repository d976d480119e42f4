/**
 * Reads a SQLite WAL file the way SQLite's recovery does (https://sqlite.org/fileformat2.html#walformat),
 * to tell committed frames from frames a transaction wrote but never committed.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE_ENDIAN_CHECKSUMS = 0x377f0682;
const MAGIC_BIG_ENDIAN_CHECKSUMS = 0x377f0683;

/** The fields of a WAL header that identify its frames. */
interface WalHeader {
  readonly pageSize: number;
  readonly littleEndianChecksums: boolean;
  readonly salt1: number;
  readonly salt2: number;
}

/** What a WAL file holds, counted in frames (one database page each). */
export interface WalFrames {
  /** Frames that recovery keeps: up to and including the last commit frame of an intact checksum chain. */
  readonly committed: number;
  /** Frames of the current WAL generation after that commit frame: written by a transaction that never committed. */
  readonly uncommitted: number;
  /** Commit frames among the committed frames: one per transaction that wrote. */
  readonly commits: number;
}

/** Decodes a WAL header, or returns undefined when `bytes` holds none. */
function decodeHeader(bytes: Buffer): WalHeader | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const magic = bytes.readUInt32BE(0);
  if (magic !== MAGIC_LITTLE_ENDIAN_CHECKSUMS && magic !== MAGIC_BIG_ENDIAN_CHECKSUMS)
    return undefined;
  return {
    pageSize: bytes.readUInt32BE(8),
    littleEndianChecksums: magic === MAGIC_LITTLE_ENDIAN_CHECKSUMS,
    salt1: bytes.readUInt32BE(16),
    salt2: bytes.readUInt32BE(20),
  };
}

/** Whether the frame header at `offset` carries the salts of `header`. */
function salted(header: WalHeader, bytes: Buffer, offset: number): boolean {
  return (
    bytes.readUInt32BE(offset + 8) === header.salt1 &&
    bytes.readUInt32BE(offset + 12) === header.salt2
  );
}

/**
 * Whether the frame header at `offset` was written by the WAL's current
 * generation: it carries the header's salts, or it is a frame of a transaction
 * that has overwritten one of its own frames (SQLite then writes a page number
 * with zero salts and checksums, and fills them in when the transaction commits).
 */
function ofGeneration(header: WalHeader, bytes: Buffer, offset: number): boolean {
  if (salted(header, bytes, offset)) return true;
  const unsalted = [8, 12, 16, 20].every((field) => bytes.readUInt32BE(offset + field) === 0);
  return unsalted && bytes.readUInt32BE(offset) !== 0;
}

/** SQLite's WAL checksum: two running 32-bit sums over pairs of words, continued from `seed`. */
function checksum(
  header: WalHeader,
  bytes: Buffer,
  start: number,
  end: number,
  seed: readonly [number, number],
): [number, number] {
  let [s1, s2] = seed;
  const little = header.littleEndianChecksums;
  for (let i = start; i < end; i += 8) {
    s1 = (s1 + (little ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i)) + s2) >>> 0;
    s2 = (s2 + (little ? bytes.readUInt32LE(i + 4) : bytes.readUInt32BE(i + 4)) + s1) >>> 0;
  }
  return [s1, s2];
}

/**
 * Counts the committed and uncommitted frames of a WAL file no process is
 * writing. Committed frames follow SQLite's recovery rule: frames are read
 * while their salts match the header and their cumulative checksums hold, and
 * recovery keeps them up to the last commit frame. Uncommitted frames are the
 * frames of the same generation after it, whatever their checksum (a
 * transaction that writes a page twice overwrites its own frame in place and
 * fixes the checksums only when it commits). A WAL that only one writer
 * appends to without rollbacks holds no other frames there.
 *
 * @example
 * ```ts
 * const { committed, uncommitted } = inspectWal(`${file}-wal`);
 * ```
 */
export function inspectWal(path: string): WalFrames {
  const bytes = readFileSync(path);
  const header = decodeHeader(bytes);
  if (header === undefined) return { committed: 0, uncommitted: 0, commits: 0 };
  const frameBytes = FRAME_HEADER_BYTES + header.pageSize;
  let sums = checksum(header, bytes, 0, 24, [0, 0]);
  const headerIntact = bytes.readUInt32BE(24) === sums[0] && bytes.readUInt32BE(28) === sums[1];
  let frames = 0;
  let committed = 0;
  let commits = 0;
  let chainIntact = headerIntact;
  for (let offset = HEADER_BYTES; offset + frameBytes <= bytes.length; offset += frameBytes) {
    if (!ofGeneration(header, bytes, offset)) break;
    frames += 1;
    chainIntact &&= salted(header, bytes, offset);
    if (!chainIntact) continue;
    sums = checksum(header, bytes, offset, offset + 8, sums);
    sums = checksum(header, bytes, offset + FRAME_HEADER_BYTES, offset + frameBytes, sums);
    chainIntact =
      bytes.readUInt32BE(offset + 16) === sums[0] && bytes.readUInt32BE(offset + 20) === sums[1];
    if (chainIntact && bytes.readUInt32BE(offset + 4) !== 0) {
      committed = frames;
      commits += 1;
    }
  }
  return { committed, uncommitted: frames - committed, commits };
}

/**
 * Follows the WAL file of a database another process is writing, reading
 * frame headers only, to see a transaction's frames arrive before it commits.
 *
 * @example
 * ```ts
 * const tail = new WalTail(`${file}-wal`);
 * while (tail.uncommittedFrames() < 100) await setTimeout(1);
 * tail.close();
 * ```
 */
export class WalTail {
  readonly #fd: number;
  #header: WalHeader | undefined;
  #frames = 0;
  #committed = 0;

  /** Opens the WAL file (it must exist: the writer has committed at least once). */
  constructor(path: string) {
    this.#fd = openSync(path, 'r');
  }

  /**
   * The frames of the WAL's current generation written after its last commit
   * frame, as far as the file shows now (a new generation, after a
   * checkpoint, starts the count again).
   */
  uncommittedFrames(): number {
    const headerBytes = this.#read(0, HEADER_BYTES);
    const header = decodeHeader(headerBytes);
    if (header === undefined) return 0;
    if (header.salt1 !== this.#header?.salt1 || header.salt2 !== this.#header.salt2) {
      this.#header = header;
      this.#frames = 0;
      this.#committed = 0;
    }
    const frameBytes = FRAME_HEADER_BYTES + header.pageSize;
    for (;;) {
      const frame = this.#read(HEADER_BYTES + this.#frames * frameBytes, FRAME_HEADER_BYTES);
      if (frame.length < FRAME_HEADER_BYTES || !ofGeneration(header, frame, 0)) break;
      this.#frames += 1;
      if (frame.readUInt32BE(4) !== 0) this.#committed = this.#frames;
    }
    return this.#frames - this.#committed;
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.#fd);
  }

  #read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = readSync(this.#fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  }
}
