import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../ports/logger';
import { ManualClock, sequentialIds } from '../../../test/support/clock';
import { createOutboxMailer } from './outbox-mailer';

/** The dev outbox: one .eml per message, plain text, or multipart/mixed with base64 attachments. */
describe('outbox mailer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mailer = () => createOutboxMailer({ dir, clock: new ManualClock(), ids: sequentialIds(), logger: silentLogger });
  const only = () => readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8');

  it('writes a plain message', async () => {
    await mailer().send({ to: 'jane@example.com', subject: 'Hello', text: 'Body text' });
    const eml = only();
    expect(eml).toContain('To: jane@example.com\r\nSubject: Hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody text');
  });

  it('writes attachments as base64 parts that decode to the bytes given', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.3\n'), Buffer.alloc(300, 0xab)]);
    await mailer().send({ to: 'jane@example.com', subject: 'Invoice', text: 'Attached.', attachments: [{ filename: 'invoice-INV-1.pdf', contentType: 'application/pdf', content: pdf }] });
    const eml = only();
    const boundary = /boundary="([^"]+)"/.exec(eml)![1]!;
    const parts = eml.split(`--${boundary}`);
    expect(parts[1]).toContain('Attached.');
    expect(parts[2]).toContain('Content-Disposition: attachment; filename="invoice-INV-1.pdf"');
    const base64 = parts[2]!.split('\r\n\r\n')[1]!.replace(/\r\n/g, '');
    expect(Buffer.from(base64, 'base64').equals(pdf)).toBe(true);
    expect(parts[3]).toBe('--\r\n');
  });
});
