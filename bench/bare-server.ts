/**
 * The bare Express handler the product is compared with in `npm run bench`: same framework,
 * same machine, one JSON answer, nothing else. Prints its URL on stdout.
 */
import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.json({ data: [], pagination: { current_page: 1, last_page: 1, total: 0, per_page: 10 } });
});
// With BARE_PAGE_FILE: GET /page answers that JSON (a real list page the bench saved), parsed once
// and serialised per request as the product does, to show what sending the page alone costs.
const pageFile = process.env.BARE_PAGE_FILE;
if (pageFile) {
  const page: unknown = JSON.parse(readFileSync(pageFile, 'utf8'));
  app.get('/page', (_req, res) => {
    res.json(page);
  });
}
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
