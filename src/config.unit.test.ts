import { ConfigError, loadConfig } from './config';

describe('configuration: HTTP server limits', () => {
  it('sets every limit deliberately by default', () => {
    const c = loadConfig({});
    expect({
      headers: c.HTTP_HEADERS_TIMEOUT_MS,
      request: c.HTTP_REQUEST_TIMEOUT_MS,
      idle: c.HTTP_IDLE_TIMEOUT_MS,
      keepAlive: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderBytes: c.HTTP_MAX_HEADER_BYTES,
    }).toEqual({ headers: 15_000, request: 120_000, idle: 60_000, keepAlive: 65_000, maxHeaderBytes: 16_384 });
  });

  it('refuses a header timeout longer than the request timeout, naming the variable', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '4000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('refuses a header size limit below 1 KiB', () => {
    expect(() => loadConfig({ HTTP_MAX_HEADER_BYTES: '100' })).toThrow(ConfigError);
  });
});

describe('configuration: ticket histories held in memory', () => {
  it('holds 100,000 entries by default, any number from 0 when given, and refuses what is not one', () => {
    expect(loadConfig({}).TICKET_HISTORY_ENTRIES).toBe(100_000);
    expect(loadConfig({ TICKET_HISTORY_ENTRIES: '0' }).TICKET_HISTORY_ENTRIES).toBe(0);
    expect(() => loadConfig({ TICKET_HISTORY_ENTRIES: 'lots' })).toThrow(/TICKET_HISTORY_ENTRIES/);
    expect(() => loadConfig({ TICKET_HISTORY_ENTRIES: '-1' })).toThrow(ConfigError);
  });
});

describe('configuration: answers kept', () => {
  it('keeps 16 MB of answers by default, none with 0, and refuses what is not a size', () => {
    expect(loadConfig({}).KEPT_ANSWERS_MB).toBe(16);
    expect(loadConfig({ KEPT_ANSWERS_MB: '0' }).KEPT_ANSWERS_MB).toBe(0);
    expect(() => loadConfig({ KEPT_ANSWERS_MB: 'much' })).toThrow(/KEPT_ANSWERS_MB/);
  });
});
