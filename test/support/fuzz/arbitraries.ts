import fc from 'fast-check';
import type { WireRequest } from './http-client';

/**
 * What the fuzz suite sends: for one route of the application's route table, a request plan of
 * path parameters, query, headers and body, each drawn from hostile and from almost-valid
 * values. Plans are plain data (printable, replayable from the seed); `toWire` turns one into the
 * bytes sent. Nothing here knows a particular document: names and values come from the route
 * table, the OpenAPI document the server serves and the fixtures the suite created.
 */

export interface FuzzVocabulary {
  /** Ids and names that exist on the server (a ticket, a customer, a request number, ...). */
  fixtureIds: readonly string[];
  /** Every property and parameter name the OpenAPI document mentions. */
  fieldNames: readonly string[];
  /** Every enum value the OpenAPI document lists. */
  enumValues: readonly string[];
  /** Query parameter names of this operation in the OpenAPI document. */
  queryNames: readonly string[];
}

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; contentType: string; text: string }
  | { kind: 'raw'; contentType: string | null; text: string }
  | { kind: 'big'; contentType: string; bytes: number }
  | { kind: 'multipart'; contentType: string; parts: PartPlan[]; damage: MultipartDamage; boundary: string };

export interface PartPlan {
  name: string;
  filename: string | null;
  contentType: string | null;
  /** Content: a file signature (or none) followed by filler bytes. */
  signature: 'png' | 'jpeg' | 'pdf' | 'gif' | 'text' | 'none';
  size: number;
  text: string;
}

export type MultipartDamage = 'none' | 'truncated' | 'no-closing-boundary' | 'no-boundary-param' | 'wrong-boundary' | 'bad-part-header';

export interface RequestPlan {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: BodyPlan;
}

/** The upload limit the fuzz suite's server runs with, so an oversize file costs 64 KiB, not 5 MiB. */
export const FUZZ_UPLOAD_MAX_BYTES = 64 * 1024;

const MALFORMED_ESCAPES = ['%', '%zz', '%ED%A0%80', '%00%ff', '%E0%A4%A', '%C0%AF', '%FF%FE', '%25%', '%u0041', '%%', '%0', '%F0%9F%98'];
const TRICKY_SEGMENTS = ['0', '-1', '1e309', '99999999999999999999999', 'NaN', 'null', 'undefined', 'true', '.', '..', '%2e%2e', '%2F', '%00', 'constructor', '__proto__', 'toString', '%20', '+', '*', '%2A'];

/** Bytes a path or query may carry through an HTTP client: 0x21-0xff except the delimiters. */
const rawLatin1 = fc
  .array(fc.integer({ min: 0x21, max: 0xff }).filter((c) => c !== 0x2f && c !== 0x3f && c !== 0x23 && c !== 0x25 && c !== 0x26 && c !== 0x3d), {
    minLength: 1,
    maxLength: 24,
  })
  .map((codes) => String.fromCharCode(...codes));

const encoded = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength }).map(encodeURIComponent);

export function pathParam(vocab: FuzzVocabulary): fc.Arbitrary<string> {
  const fixtures = vocab.fixtureIds.length ? [fc.constantFrom(...vocab.fixtureIds)] : [];
  return fc.oneof(
    ...fixtures.map((a) => ({ arbitrary: a, weight: 4 })),
    { arbitrary: fc.uuid(), weight: 2 },
    { arbitrary: fc.integer({ min: -5, max: 1_000_000 }).map(String), weight: 2 },
    { arbitrary: fc.constantFrom(...TRICKY_SEGMENTS), weight: 2 },
    { arbitrary: fc.constantFrom(...MALFORMED_ESCAPES), weight: 2 },
    { arbitrary: fc.tuple(encoded(6), fc.constantFrom(...MALFORMED_ESCAPES), encoded(6)).map((p) => p.join('')), weight: 1 },
    { arbitrary: encoded(30).filter((s) => s.length > 0), weight: 2 },
    { arbitrary: rawLatin1, weight: 1 },
    { arbitrary: fc.integer({ min: 300, max: 4000 }).map((n) => 'a'.repeat(n)), weight: 1 },
  );
}

function scalar(vocab: FuzzVocabulary): fc.Arbitrary<unknown> {
  const named = [...vocab.enumValues, ...vocab.fixtureIds];
  return fc.oneof(
    ...(named.length ? [{ arbitrary: fc.constantFrom(...named) as fc.Arbitrary<unknown>, weight: 4 }] : []),
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    { arbitrary: fc.integer(), weight: 2 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, 1.5), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constantFrom('', ' ', 'a@b.c', '2026-01-15T09:00:00Z', '2026-13-45', 'not-a-date', '1970-01-01', '+62812345678'), weight: 2 },
    { arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
}

function jsonTree(vocab: FuzzVocabulary): fc.Arbitrary<unknown> {
  const key = vocab.fieldNames.length
    ? fc.oneof({ arbitrary: fc.constantFrom(...vocab.fieldNames), weight: 5 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 }, { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$gt', 'a.b', ''), weight: 1 })
    : fc.string({ maxLength: 12 });
  const { tree } = fc.letrec<{ tree: unknown; node: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar(vocab), tie('node')),
    node: fc.oneof(fc.dictionary(key, tie('tree'), { maxKeys: 8 }), fc.array(tie('tree'), { maxLength: 5 })),
  }));
  return tree;
}

/** An object of the document's own field names with hostile or plausible values: gets past the parsers into validation and handlers. */
function jsonObject(vocab: FuzzVocabulary): fc.Arbitrary<Record<string, unknown>> {
  const key = vocab.fieldNames.length ? fc.constantFrom(...vocab.fieldNames) : fc.string({ maxLength: 12 });
  return fc.dictionary(key, fc.oneof({ arbitrary: scalar(vocab), weight: 4 }, { arbitrary: jsonTree(vocab), weight: 1 }), { minKeys: 1, maxKeys: 10 });
}

const MALFORMED_JSON = ['{', '{"a":', '[1,', 'nul', '{"a":1}}', '\ufeff{"a":1}', '{"a":"\u0000"}', "{'a':1}", '{"a":1,}', 'NaN', '{"__proto__":{"polluted":true}}', '[]', '""', '0', 'true', `${'['.repeat(3000)}${']'.repeat(3000)}`, `{"a":${'9'.repeat(400)}}`];

function body(vocab: FuzzVocabulary, method: string): fc.Arbitrary<BodyPlan> {
  const jsonType = fc.oneof(
    { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 8 },
    { arbitrary: fc.constantFrom('application/json; charset=latin1', 'application/vnd.api+json', 'text/plain', 'application/json; charset=bogus'), weight: 1 },
  );
  const json = fc.record({
    kind: fc.constant('json' as const),
    contentType: jsonType,
    text: fc.oneof({ arbitrary: jsonObject(vocab), weight: 5 }, { arbitrary: jsonTree(vocab), weight: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
  });
  const raw = fc.record({
    kind: fc.constant('raw' as const),
    contentType: fc.constantFrom(null, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'application/octet-stream', '', 'multipart/form-data', '*/*', 'application/json; charset=utf-16'),
    text: fc.oneof(fc.constantFrom(...MALFORMED_JSON), fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'))),
  });
  // Over every JSON body limit (256 KiB at most), not much more: the point is the 413, not the transfer.
  const big = fc.record({ kind: fc.constant('big' as const), contentType: fc.constantFrom('application/json', 'text/plain'), bytes: fc.integer({ min: 270_000, max: 300_000 }) });
  const part = fc.record({
    name: vocab.fieldNames.length ? fc.oneof(fc.constantFrom('file', 'photo', 'attachment', 'files', 'csv', ...vocab.fieldNames), fc.string({ maxLength: 10 })) : fc.string({ maxLength: 10 }),
    filename: fc.option(fc.oneof(fc.constantFrom('a.png', 'a.pdf', 'x.csv', '../../etc/passwd', 'a'.repeat(300), 'ünï.jpg', 'a"b.png'), fc.string({ maxLength: 20 })), { nil: null }),
    contentType: fc.option(fc.constantFrom('image/png', 'image/jpeg', 'application/pdf', 'text/csv', 'application/octet-stream', 'text/html', 'garbage'), { nil: null }),
    signature: fc.constantFrom('png' as const, 'jpeg' as const, 'pdf' as const, 'gif' as const, 'text' as const, 'none' as const),
    // Now and then over the upload limit the suite starts the server with (FUZZ_UPLOAD_MAX_BYTES).
    size: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2000 }), weight: 5 }, { arbitrary: fc.integer({ min: FUZZ_UPLOAD_MAX_BYTES, max: FUZZ_UPLOAD_MAX_BYTES + 4096 }), weight: 1 }),
    text: fc.string({ unit: 'grapheme', maxLength: 60 }),
  });
  const multipart = fc.record({
    kind: fc.constant('multipart' as const),
    contentType: fc.constant('multipart/form-data'),
    parts: fc.array(part, { maxLength: 4 }),
    damage: fc.constantFrom<MultipartDamage>('none', 'none', 'truncated', 'no-closing-boundary', 'no-boundary-param', 'wrong-boundary', 'bad-part-header'),
    boundary: fc.stringMatching(/^[A-Za-z0-9'()+_,.\-]{1,70}$/),
  });
  const none = fc.constant({ kind: 'none' } as const);
  const withBody = method === 'GET' || method === 'HEAD' || method === 'DELETE';
  return fc.oneof(
    { arbitrary: none, weight: withBody ? 8 : 1 },
    { arbitrary: json, weight: 6 },
    { arbitrary: raw, weight: 2 },
    { arbitrary: multipart, weight: 3 },
    { arbitrary: big, weight: 1 },
  ) as fc.Arbitrary<BodyPlan>;
}

const headerValue = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 80 })
  .map((codes) => String.fromCharCode(...codes).trim());

/** Up to three extra headers per request: enough to meet each often, few enough that most requests still reach the handlers. */
function extraHeaders(): fc.Arbitrary<Record<string, string>> {
  const header = fc.oneof(
    fc.tuple(fc.constant('if-match'), fc.oneof(fc.integer({ min: -2, max: 50 }).map((n) => `"${n}"`), fc.constantFrom('*', 'W/"1"', '"abc"', '""', '1', '"1", "2"'), headerValue)),
    fc.tuple(fc.constant('if-none-match'), fc.constantFrom('*', '"0"', 'garbage')),
    fc.tuple(fc.constant('idempotency-key'), fc.oneof(fc.uuid(), headerValue, fc.constant('k'.repeat(300)))),
    fc.tuple(fc.constantFrom('x-request-id', 'x-correlation-id'), headerValue),
    fc.tuple(fc.constant('accept'), fc.constantFrom('*/*', 'application/json', 'text/html', 'application/pdf', 'text/csv', 'garbage', '')),
    fc.tuple(fc.constant('accept-language'), fc.constantFrom('id-ID', 'en', '*', 'zz;q=abc')),
    fc.tuple(fc.constant('origin'), fc.constantFrom('http://localhost:5173', 'https://evil.example', 'null')),
    fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1', '')),
    fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus')),
    fc.tuple(fc.constant('range'), fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=abc')),
  );
  return fc.array(header, { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs));
}

function query(vocab: FuzzVocabulary): fc.Arbitrary<string> {
  const names = [...new Set([...vocab.queryNames, 'page', 'per_page', 'limit', 'sort', 'order', 'search', 'status', 'format', 'q'])];
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 6 },
    { arbitrary: fc.constantFrom(...names).map((n) => `${n}[]`), weight: 1 },
    { arbitrary: fc.constantFrom(...names).map((n) => `${n}[$gt]`), weight: 1 },
    { arbitrary: fc.constantFrom('__proto__', 'constructor[prototype]', 'a[b][c][d][e][f]', ''), weight: 1 },
    { arbitrary: encoded(10), weight: 1 },
  );
  // Raw bytes Node's parser refuses (400 before the application) come with path parameters only,
  // now and then: in query values they would keep most requests from reaching the application.
  const value = fc.oneof(
    { arbitrary: scalar(vocab).map((v) => encodeURIComponent(String(v)).slice(0, 1500)), weight: 6 },
    { arbitrary: fc.constantFrom(...MALFORMED_ESCAPES), weight: 1 },
  );
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')), weight: 6 },
    { arbitrary: fc.constantFrom('&&', '=', '&=&', 'a', 'page=1&page=2&page=x', '%', 'a=%zz'), weight: 1 },
  );
}

/** Every request plan for one route: its own method mostly, now and then another one on the same path. */
export function requestPlan(route: { method: string; path: string }, vocab: FuzzVocabulary): fc.Arbitrary<RequestPlan> {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const method = fc.oneof(
    { arbitrary: fc.constant(route.method), weight: 12 },
    { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), weight: 1 },
  );
  const path = fc.tuple(...params.map(() => pathParam(vocab))).map((values) => {
    let i = 0;
    return route.path.replace(/\{(\w+)\}/g, () => values[i++]!);
  });
  return method.chain((m) =>
    fc.record({ method: fc.constant(m), path: params.length ? path : fc.constant(route.path), query: query(vocab), headers: extraHeaders(), body: body(vocab, m) }),
  );
}

const SIGNATURES: Record<PartPlan['signature'], Buffer> = {
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  pdf: Buffer.from('%PDF-1.7\n'),
  gif: Buffer.from('GIF89a'),
  text: Buffer.from('nama,no_telp,alamat\n'),
  none: Buffer.alloc(0),
};

function multipartBody(plan: Extract<BodyPlan, { kind: 'multipart' }>): { contentType: string; body: Buffer } {
  const b = plan.boundary;
  const chunks: Buffer[] = [];
  for (const p of plan.parts) {
    const disposition = `form-data; name="${p.name.replace(/["\r\n]/g, '_')}"${p.filename === null ? '' : `; filename="${p.filename.replace(/["\r\n]/g, '_')}"`}`;
    const header = plan.damage === 'bad-part-header' ? `Content-Disposition ${disposition}\r\nX: y` : `Content-Disposition: ${disposition}${p.contentType ? `\r\nContent-Type: ${p.contentType}` : ''}`;
    const content = p.filename === null ? Buffer.from(p.text) : Buffer.concat([SIGNATURES[p.signature], Buffer.alloc(p.size, 0x41)]);
    chunks.push(Buffer.from(`--${b}\r\n${header}\r\n\r\n`), content, Buffer.from('\r\n'));
  }
  if (plan.damage !== 'no-closing-boundary' && plan.damage !== 'truncated') chunks.push(Buffer.from(`--${b}--\r\n`));
  let body = Buffer.concat(chunks);
  if (plan.damage === 'truncated') body = body.subarray(0, Math.floor(body.length * 0.6));
  const contentType =
    plan.damage === 'no-boundary-param' ? 'multipart/form-data' : plan.damage === 'wrong-boundary' ? `multipart/form-data; boundary=${b}x` : `multipart/form-data; boundary=${b}`;
  return { contentType, body };
}

/** The bytes of a plan, with the identity's Authorization header (if any). */
export function toWire(plan: RequestPlan, authorization: string | null): WireRequest {
  const headers: Record<string, string> = { ...plan.headers };
  if (authorization !== null) headers.authorization = authorization;
  let body: Buffer | undefined;
  switch (plan.body.kind) {
    case 'none':
      delete headers['content-encoding'];
      break;
    case 'json':
      headers['content-type'] = plan.body.contentType;
      body = Buffer.from(plan.body.text);
      break;
    case 'raw':
      if (plan.body.contentType !== null) headers['content-type'] = plan.body.contentType;
      body = Buffer.from(plan.body.text, 'latin1');
      break;
    case 'big':
      headers['content-type'] = plan.body.contentType;
      body = Buffer.from(`{"a":"${'x'.repeat(plan.body.bytes)}"}`);
      break;
    case 'multipart': {
      const mp = multipartBody(plan.body);
      headers['content-type'] = mp.contentType;
      body = mp.body;
      break;
    }
  }
  return { method: plan.method, target: plan.query ? `${plan.path}?${plan.query}` : plan.path, headers, body };
}

/** A plan as one line for a failure report (bodies shortened). */
export function describePlan(plan: RequestPlan): string {
  const b = plan.body;
  const body =
    b.kind === 'none'
      ? ''
      : b.kind === 'big'
        ? ` body: ${b.bytes} bytes (${b.contentType})`
        : b.kind === 'multipart'
          ? ` body: multipart ${b.damage}, parts ${JSON.stringify(b.parts.map((p) => ({ ...p, text: p.text.slice(0, 20) })))}`
          : ` body (${b.contentType}): ${JSON.stringify(b.text.slice(0, 300))}`;
  return `${plan.method} ${plan.query ? `${plan.path}?${plan.query}` : plan.path}`.slice(0, 600) + ` headers: ${JSON.stringify(plan.headers)}` + body;
}
