/**
 * The running server, through its HTTP APIs: /api/v1/ops (super admin) for the projections and
 * /api/v1/audit (super admin or auditor) for streams, verification and exports. What the command
 * line does with `--url`, so nothing but the server writes the read models it serves.
 */

export class RemoteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export class Remote {
  private constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** With an access token, or by signing in with an email and password (POST /api/auth/login). */
  static async connect(url: string, credentials: { token?: string; email?: string; password?: string }): Promise<Remote> {
    const base = url.replace(/\/+$/, '');
    if (credentials.token) return new Remote(base, credentials.token);
    if (!credentials.email || !credentials.password) throw new RemoteError(0, '--url needs --token, or --email and --password (or ISP_TOKEN, ISP_EMAIL, ISP_PASSWORD)');
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
    if (res.status !== 200 || !body.token) throw new RemoteError(res.status, `sign-in at ${base} failed (${res.status}): ${body.message ?? 'no token'}`);
    return new Remote(base, body.token);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 400) {
      const text = await res.text();
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string; details?: unknown } };
        message = `${parsed.error?.message ?? text}${parsed.error?.details && Object.keys(parsed.error.details).length ? ` ${JSON.stringify(parsed.error.details)}` : ''}`;
      } catch {
        // not JSON: the text as it is
      }
      throw new RemoteError(res.status, `${method} ${path}: ${res.status} ${message}`);
    }
    return res;
  }

  /** A JSON answer in document 000's envelope: its `data`. */
  async data<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body);
    return ((await res.json()) as { data: T }).data;
  }

  /** A text answer (JSON Lines), as chunks. */
  async *text(path: string): AsyncGenerator<string> {
    const res = await this.call('GET', path);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(chunk, { stream: true });
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}
