import { PaymentGatewayError } from '../../ports/payment-gateway';
import { startXenditStandIn, type XenditStandIn } from '../../../test/support/xendit-stand-in';
import { createXenditGateway } from './xendit-gateway';

/** The Xendit adapter against a local stand-in of Xendit's invoice API. */
describe('Xendit payment gateway adapter', () => {
  let standIn: XenditStandIn;
  const input = {
    externalId: 'INV-JAKINET-2026-000001',
    amount: 300_000,
    currency: 'IDR',
    description: 'INV-JAKINET-2026-000001 (2026-01)',
    payerEmail: 'budi@example.com',
    customerName: 'Budi',
    durationSeconds: 7 * 86_400,
    apiKey: null,
  };

  beforeEach(async () => {
    standIn = await startXenditStandIn(['xnd_default', 'xnd_brand']);
  });
  afterEach(async () => {
    await standIn.stop();
  });

  it('creates an invoice link with HTTP Basic auth (the key as user name, no password)', async () => {
    const gateway = createXenditGateway({ baseUrl: standIn.url, apiKey: 'xnd_default' });
    const link = await gateway.createPaymentLink(input);
    expect(gateway.name).toBe('xendit');
    expect(link).toEqual({ gatewayInvoiceId: expect.stringMatching(/^65f0/), url: expect.stringMatching(/^https:\/\/checkout-staging\.xendit\.co\/web\//), expiresAt: '2026-01-22T12:00:00.000Z' });
    expect(standIn.requests).toHaveLength(1);
    const [req] = standIn.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v2/invoices', authorization: `Basic ${Buffer.from('xnd_default:').toString('base64')}` });
    expect(req!.body).toEqual({
      external_id: 'INV-JAKINET-2026-000001',
      amount: 300_000,
      currency: 'IDR',
      description: 'INV-JAKINET-2026-000001 (2026-01)',
      invoice_duration: 604_800,
      payer_email: 'budi@example.com',
      customer: { given_names: 'Budi', email: 'budi@example.com' },
    });
  });

  it('uses the brand’s own key over the default one', async () => {
    await createXenditGateway({ baseUrl: standIn.url, apiKey: 'xnd_default' }).createPaymentLink({ ...input, apiKey: 'xnd_brand' });
    expect(standIn.requests[0]!.authorization).toBe(`Basic ${Buffer.from('xnd_brand:').toString('base64')}`);
  });

  it('turns refusals and failures into PaymentGatewayError with a reason safe to record', async () => {
    const wrongKey = createXenditGateway({ baseUrl: standIn.url, apiKey: 'xnd_wrong' });
    await expect(wrongKey.createPaymentLink(input)).rejects.toEqual(new PaymentGatewayError('Xendit answered 401 INVALID_API_KEY', 401));
    standIn.failWith = 503;
    await expect(createXenditGateway({ baseUrl: standIn.url, apiKey: 'xnd_default' }).createPaymentLink(input)).rejects.toMatchObject({ reason: 'Xendit answered 503 SERVER_ERROR', status: 503 });
    await expect(createXenditGateway({ baseUrl: standIn.url, apiKey: null }).createPaymentLink(input)).rejects.toMatchObject({ reason: 'no Xendit API key is configured for this brand' });
    const unreachable = createXenditGateway({ baseUrl: 'http://127.0.0.1:1', apiKey: 'xnd_default' });
    await expect(unreachable.createPaymentLink(input)).rejects.toMatchObject({ reason: 'Xendit could not be reached' });
    for (const e of [wrongKey]) expect(JSON.stringify(await e.createPaymentLink(input).catch((err: unknown) => err))).not.toContain('xnd_wrong');
  });

  it('gives up after its timeout', async () => {
    const slow = createXenditGateway({
      baseUrl: standIn.url,
      apiKey: 'xnd_default',
      timeoutMs: 50,
      fetch: (url, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })))),
    });
    await expect(slow.createPaymentLink(input)).rejects.toMatchObject({ reason: 'Xendit did not answer in time' });
  });
});
