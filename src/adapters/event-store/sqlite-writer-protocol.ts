import Database from 'better-sqlite3';
import { WrongExpectedRevisionError, type ExpectedRevision } from '../../ports/event-store';
import type { ModuleWorkerData } from '../module-worker';

/**
 * The messages between the SQLite event store (main thread, sqlite-writer-thread.ts) and its
 * writer thread (sqlite-writer-worker.ts). Only plain data crosses: strings, numbers, arrays.
 *
 * Events travel as JSON text made on the main thread (so `toJSON`, Dates and dropped
 * `undefined`s behave exactly as JSON.stringify makes them, and data that is not JSON fails
 * there). The writer answers each append with what only it knows: revisions, positions and
 * hashes; the main thread rebuilds the RecordedEvents from its own copy of the JSON.
 */

/** An event as the writer receives it. */
export interface WireEvent {
  id: string;
  type: string;
  /** JSON of `data`. */
  dataJson: string;
  /** JSON of the hashed metadata fields (hash-chain.ts hashedMetadata). */
  metadataJson: string;
}

export interface WireAppend {
  /** Identifies the append in the answer. */
  seq: number;
  streamName: string;
  expected: ExpectedRevision;
  events: WireEvent[];
}

export type WireAppendResult =
  | {
      seq: number;
      ok: true;
      nextExpectedRevision: number;
      position: number;
      /** prevHash of the first event (the stream's last hash before the append). */
      prevHash: string;
      /** Position and hash of each event, in order; the first event's revision is
       * nextExpectedRevision - events.length + 1. */
      positions: number[];
      hashes: string[];
    }
  | { seq: number; ok: false; error: WireError };

/** An Error flattened for postMessage, rebuilt with its class by fromWireError. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** SqliteError code (e.g. SQLITE_CONSTRAINT_UNIQUE). */
  code?: string;
  /** WrongExpectedRevisionError fields. */
  streamName?: string;
  expected?: ExpectedRevision;
  actual?: number;
}

/** Main thread to writer. */
export type ToWriter = { kind: 'append'; appends: WireAppend[] } | { kind: 'close' };

/** Writer to main thread. */
export type FromWriter =
  /** One transaction's outcome, sent after its COMMIT returned (or after it failed as a whole). */
  | { kind: 'committed'; results: WireAppendResult[]; wrote: boolean }
  /** Everything received before 'close' is answered and the write connection is closed. */
  | { kind: 'closed' };

/** What the writer thread is started with (Worker workerData). */
export interface WriterThreadData extends ModuleWorkerData {
  filename: string;
}

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function toWireError(error: unknown): WireError {
  const e = toError(error);
  const wire: WireError = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof WrongExpectedRevisionError) {
    wire.streamName = e.streamName;
    wire.expected = e.expected;
    wire.actual = e.actual;
  } else if (e instanceof Database.SqliteError) {
    wire.code = e.code;
  }
  return wire;
}

const STANDARD_ERRORS: Record<string, new (message: string) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/** The error as the caller would have got it from an in-thread store (same class and fields). */
export function fromWireError(wire: WireError): Error {
  let error: Error;
  if (wire.name === 'WrongExpectedRevisionError' && wire.streamName !== undefined && wire.expected !== undefined && wire.actual !== undefined) {
    error = new WrongExpectedRevisionError(wire.streamName, wire.expected, wire.actual);
  } else if (wire.name === 'SqliteError' && wire.code !== undefined) {
    error = new Database.SqliteError(wire.message, wire.code);
  } else {
    const Standard = STANDARD_ERRORS[wire.name];
    error = Standard ? new Standard(wire.message) : new Error(wire.message);
    if (!Standard) error.name = wire.name;
  }
  // The caller's stack first, then where the writer thread threw.
  const writerFrames = wire.stack?.split('\n').slice(1).join('\n');
  if (writerFrames) error.stack = `${error.stack ?? `${error.name}: ${error.message}`}\n  thrown in the SQLite writer thread:\n${writerFrames}`;
  return error;
}
