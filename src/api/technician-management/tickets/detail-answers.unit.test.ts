import type { TicketDoc } from '../../../projections/tickets/projector';
import type { CustomerSummary } from '../../../projections/tickets/queries';
import type { UserDoc } from '../../../projections/users/projector';
import { jsonWithTexts } from '../../http/json-text';
import { DetailAnswers } from './detail-answers';
import type { Parties } from './presenter';

/** Only what DetailAnswers reads of a ticket: its customer and attachments. */
const ticket = (attachments: Array<{ file_id: string | null }> = []): TicketDoc =>
  Object.freeze({ _id: 't-1', customer_id: 'c-1', attachments: Object.freeze(attachments) }) as unknown as TicketDoc;

const partiesOf = (customer: object, technician: object, frozen = true): Parties => {
  const keep = <T extends object>(o: T) => (frozen ? Object.freeze(o) : o);
  return {
    customers: new Map([['c-1', keep(customer) as CustomerSummary]]),
    users: new Map([['u-1', keep(technician) as UserDoc]]),
  };
};

describe('DetailAnswers', () => {
  const answers = () => new DetailAnswers((detail) => jsonWithTexts({ success: true, data: { ticket: detail } }));
  const detail = { id: 't-1', title: 'Slow line' };

  it('makes the whole answer around the detail, as UTF-8', () => {
    const body = answers().keep(ticket(), 'staff', ['u-1'], partiesOf({ name: 'Budi' }, { name: 'Teknisi' }), { ...detail, note: 'Jalan Kenanga' });
    expect(JSON.parse(body.toString('utf8'))).toEqual({ success: true, data: { ticket: { ...detail, note: 'Jalan Kenanga' } } });
  });

  it('answers again with the kept bytes while the ticket and the people it names are the same objects', () => {
    const kept = answers();
    const doc = ticket();
    const parties = partiesOf({ name: 'Budi' }, { name: 'Teknisi' });
    const body = kept.keep(doc, 'staff', ['u-1'], parties, detail);
    expect(kept.userIdsOf(doc, 'staff')).toEqual(['u-1']);
    expect(kept.reuse(doc, 'staff', parties)).toBe(body);
    expect(kept.reuse(doc, 'staff', { customers: parties.customers, users: new Map(parties.users) })).toBe(body);
  });

  it('does not answer for another version of the ticket, another view, or a renamed person', () => {
    const kept = answers();
    const doc = ticket();
    const parties = partiesOf({ name: 'Budi' }, { name: 'Teknisi' });
    kept.keep(doc, 'staff', ['u-1'], parties, detail);
    expect(kept.userIdsOf(ticket(), 'staff')).toBeUndefined();
    expect(kept.userIdsOf(doc, 'customer')).toBeUndefined();
    const renamed = partiesOf({ name: 'Budi' }, { name: 'Teknisi Baru' });
    expect(kept.reuse(doc, 'staff', { customers: parties.customers, users: renamed.users })).toBeUndefined();
    expect(kept.reuse(doc, 'staff', { customers: renamed.customers, users: parties.users })).toBeUndefined();
  });

  it('keeps the two views of one version apart', () => {
    const kept = answers();
    const doc = ticket();
    const parties = partiesOf({ name: 'Budi' }, { name: 'Teknisi' });
    const staff = kept.keep(doc, 'staff', ['u-1'], parties, { ...detail, comments: ['internal note'] });
    const customer = kept.keep(doc, 'customer', [], parties, { ...detail, comments: [] });
    expect(kept.reuse(doc, 'staff', parties)).toBe(staff);
    expect(kept.reuse(doc, 'customer', parties)).toBe(customer);
    expect(kept.userIdsOf(doc, 'customer')).toEqual([]);
  });

  it.each([
    ['a ticket that is not frozen (a copy from MongoDB or the memory store)', () => ({ ...ticket() }) as TicketDoc, true],
    ['a ticket with an uploaded attachment (its link is signed for the hour)', () => ticket([{ file_id: 'f-1' }]), true],
    ['people that are not frozen', () => ticket(), false],
  ])('never keeps %s', (_, make, frozenParties) => {
    const kept = answers();
    const doc = make();
    const parties = partiesOf({ name: 'Budi' }, { name: 'Teknisi' }, frozenParties);
    expect(kept.keep(doc, 'staff', ['u-1'], parties, detail).length).toBeGreaterThan(0);
    expect(kept.userIdsOf(doc, 'staff')).toBeUndefined();
    expect(kept.reuse(doc, 'staff', parties)).toBeUndefined();
  });

  it('keeps a ticket whose attachments are links given as URLs', () => {
    const kept = answers();
    const doc = ticket([{ file_id: null }]);
    const parties = partiesOf({ name: 'Budi' }, { name: 'Teknisi' });
    const body = kept.keep(doc, 'staff', ['u-1'], parties, detail);
    expect(kept.reuse(doc, 'staff', parties)).toBe(body);
  });
});
