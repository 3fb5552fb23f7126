import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewEvent } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { openSqliteEventStore } from './sqlite';

/** SQLite-only guarantees: the file survives close/reopen and a killed process, and tampering shows. */

function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: new Date().toISOString(), schemaVersion: 1 } };
}

let dir: string;
let filename: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-store-sqlite-'));
  filename = path.join(dir, 'events.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite event store file', () => {
  it('keeps every event, position and stream revision across close and reopen', async () => {
    const first = openSqliteEventStore({ filename });
    const a = await first.appendToStream('ticket-1', [newEvent('Opened', { n: 1 }), newEvent('Noted')], { expectedRevision: 'no_stream' });
    const b = await first.appendToStream('ticket-2', [newEvent('Opened', { n: 2 })], { expectedRevision: 'no_stream' });
    await first.close();

    const second = openSqliteEventStore({ filename });
    try {
      expect(await second.readStream('ticket-1')).toEqual(a.events);
      expect(await second.readStream('ticket-2')).toEqual(b.events);
      expect(await second.headPosition()).toBe(b.position);
      // The stream's revision and last hash survived too: the chain continues.
      const c = await second.appendToStream('ticket-1', [newEvent('Closed')], { expectedRevision: 1 });
      expect(c.events[0]!.metadata.prevHash).toBe(a.events[1]!.metadata.hash);
      expect(c.position).toBeGreaterThan(b.position);
      expect(verifyChain('ticket-1', await second.readStream('ticket-1')).valid).toBe(true);
      await expect(second.appendToStream('ticket-2', [newEvent('Again')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        actual: 0,
      });
    } finally {
      await second.close();
    }
  });

  it('starts empty with head position 0', async () => {
    const store = openSqliteEventStore({ filename });
    try {
      expect(await store.headPosition()).toBe(0);
      expect(await store.readAll()).toEqual([]);
      expect(await store.readAll({ direction: 'backwards' })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('makes verifyChain fail when a stored row is changed behind its back', async () => {
    const store = openSqliteEventStore({ filename });
    await store.appendToStream('invoice-1', [newEvent('Issued', { amount: 1000 }), newEvent('Paid', { amount: 1000 }), newEvent('Closed')]);
    await store.close();

    const raw = new Database(filename);
    try {
      const changed = raw.prepare("UPDATE events SET data = ? WHERE stream = 'invoice-1' AND revision = 1").run(JSON.stringify({ amount: 1 }));
      expect(changed.changes).toBe(1);
    } finally {
      raw.close();
    }

    const reopened = openSqliteEventStore({ filename });
    try {
      const events = await reopened.readStream('invoice-1');
      expect(events[1]!.data).toEqual({ amount: 1 });
      const verification = verifyChain('invoice-1', events);
      expect(verification.valid).toBe(false);
      expect(verification.brokenAt).toEqual({ revision: 1, reason: 'hash does not match the event content' });
    } finally {
      await reopened.close();
    }
  });

  it('detects a deleted event as a broken chain', async () => {
    const store = openSqliteEventStore({ filename });
    await store.appendToStream('asset-1', [newEvent('A'), newEvent('B'), newEvent('C')]);
    await store.close();

    const raw = new Database(filename);
    try {
      raw.prepare("DELETE FROM events WHERE stream = 'asset-1' AND revision = 1").run();
    } finally {
      raw.close();
    }

    const reopened = openSqliteEventStore({ filename });
    try {
      const verification = verifyChain('asset-1', await reopened.readStream('asset-1'));
      expect(verification.valid).toBe(false);
      expect(verification.brokenAt?.revision).toBe(2);
    } finally {
      await reopened.close();
    }
  });
});

describe('SQLite event store crash', () => {
  /** The child uses the built adapter, as the product does; `npm test` builds first. */
  const builtAdapter = path.resolve(__dirname, '../../../dist/src/adapters/event-store/sqlite.js');

  const childScript = `
const { randomUUID } = require('node:crypto');
const { openSqliteEventStore } = require(process.argv[2]);
const store = openSqliteEventStore({ filename: process.argv[3] });
const writers = Number(process.argv[4]);
async function writer(w) {
  const stream = 'crash-' + w;
  for (let revision = 0; ; revision++) {
    const result = await store.appendToStream(
      stream,
      [{ id: randomUUID(), type: 'Tick', data: { w, revision }, metadata: { timestamp: new Date().toISOString(), schemaVersion: 1 } }],
      { expectedRevision: revision === 0 ? 'no_stream' : revision - 1 },
    );
    // Written only after the append resolved, i.e. after its transaction committed.
    process.stdout.write(stream + ' ' + result.nextExpectedRevision + ' ' + result.position + ' ' + result.events[0].id + '\\n');
  }
}
for (let w = 0; w < writers; w++) writer(w).catch((error) => { process.stderr.write(String(error.stack) + '\\n'); process.exit(2); });
`;

  interface Ack {
    stream: string;
    revision: number;
    position: number;
    id: string;
  }

  /** Runs the child until it acknowledged `killAfter` appends, then SIGKILLs it; returns every ack it printed. */
  function runAndKill(script: string, writers: number, killAfter: number): Promise<Ack[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, builtAdapter, filename, String(writers)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const acks: Ack[] = [];
      let buffered = '';
      let stderr = '';
      let killed = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [stream, revision, position, id] = line.split(' ');
          acks.push({ stream: stream!, revision: Number(revision), position: Number(position), id: id! });
        }
        if (!killed && acks.length >= killAfter) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (signal === 'SIGKILL' && killed) resolve(acks);
        else reject(new Error(`child exited before the kill (code ${code}, signal ${signal}): ${stderr}`));
      });
    });
  }

  it('keeps every acknowledged append, with an intact chain, when the writing process is killed', async () => {
    if (!fs.existsSync(builtAdapter)) throw new Error(`${builtAdapter} is missing: run \`npm run build\` first`);
    const builtDir = path.dirname(builtAdapter);
    const sources = fs.readdirSync(__dirname).filter((f) => /^(sqlite|local-).*\.ts$/.test(f) && !f.includes('.test.'));
    for (const source of sources) {
      const built = path.join(builtDir, source.replace(/\.ts$/, '.js'));
      if (!fs.existsSync(built) || fs.statSync(path.join(__dirname, source)).mtimeMs > fs.statSync(built).mtimeMs) {
        throw new Error(`${built} is missing or older than ${source}: run \`npm run build\` first`);
      }
    }
    const script = path.join(dir, 'crash-child.js');
    fs.writeFileSync(script, childScript);

    const writers = 8;
    const acks = await runAndKill(script, writers, 1500);
    expect(acks.length).toBeGreaterThanOrEqual(1500);

    const store = openSqliteEventStore({ filename });
    try {
      const lastAcked = new Map<string, number>();
      for (let w = 0; w < writers; w++) {
        const stream = `crash-${w}`;
        const events = await store.readStream(stream);
        const byRevision = new Map(events.map((e) => [e.revision, e]));
        for (const ack of acks.filter((a) => a.stream === stream)) {
          const stored = byRevision.get(ack.revision);
          expect(stored?.id).toBe(ack.id);
          expect(stored?.position).toBe(ack.position);
          lastAcked.set(stream, Math.max(lastAcked.get(stream) ?? -1, ack.revision));
        }
        expect(verifyChain(stream, events).valid).toBe(true);
        // Revisions are contiguous (verifyChain checked) and reach at least the last acknowledged one.
        expect(events.length - 1).toBeGreaterThanOrEqual(lastAcked.get(stream) ?? -1);
      }
      expect(lastAcked.size).toBe(writers);

      // The file is usable after the crash: the next append continues each stream's chain.
      const stream = 'crash-0';
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      const next = await store.appendToStream(stream, [newEvent('AfterCrash')], { expectedRevision: last!.revision });
      expect(next.events[0]!.metadata.prevHash).toBe(last!.metadata.hash);
      expect(verifyChain(stream, await store.readStream(stream)).valid).toBe(true);
    } finally {
      await store.close();
    }
  });
});
