import type { TestApp } from './test-app';
import type { RouterOsStandIn } from './routeros-standin';

/** Helpers for document 002's Mikrotik API tests: a bearer header, a server registered through HTTP pointing at a stand-in. */

export const bearer = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });

let counter = 0;

export async function registerServerFor(
  t: TestApp,
  by: { token: string },
  router: Pick<RouterOsStandIn, 'host' | 'port' | 'username' | 'password'>,
  more: Record<string, unknown> = {},
): Promise<{ id: number; body: Record<string, unknown> }> {
  counter++;
  const res = await t.http
    .post('/api/mikrotik_servers/')
    .set(bearer(by))
    .send({ name: `POP ${counter}`, host_ip: router.host, port: router.port, username: router.username, password: router.password, ros_version: '7.18', ...more });
  if (res.status !== 201) throw new Error(`mikrotik server fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as number, body: res.body };
}
