#!/usr/bin/env node
// Checks an export of the audit API or the CLI (JSON Lines, one stored event per line) without
// the product: Node.js 18+ and nothing else. docs/audit.md explains the format and the hash.
//
//   node scripts/verify-export.mjs ticket-123.jsonl        (or: ... < export.jsonl)
//
// For every stream in the file, revisions must run 0, 1, 2, … without a gap, each event's
// prevHash must be the previous event's hash, and each event's hash is recomputed:
//
//   sha256( prevHash "\n" streamName "\n" revision "\n" id "\n" type "\n"
//           canonical(data) "\n" canonical({actor, requestId, correlationId, causationId, timestamp, schemaVersion}) )
//
// where canonical() is JSON with object keys sorted and undefined members left out, and a
// missing actor counts as null. An event whose secrets were redacted (it lists them in
// `redacted`) cannot be recomputed: its links are checked and it is counted apart (--strict
// makes that a failure). At the end the last revision and hash of each stream are printed: keep
// them; a later export whose stream no longer passes through that hash was changed.
//
// Exit status: 0 every chain holds, 1 a link is broken (the first one is printed), 2 usage.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

function canonical(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v === undefined ? null : v)).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

function chainHash(prev, e) {
  const m = e.metadata;
  const hashed = {
    actor: m.actor ?? null,
    requestId: m.requestId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    timestamp: m.timestamp,
    schemaVersion: m.schemaVersion,
  };
  return createHash('sha256')
    .update([prev, e.streamName, String(e.revision), e.id, e.type, canonical(e.data), canonical(hashed)].join('\n'))
    .digest('hex');
}

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const files = args.filter((a) => a !== '--strict');
if (files.length > 1 || args.includes('-h') || args.includes('--help')) {
  process.stderr.write('usage: node verify-export.mjs [--strict] [export.jsonl]   (reads stdin without a file)\n');
  process.exit(2);
}

const heads = new Map(); // stream → { next, hash }
let events = 0;
let notRecomputed = 0;
let broken = null;
let lineNo = 0;
const lines = createInterface({ input: files[0] ? createReadStream(files[0]) : process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  lineNo++;
  if (line.trim() === '') continue;
  let e;
  try {
    e = JSON.parse(line);
  } catch {
    process.stderr.write(`line ${lineNo}: not JSON\n`);
    process.exit(2);
  }
  events++;
  const head = heads.get(e.streamName) ?? { next: 0, hash: '' };
  const redacted = Array.isArray(e.redacted) && e.redacted.length > 0;
  if (redacted) notRecomputed++;
  const reason =
    e.revision !== head.next
      ? `expected revision ${head.next}, found ${e.revision}`
      : e.metadata.prevHash !== head.hash
        ? 'prevHash is not the hash of the previous event'
        : !redacted && chainHash(head.hash, e) !== e.metadata.hash
          ? 'hash does not match the event'
          : redacted && strict
            ? `secrets redacted (${e.redacted.join(', ')}): the hash cannot be recomputed`
            : null;
  if (reason && !broken) broken = { line: lineNo, stream: e.streamName, revision: e.revision, reason };
  heads.set(e.streamName, { next: e.revision + 1, hash: e.metadata.hash });
}

for (const [stream, head] of heads) process.stdout.write(`${stream}\tlast revision ${head.next - 1}\t${head.hash}\n`);
process.stdout.write(`${events} events in ${heads.size} streams` + (notRecomputed ? `, ${notRecomputed} with redacted secrets (links checked, hashes not recomputed)` : '') + '\n');
if (broken) {
  process.stdout.write(`BROKEN at line ${broken.line}: ${broken.stream} revision ${broken.revision}: ${broken.reason}\n`);
  process.exit(1);
}
process.stdout.write('OK: every chain holds\n');
