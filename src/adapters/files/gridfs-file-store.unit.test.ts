import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileTooLargeError } from '../../ports/file-store';
import { copyLimited, toStoredFile } from './gridfs-file-store';

describe('GridFS file store helpers', () => {
  describe('copyLimited', () => {
    it('writes every chunk in order, one at a time, and hashes the content', async () => {
      const written: string[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const sink = {
        write: async (chunk: Buffer) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setImmediate(r));
          written.push(chunk.toString());
          inFlight--;
        },
      };
      const result = await copyLimited(Readable.from(['ab', Buffer.from('cd'), 'e']), sink, 5);
      expect(written).toEqual(['ab', 'cd', 'e']);
      expect(maxInFlight).toBe(1);
      expect(result).toEqual({ size: 5, sha256: createHash('sha256').update('abcde').digest('hex') });
    });

    it('stops before writing the chunk that passes the limit, and stops reading', async () => {
      const written: Buffer[] = [];
      let produced = 0;
      const source = Readable.from((function* () {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield Buffer.alloc(10, i);
        }
      })());
      await expect(copyLimited(source, { write: async (c) => void written.push(c) }, 25)).rejects.toEqual(new FileTooLargeError(25));
      expect(written.map((c) => c.length)).toEqual([10, 10]);
      expect(produced).toBeLessThan(100);
    });

    it('passes sink failures through', async () => {
      await expect(copyLimited(Readable.from([Buffer.from('x')]), { write: async () => Promise.reject(new Error('disk full')) }, 10)).rejects.toThrow('disk full');
    });
  });

  it('reads the port fields from a GridFS file document', () => {
    const uploadDate = new Date('2026-01-15T12:00:01.000Z');
    expect(
      toStoredFile({ _id: 'f-1234567', filename: 'a.pdf', length: 12, uploadDate, metadata: { contentType: 'application/pdf', sha256: 'ab', createdAt: '2026-01-15T12:00:00.000Z' } }),
    ).toEqual({ id: 'f-1234567', filename: 'a.pdf', contentType: 'application/pdf', size: 12, sha256: 'ab', createdAt: '2026-01-15T12:00:00.000Z' });
    // A file written by another tool: sensible defaults.
    expect(toStoredFile({ _id: 'x', filename: 'b', length: 0, uploadDate })).toEqual({
      id: 'x',
      filename: 'b',
      contentType: 'application/octet-stream',
      size: 0,
      sha256: '',
      createdAt: '2026-01-15T12:00:01.000Z',
    });
  });
});
