import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../ports/clock';

/**
 * Uploaded files are served by signed, expiring URLs, so an <img> tag can show a photo without
 * an Authorization header while the file stays unreachable to anyone without a fresh link.
 */
export class FileUrls {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly ttlSeconds = 3600,
  ) {}

  private sign(fileId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`file:${fileId}:${expires}`).digest('base64url');
  }

  path(fileId: string): string {
    // Rounded up to the hour so the URL (and the response carrying it) stays stable for a while.
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const expires = (Math.floor(now / 3600) + 1) * 3600 + this.ttlSeconds;
    return `/files/${encodeURIComponent(fileId)}?expires=${expires}&signature=${this.sign(fileId, expires)}`;
  }

  verify(fileId: string, expires: string | undefined, signature: string | undefined): boolean {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
    if (Number(expires) < Math.floor(this.clock.now().getTime() / 1000)) return false;
    const expected = Buffer.from(this.sign(fileId, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
