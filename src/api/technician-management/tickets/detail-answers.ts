import type { TicketDoc } from '../../../projections/tickets/projector';
import { JsonText, keepable, sameShown } from '../../http/json-text';
import type { Parties } from './presenter';

/** The answer of one view of one version of a ticket, with the people it names as they were shown. */
interface Held {
  userIds: readonly string[];
  shown: readonly unknown[];
  body: Buffer;
}

export type DetailView = 'staff' | 'customer';

/**
 * The answer showing a ticket's detail (GET /api/tickets/:id and the answer of a write), kept as
 * UTF-8 bytes per version of the ticket document and per view (staff, or a customer's without
 * internal notes): a kept answer is written as it is, neither serialised nor encoded again.
 * A detail is made of the document, the history of its stream up to the document's revision
 * and the customer and people it names. The log is append-only, so the history up to a revision
 * never changes: the document's version fixes it, and a kept answer is reused without reading the
 * history again. The customer and the people are looked up at each request and compared by
 * identity with those the answer showed (the SQLite store hands the same frozen object until a
 * document changes, json-text.ts): a renamed technician or customer makes the detail again.
 *
 * Only frozen documents are kept (copies from other stores could change), and never a ticket
 * with an uploaded attachment: its link is signed for the hour it is shown in. An entry goes
 * with its document object, so what is held is bounded by the read store's parse cache (one
 * answer per view of a held ticket document, off the JavaScript heap, each about twice the
 * size of the document's JSON: the history is not in the document).
 */
export class DetailAnswers {
  private readonly held = new WeakMap<TicketDoc, Partial<Record<DetailView, Held>>>();

  /** `answerOf`: the whole answer's JSON around the detail's (the document's envelope). */
  constructor(private readonly answerOf: (detail: JsonText) => string) {}

  /** The people a kept answer of this version names, to look up before `reuse`. */
  userIdsOf(doc: TicketDoc, view: DetailView): readonly string[] | undefined {
    return this.held.get(doc)?.[view]?.userIds;
  }

  /** The kept answer, when the customer and people looked up are those it showed. */
  reuse(doc: TicketDoc, view: DetailView, parties: Parties): Buffer | undefined {
    const held = this.held.get(doc)?.[view];
    if (held === undefined) return undefined;
    return sameShown(held.shown, shownBy(doc, held.userIds, parties)) ? held.body : undefined;
  }

  /** Makes the answer of a detail just presented, and keeps it when it can be reused. */
  keep(doc: TicketDoc, view: DetailView, userIds: readonly string[], parties: Parties, detail: unknown): Buffer {
    const body = Buffer.from(this.answerOf(new JsonText(JSON.stringify(detail))));
    const shown = shownBy(doc, userIds, parties);
    // An uploaded attachment's link is signed for the hour: such a detail is made each time.
    if (keepable(doc, shown) && doc.attachments.every((a) => !a.file_id)) this.held.set(doc, { ...this.held.get(doc), [view]: { userIds, shown, body } });
    return body;
  }
}

const shownBy = (doc: TicketDoc, userIds: readonly string[], parties: Parties): unknown[] => [
  parties.customers.get(doc.customer_id),
  ...userIds.map((id) => parties.users.get(id)),
];
