import type { WireRequest, WireResponse } from './http-client';

/**
 * What every answer to a fuzzed request must be: an answer (not a reset or a hang), below 500,
 * an error in JSON (each document's own error format), and nothing of the server's insides: no
 * stack frame, no exception class or driver message, no source path. Text the request itself
 * carried is not held against the answer (a 404 may name the path it was asked for).
 */

const LEAKS: RegExp[] = [
  // A stack frame: `at fn (/path/file.js:10:5)`, `at /path/file.js:10:5`, `at node:internal/x:1:2`
  // (a location, not just any `at ... 10:07:37`: a message like "at least 1" before a timestamp).
  /\bat (?:[\w$.<>[\] ]+ \()?(?:node:|file:|\/|[A-Za-z]:\\)[^()\s"]*:\d+:\d+\)?/,
  /at Object\.|at async |at process\./,
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|URIError|EvalError|AggregateError)\b/,
  /SQLITE_|SqliteError|better-sqlite3/,
  /Mongo(Server|Network)?Error|E11000/,
  /\/src\/|\/dist\/|node_modules|\.ts:\d+|\.js:\d+/,
  /Unexpected end of form|Malformed part header|Multipart: Boundary not found|Unexpected end of JSON input/,
  /Cannot read propert|is not a function|is not iterable|Maximum call stack/,
  /ZodError|"code":"invalid_type"/,
  /ECONNRESET|EPIPE|ENOENT|EACCES/,
  /WrongExpectedRevisionError|Invalid \w+ event data/,
];

/**
 * Node's own HTTP parser refuses a request line or header it cannot parse (a raw non-ASCII byte in
 * the target, say) with a bare 400 and closes the connection, before the application sees it.
 */
function refusedByHttpParser(res: Extract<WireResponse, { kind: 'answer' }>): boolean {
  return (res.status === 400 || res.status === 431) && res.body.length === 0 && res.headers['content-type'] === undefined;
}

/** The request line and headers, as the server's parser counts them against its header size limit. */
function headBytes(req: WireRequest): number {
  return Buffer.byteLength(`${req.method} ${req.target} HTTP/1.1\r\n`, 'latin1') + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 200);
}

/**
 * A request Node's HTTP parser refuses before the application sees it: a raw non-ASCII byte in the
 * target, or a head over the header size limit. Node answers 400 or 431 and closes the connection
 * at once; a client still sending a body then gets a reset instead of the answer. Either way the
 * server goes on (checked after the run): for these, no answer is an answer.
 */
function refusedBeforeTheApplication(req: WireRequest, maxHeaderBytes: number): boolean {
  return /[^\x21-\x7e]/.test(req.target) || headBytes(req) > maxHeaderBytes;
}

export function verdict(req: WireRequest, res: WireResponse, maxHeaderBytes: number): string | null {
  if (res.kind === 'no-answer') return refusedBeforeTheApplication(req, maxHeaderBytes) ? null : `no answer (${res.error})`;
  if (refusedByHttpParser(res)) return null;
  if (res.status >= 500) return `answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`;
  const text = res.body.toString('utf8');
  const sent = `${req.target}\n${JSON.stringify(req.headers)}\n${req.body?.toString('latin1') ?? ''}`;
  for (const leak of LEAKS) {
    const found = leak.exec(text);
    if (found && !sent.includes(found[0])) return `answer ${res.status} shows ${JSON.stringify(found[0])}: ${text.slice(0, 300)}`;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 400 && req.method !== 'HEAD' && res.status !== 304 && !/json/.test(type)) {
    return `error ${res.status} is not JSON (${type || 'no content type'}): ${text.slice(0, 200)}`;
  }
  return null;
}
