import { sniffType } from './file-type';

/** The `text` kind (CSV imports): UTF-8 text is recognised after every binary signature. */
describe('sniffType: plain text', () => {
  it.each([
    ['an ASCII CSV header', Buffer.from('Nama,No KTP\r\n')],
    ['UTF-8 with a BOM', Buffer.from('\ufeffNama,Alamat\n', 'utf8')],
    ['accented and non-Latin letters', Buffer.from('Señora,Jl. Ćwiek,日本')],
    ['a multi-byte letter cut at the end of the head', Buffer.from('Nama,Jos\xc3', 'latin1')],
  ])('%s is text/csv', (_name, head) => {
    expect(sniffType(head.subarray(0, 12))).toEqual({ type: 'text/csv', kind: 'text' });
  });

  it.each([
    ['a NUL byte', Buffer.from([0x4e, 0x61, 0x00, 0x61])],
    ['a control character', Buffer.from([0x41, 0x1b, 0x42])],
    ['invalid UTF-8', Buffer.from([0x41, 0xff, 0x42])],
    ['an empty file', Buffer.alloc(0)],
  ])('%s is not', (_name, head) => {
    expect(sniffType(head)).toBeNull();
  });

  it('binary formats keep their own type even when their signature is ASCII', () => {
    expect(sniffType(Buffer.from('GIF89a......'))?.kind).toBe('image');
    expect(sniffType(Buffer.from('%PDF-1.7 abc'))?.kind).toBe('document');
  });
});
