/**
 * The bare Express handler the product is compared with in `npm run bench`: same framework,
 * same machine, one JSON answer, nothing else. Prints its URL on stdout.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';

const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.json({ data: [], pagination: { current_page: 1, last_page: 1, total: 0, per_page: 10 } });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
