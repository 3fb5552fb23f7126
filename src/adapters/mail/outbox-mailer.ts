import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, IdGenerator } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Mailer } from '../../ports/mailer';

/**
 * Development mailer: every message becomes a file in `<dir>` (one .eml per message) and a log
 * line naming the recipient, subject and file. The body is not logged: it can hold reset tokens.
 */
export function createOutboxMailer(deps: { dir: string; clock: Clock; ids: IdGenerator; logger: Logger }): Mailer {
  return {
    async send(message) {
      await mkdir(deps.dir, { recursive: true });
      const at = deps.clock.now();
      const file = join(deps.dir, `${at.toISOString().replace(/[:.]/g, '-')}-${deps.ids.uuid()}.eml`);
      const content = [
        `Date: ${at.toUTCString()}`,
        `To: ${message.to}`,
        `Subject: ${message.subject}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        message.text,
        '',
      ].join('\r\n');
      await writeFile(file, content, { mode: 0o600 });
      deps.logger.info({ to: message.to, subject: message.subject, file }, 'mail written to dev outbox');
    },
  };
}
