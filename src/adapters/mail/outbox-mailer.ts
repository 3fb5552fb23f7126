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
      const head = [`Date: ${at.toUTCString()}`, `To: ${message.to}`, `Subject: ${message.subject}`, 'MIME-Version: 1.0'];
      let content: string;
      if (!message.attachments?.length) {
        content = [...head, 'Content-Type: text/plain; charset=utf-8', '', message.text, ''].join('\r\n');
      } else {
        // multipart/mixed: the text, then each attachment in base64 (RFC 2045 lines of 76).
        const boundary = `=_outbox_${deps.ids.uuid()}`;
        const parts = [`--${boundary}`, 'Content-Type: text/plain; charset=utf-8', '', message.text];
        for (const a of message.attachments) {
          const name = a.filename.replace(/["\\\r\n]/g, '_');
          parts.push(`--${boundary}`, `Content-Type: ${a.contentType}; name="${name}"`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="${name}"`, '', ...(a.content.toString('base64').match(/.{1,76}/g) ?? []));
        }
        parts.push(`--${boundary}--`, '');
        content = [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n');
      }
      await writeFile(file, content, { mode: 0o600 });
      deps.logger.info({ to: message.to, subject: message.subject, attachments: message.attachments?.map((a) => a.filename) ?? [], file }, 'mail written to dev outbox');
    },
  };
}
