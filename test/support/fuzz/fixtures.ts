import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzVocabulary } from './arbitraries';

/**
 * What the fuzz suite needs on the server before it starts: a signed-in user of every role (plus
 * a caller with no token and one with a forged token), a few records to aim path parameters at,
 * and the vocabulary of the OpenAPI document the server serves. Created through the public API,
 * as a client would.
 */

export interface Identity {
  name: string;
  /** Authorization header value, or null for no header. */
  authorization(): string | null;
  /** Signs in again (after the suite itself logged this identity out); false for the token-less. */
  refresh(): Promise<boolean>;
}

type Json = Record<string, any>;

async function call(url: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

async function login(url: string, email: string, password: string): Promise<string> {
  const res = await call(url, 'POST', '/api/auth/login', { email, password });
  const token = res.body.token ?? res.body.data?.tokens?.access_token;
  if (res.status !== 200 || typeof token !== 'string') throw new Error(`fuzz fixture: login of ${email} answered ${res.status} ${JSON.stringify(res.body)}`);
  return token;
}

function signedIn(name: string, url: string, email: string, password: string, token: string): Identity {
  let current = token;
  return {
    name,
    authorization: () => `Bearer ${current}`,
    refresh: async () => {
      current = await login(url, email, password);
      return true;
    },
  };
}

const PASSWORD = 'fuzz-password-123';
let phones = 0;
const phone = () => `0812${String(++phones).padStart(8, '0')}`;

/** A customer's login, made the way a customer gets one: registered with the customer, password set by the reset mail. */
async function customerLogin(url: string, adminToken: string, outboxDir: string): Promise<{ email: string; token: string }> {
  const email = 'fuzz.customer@example.com';
  const created = await call(
    url,
    'POST',
    '/api/customers',
    { full_name: 'Fuzz Customer', phone: phone(), email, address: 'Jl. Fuzz 1', coordinates: { lat: -6.2, lng: 106.8 }, service_area: 'Jakarta Pusat' },
    adminToken,
  );
  if (created.status !== 201) throw new Error(`fuzz fixture: customer answered ${created.status} ${JSON.stringify(created.body)}`);
  await call(url, 'POST', '/api/auth/forgot-password', { email });
  const mail = readdirSync(outboxDir)
    .map((f) => readFileSync(join(outboxDir, f), 'utf8'))
    .find((m) => m.includes(`To: ${email}`));
  const resetToken = /Reset token: (\S+)/.exec(mail ?? '')?.[1];
  if (!resetToken) throw new Error('fuzz fixture: no reset mail for the customer in the outbox');
  const reset = await call(url, 'POST', '/api/auth/reset-password', { token: resetToken, password: PASSWORD, password_confirmation: PASSWORD });
  if (reset.status !== 200) throw new Error(`fuzz fixture: reset answered ${reset.status}`);
  return { email, token: await login(url, email, PASSWORD) };
}

export async function createIdentities(
  url: string,
  admin: { email: string; password: string },
  roles: readonly string[],
  outboxDir: string,
): Promise<Identity[]> {
  const adminToken = await login(url, admin.email, admin.password);
  const identities: Identity[] = [signedIn('super_admin', url, admin.email, admin.password, adminToken)];
  for (const role of roles) {
    if (role === 'super_admin') continue;
    if (role === 'customer') {
      const { email, token } = await customerLogin(url, adminToken, outboxDir);
      identities.push(signedIn(role, url, email, PASSWORD, token));
      continue;
    }
    const email = `fuzz.${role}@example.com`;
    const res = await call(url, 'POST', '/api/users', { email, password: PASSWORD, role, profile: { full_name: `Fuzz ${role}`, phone: phone() } }, adminToken);
    if (res.status !== 201) throw new Error(`fuzz fixture: user ${role} answered ${res.status} ${JSON.stringify(res.body)}`);
    identities.push(signedIn(role, url, email, PASSWORD, await login(url, email, PASSWORD)));
  }
  const none = async () => false;
  identities.push({ name: 'no token', authorization: () => null, refresh: none });
  // A well-formed HS256 token signed with another key, and a token with alg none.
  const forged = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJyb2xlIjoic3VwZXJfYWRtaW4ifQ.8mJ5l1z3fJ9o3N1n3vZ0cQ3m1oZ5QmQp1Zq9f1b2c3d';
  identities.push({ name: 'forged token', authorization: () => `Bearer ${forged}`, refresh: none });
  identities.push({ name: 'alg none', authorization: () => 'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoic3VwZXJfYWRtaW4ifQ.', refresh: none });
  return identities;
}

/** Every id-like value in a JSON answer: values of `id` and `*_id` fields, ticket and request numbers. */
function idsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => idsIn(v, out));
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if ((key === 'id' || key.endsWith('_id') || key.endsWith('Id') || key.endsWith('_number') || key === 'name') && (typeof inner === 'string' || typeof inner === 'number')) {
      out.add(String(inner));
    } else idsIn(inner, out);
  }
}

/**
 * A few records to aim at (a customer, a ticket, a service request, a user nobody signs in as) and
 * the names the operations API knows. Best effort: a document that changed its shapes leaves fewer
 * ids, never a failed suite; how many were found is printed with the summary.
 */
export async function createRecords(url: string, adminToken: string): Promise<string[]> {
  const ids = new Set<string>();
  const answers: Array<{ status: number; body: Json }> = [];
  const customer = await call(
    url,
    'POST',
    '/api/customers',
    { full_name: 'Fuzz Target', phone: phone(), email: 'fuzz.target@example.com', address: 'Jl. Target 2', coordinates: { lat: -6.2, lng: 106.8 }, service_area: 'Jakarta Pusat' },
    adminToken,
  );
  answers.push(customer);
  const customerId = customer.body.data?.customer?.id;
  if (customerId) {
    answers.push(
      await call(url, 'POST', '/api/tickets', { customer_id: customerId, type: 'repair', priority: 'normal', title: 'Fuzz', description: 'Fuzz target', location: { lat: -6.2, lng: 106.8 } }, adminToken),
    );
  }
  answers.push(await call(url, 'POST', '/api/services', { device_type: 'Laptop', serial_number: 'FZ-1', service_type: 'Hardware', description: 'Fuzz' }, adminToken));
  answers.push(await call(url, 'POST', '/api/users', { email: 'fuzz.victim@example.com', password: PASSWORD, role: 'technician', profile: { full_name: 'Fuzz Victim', phone: phone() } }, adminToken));
  const ops = await call(url, 'GET', '/ops/projections', undefined, adminToken);
  for (const p of (ops.body.data?.projectors ?? []) as Array<{ name?: string }>) if (p.name) ids.add(p.name);
  for (const a of answers) if (a.status < 300) idsIn(a.body, ids);
  for (const id of [...ids]) if (/^[0-9a-f-]{36}$/.test(id)) ids.add(`user-${id}`);
  return [...ids].filter((id) => id.length > 0 && id.length < 100).map((id) => encodeURIComponent(id));
}

/** Names and enum values from the OpenAPI document, and each operation's query parameters. */
export function vocabularyOf(openapi: Json): { fieldNames: string[]; enumValues: string[]; queryNames(method: string, path: string): string[] } {
  const fields = new Set<string>();
  const enums = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Json;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) fields.add(k);
    if (Array.isArray(o.enum)) for (const e of o.enum) if (typeof e === 'string' && e.length < 60) enums.add(e);
    if (typeof o.name === 'string' && typeof o.in === 'string') fields.add(o.name);
    Object.values(o).forEach(walk);
  };
  walk(openapi);
  return {
    fieldNames: [...fields].sort(),
    enumValues: [...enums].sort(),
    queryNames: (method, path) => {
      const op = openapi.paths?.[path]?.[method.toLowerCase()] as Json | undefined;
      return ((op?.parameters ?? []) as Json[]).filter((p) => p.in === 'query' && typeof p.name === 'string').map((p) => p.name as string);
    },
  };
}

export type { FuzzVocabulary };
