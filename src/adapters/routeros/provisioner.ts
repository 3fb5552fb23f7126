import {
  RouterUnavailableError,
  type PppSecret,
  type PppSecretFields,
  type RouterFailureKind,
  type RouterProvisioner,
  type RouterSession,
  type RouterTarget,
} from '../../ports/router-provisioner';
import { connectAndLogin, type RouterOsClient } from './client';
import { RouterOsError } from './errors';

/**
 * The RouterProvisioner port over the RouterOS API client:
 *
 *   identify            /system/identity/print and /system/resource/print, at once (two tags)
 *   findPppSecret       /ppp/secret/print ?name=<name>
 *   addPppSecret        /ppp/secret/add =name= =password= =profile= =service=pppoe =disabled= [=remote-address=] [=comment=]
 *   updatePppSecret     /ppp/secret/set =.id= ...
 *   ensurePppProfile    /ppp/profile/print ?name=, then /ppp/profile/add =name= [=rate-limit=] when missing
 *   removeActiveSessions /ppp/active/print ?name=, then /ppp/active/remove =.id= for each
 *
 * Client errors become RouterUnavailableError (trap → `refused`, fatal → `connection`).
 */

export interface RouterOsProvisionerOptions {
  /** Connect and login, and each command. */
  timeoutMs: number;
  /** API-SSL: verify the router's certificate (off for self-signed router certificates). */
  tlsRejectUnauthorized: boolean;
  /** Extra CA certificates to trust for API-SSL (PEM). */
  tlsCa?: string | Buffer;
}

const KIND: Record<RouterOsError['kind'], RouterFailureKind> = {
  connection: 'connection',
  fatal: 'connection',
  timeout: 'timeout',
  login: 'login',
  trap: 'refused',
  protocol: 'protocol',
};

function translate(err: unknown): never {
  if (err instanceof RouterOsError) throw new RouterUnavailableError(KIND[err.kind], err.message);
  throw err;
}

const bool = (v: string | undefined) => v === 'true' || v === 'yes';

function secretOf(item: Record<string, string>): PppSecret {
  return {
    id: item['.id'] ?? '',
    name: item.name ?? '',
    profile: item.profile ?? null,
    service: item.service ?? null,
    disabled: bool(item.disabled),
    remoteAddress: item['remote-address'] ?? null,
    comment: item.comment ?? null,
    password: item.password ?? null,
  };
}

function fieldAttributes(fields: Partial<PppSecretFields>): Record<string, string | boolean | undefined> {
  return {
    password: fields.password,
    profile: fields.profile,
    disabled: fields.disabled,
    // null clears it on the router (an empty value), undefined leaves it.
    'remote-address': fields.remoteAddress === null ? '' : fields.remoteAddress,
    comment: fields.comment,
  };
}

class RouterOsSession implements RouterSession {
  constructor(private readonly client: RouterOsClient) {}

  private run(command: string, options?: Parameters<RouterOsClient['run']>[1]) {
    return this.client.run(command, options).catch(translate);
  }

  async identify() {
    const [identity, resource] = await Promise.all([this.run('/system/identity/print'), this.run('/system/resource/print')]);
    return {
      identity: identity.items[0]?.name ?? null,
      version: resource.items[0]?.version ?? null,
      boardName: resource.items[0]?.['board-name'] ?? null,
    };
  }

  async findPppSecret(name: string) {
    const r = await this.run('/ppp/secret/print', { query: { name } });
    const item = r.items.find((i) => i.name === name);
    return item ? secretOf(item) : null;
  }

  async addPppSecret(name: string, fields: PppSecretFields) {
    const r = await this.run('/ppp/secret/add', { attributes: { name, service: 'pppoe', ...fieldAttributes(fields) } });
    return r.done.ret ?? '';
  }

  async updatePppSecret(id: string, fields: Partial<PppSecretFields>) {
    await this.run('/ppp/secret/set', { attributes: { '.id': id, ...fieldAttributes(fields) } });
  }

  async ensurePppProfile(name: string, options: { rateLimit?: string } = {}) {
    const found = await this.run('/ppp/profile/print', { query: { name } });
    if (found.items.some((i) => i.name === name)) return 'exists' as const;
    await this.run('/ppp/profile/add', { attributes: { name, 'rate-limit': options.rateLimit } });
    return 'created' as const;
  }

  async removeActiveSessions(name: string) {
    const found = await this.run('/ppp/active/print', { query: { name } });
    const ids = found.items.filter((i) => i.name === name && i['.id']).map((i) => i['.id']!);
    for (const id of ids) await this.run('/ppp/active/remove', { attributes: { '.id': id } });
    return ids.length;
  }

  close() {
    return this.client.close();
  }
}

export function createRouterOsProvisioner(options: RouterOsProvisionerOptions): RouterProvisioner {
  return {
    async open(target: RouterTarget) {
      const client = await connectAndLogin({
        host: target.host,
        port: target.port,
        username: target.username,
        password: target.password,
        tls: target.tls ? { rejectUnauthorized: options.tlsRejectUnauthorized, ...(options.tlsCa ? { ca: options.tlsCa } : {}) } : false,
        connectTimeoutMs: options.timeoutMs,
        commandTimeoutMs: options.timeoutMs,
      }).catch(translate);
      return new RouterOsSession(client);
    },
  };
}
