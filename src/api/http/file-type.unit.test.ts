import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { readHead, sniffType, StreamClosedEarly } from './file-type';

describe('readHead', () => {
  it('reads the first bytes and leaves the stream yielding everything', async () => {
    const stream = Readable.from([Buffer.from('%PD'), Buffer.from('F-1.7 rest of the file')], { objectMode: false });
    const { head, ended } = await readHead(stream, 12);
    expect(ended).toBe(false);
    expect(head.toString()).toBe('%PDF-1.7 res');
    expect(sniffType(head)).toEqual({ type: 'application/pdf', kind: 'document' });
    expect(await text(stream)).toBe('%PDF-1.7 rest of the file');
  });

  it('gives all of a stream shorter than the head, marked ended', async () => {
    const { head, ended } = await readHead(Readable.from([Buffer.from('GIF89a')]), 12);
    expect({ head: head.toString(), ended }).toEqual({ head: 'GIF89a', ended: true });
  });

  it("rejects with the stream's error and leaves no listener behind", async () => {
    const stream = new PassThrough();
    const reading = readHead(stream, 12);
    stream.write(Buffer.from([0x89, 0x50]));
    stream.destroy(new Error('Unexpected end of form'));
    await expect(reading).rejects.toThrow('Unexpected end of form');
    expect(stream.listenerCount('readable') + stream.listenerCount('end') + stream.listenerCount('error')).toBe(0);
  });

  it('rejects when the stream is closed without an error', async () => {
    const stream = new PassThrough();
    const reading = readHead(stream, 12);
    stream.destroy();
    await expect(reading).rejects.toBeInstanceOf(StreamClosedEarly);
  });
});
