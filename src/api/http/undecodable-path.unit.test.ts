import { escapeUndecodableSegments } from './undecodable-path';

describe('escapeUndecodableSegments', () => {
  it('escapes the % of each segment that is not valid percent-encoding, so it decodes to the text sent', () => {
    expect(escapeUndecodableSegments('/api/customers/%ED%A0%80')).toBe('/api/customers/%25ED%25A0%2580');
    expect(escapeUndecodableSegments('/api/technicians/%E0%A4%A/performance')).toBe('/api/technicians/%25E0%25A4%25A/performance');
    expect(escapeUndecodableSegments('/api/tickets/%00%ff')).toBe('/api/tickets/%2500%25ff');
    expect(decodeURIComponent(escapeUndecodableSegments('/x/%'))).toBe('/x/%');
  });

  it('leaves valid escapes, other segments and paths without % exactly as they are', () => {
    expect(escapeUndecodableSegments('/api/customers/%61%62%63/tickets')).toBe('/api/customers/%61%62%63/tickets');
    expect(escapeUndecodableSegments('/files/%2F/%zz')).toBe('/files/%2F/%25zz');
    expect(escapeUndecodableSegments('/api/tickets')).toBe('/api/tickets');
  });
});
