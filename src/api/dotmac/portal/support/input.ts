import { z } from 'zod';
import { DOTMAC_TICKET_PRIORITIES, DOTMAC_TICKET_STATUSES, TICKET_CATEGORIES } from '../../../../domain/ticket/dotmac-vocabulary';
import { uuidPathParam } from '../../../http/conditional';
import { pageQuery } from '../../envelope';
import { serviceIdInput } from '../../usage/input';

export const ticketsQuery = pageQuery.extend({
  status: z.enum(DOTMAC_TICKET_STATUSES, { error: `The status must be one of ${DOTMAC_TICKET_STATUSES.join(', ')}.` }).optional(),
  priority: z.enum(DOTMAC_TICKET_PRIORITIES, { error: `The priority must be one of ${DOTMAC_TICKET_PRIORITIES.join(', ')}.` }).optional(),
});

const text = (name: string, max: number) =>
  z.string({ error: `The ${name} field is required.` }).trim().min(1, `The ${name} field is required.`).max(max, `The ${name} may not be longer than ${max} characters.`);

export const createTicketBody = z.object({
  subject: text('subject', 200),
  category: z.enum(TICKET_CATEGORIES, { error: `The category must be one of ${TICKET_CATEGORIES.join(', ')}.` }).default('general'),
  priority: z.enum(DOTMAC_TICKET_PRIORITIES, { error: `The priority must be one of ${DOTMAC_TICKET_PRIORITIES.join(', ')}.` }).default('medium'),
  description: text('description', 5000),
  service_id: serviceIdInput.nullable().optional(),
});

export const ticketParams = z.object({ ticket_id: uuidPathParam().describe('The ticket id.') });

export const commentBody = z.object({ message: text('message', 5000) });
