import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../domain/ticket';
import { PERIODS } from '../../../projections/reports/queries';
import { array, boolean, constant, date, dateTime, integer, nullable, number, object, oneOfValues, record, ref, string, uuid } from '../../openapi/schema';
import type { HeaderObject, SchemaObject } from '../../openapi/types';
import { REPORT_FORMATS } from './input';

/** The OpenAPI side of document 000's reports (router.ts). */

const nullableString = () => nullable(string());

const figures: Record<string, SchemaObject> = {
  tickets_completed: integer(),
  average_completion_time: number('Hours.'),
  on_time_rate: number('Percent.'),
  average_rating: number(),
  first_call_resolution: number('Percent.'),
  rated_tickets: integer(),
};

const technicianRef = object({ id: uuid(), full_name: nullableString(), employee_id: nullableString() });
const counts = record(integer());

const inventoryItemFields = {
  id: string(),
  name: string(),
  category: string(),
  sku: string(),
  unit_price: number('Major units of the currency.'),
  currency: string(),
  stock_quantity: integer(),
  min_stock_level: integer(),
  is_low_stock: boolean(),
  stock_value: number(),
  created_at: dateTime(),
};

/** The OpenAPI schemas of the reports (src/projections/reports/queries.ts, src/projections/inventory/report.ts). */
export const REPORT_SCHEMAS: Record<string, SchemaObject> = {
  TmsDashboard: object({
    summary: object({
      total_tickets: integer(),
      pending_tickets: integer('new, assigned, in_progress and pending.'),
      completed_today: integer(),
      overdue_tickets: integer(),
      active_technicians: integer(),
      customer_satisfaction: number('Average rating of rated tickets.'),
      available_technicians: integer(),
      completed_tickets: integer(),
      rated_tickets: integer(),
    }),
    charts: object({
      tickets_by_status: array(object({ status: oneOfValues(TICKET_STATUSES), label: string(), count: integer() })),
      tickets_by_priority: array(object({ priority: oneOfValues(TICKET_PRIORITIES), label: string(), count: integer() })),
      completion_trend: array(object({ date: date(), completed: integer(), created: integer() }), 'One entry per day, oldest first.'),
      technician_performance: array(
        object({
          technician_id: uuid(),
          full_name: string(),
          employee_id: string(),
          completed_tickets: integer(),
          total_tickets: integer(),
          completion_rate: number(),
          average_rating: number(),
          average_completion_time: number(),
          on_time_rate: number(),
        }),
        'The top technicians by completed tickets.',
      ),
    }),
    generated_at: dateTime(),
    timezone: constant('UTC'),
  }),
  TmsTicketReportRow: object({
    id: uuid(),
    ticket_number: string(),
    status: oneOfValues(TICKET_STATUSES),
    priority: oneOfValues(TICKET_PRIORITIES),
    type: oneOfValues(TICKET_TYPES),
    title: string(),
    customer_id: uuid(),
    customer: nullable(string('The customer’s name.')),
    technician_id: nullable(uuid()),
    technician: nullable(string('The technician’s name.')),
    created_at: dateTime(),
    scheduled_at: nullable(dateTime()),
    completed_at: nullable(dateTime()),
    closed_at: nullable(dateTime()),
    sla_deadline: dateTime(),
    overdue: boolean('Open and past its deadline at report time.'),
    rating: nullable(integer()),
  }),
  TmsTicketReport: object({
    tickets: array(ref('TmsTicketReportRow'), 'Oldest first, at most `limit` rows.'),
    summary: object({
      total: integer('Tickets matching the filters.'),
      returned: integer(),
      truncated: boolean(),
      row_limit: integer(),
      by_status: counts,
      by_priority: counts,
      by_type: counts,
      open: integer(),
      completed: integer(),
      overdue: integer(),
    }),
    filters: object({
      date_from: nullableString(),
      date_to: nullableString(),
      technician_id: nullable(uuid()),
      customer_id: nullable(uuid()),
      status: nullableString(),
      type: nullableString(),
      priority: nullableString(),
      format: oneOfValues(REPORT_FORMATS),
      limit: integer(),
    }),
    generated_at: dateTime(),
  }),
  TmsPerformanceFigures: object(figures),
  TmsPerformanceReport: object({
    period: oneOfValues(PERIODS),
    filters: object({ technician_id: nullable(uuid()), date_from: date(), date_to: date() }),
    periods: array(
      object({
        period: string('2026-01-15 (daily), 2026-W03 (weekly), 2026-01 (monthly), 2026 (yearly).'),
        start: date(),
        end: date(),
        totals: ref('TmsPerformanceFigures'),
        technicians: array(object({ technician: technicianRef, ...figures })),
      }),
    ),
    technicians: array(object({ technician: technicianRef, ...figures })),
    summary: ref('TmsPerformanceFigures'),
    generated_at: dateTime(),
    timezone: constant('UTC'),
  }),
  TmsInventoryReport: object({
    items: array(ref('TmsInventoryReportItem'), 'Stock levels: every item of the filters, by category and name.'),
    low_stock_items: array(
      object({ ...inventoryItemFields, shortfall: integer('min_stock_level - stock_quantity, at least 0.') }),
      'Items at or below their minimum level.',
    ),
    summary: object({
      total_items: integer(),
      low_stock_items: integer(),
      total_units: integer(),
      total_value: number('Major units of the currency.'),
      currency: nullableString(),
      returned: integer(),
      truncated: boolean(),
      row_limit: integer(),
    }),
    by_category: array(object({ category: string(), items: integer(), low_stock_items: integer(), units: integer(), total_value: number() })),
    movements: object(
      {
        summary: array(
          object({
            type: oneOfValues(['received', 'assigned', 'returned', 'adjusted', 'written_off', 'assignment_cancelled']),
            movements: integer(),
            units: integer(),
            change: integer('Signed change of the available quantity.'),
          }),
        ),
        net_change: integer(),
        total: integer(),
        truncated: boolean(),
        items: array(
          object({
            id: string(),
            item_id: string(),
            item_name: string(),
            sku: string(),
            type: string(),
            quantity: integer(),
            change: integer(),
            quantity_after: integer(),
            reason: string(),
            assignment_id: nullableString(),
            technician_id: nullableString(),
            condition: nullableString(),
            at: dateTime(),
          }),
        ),
      },
      { description: 'Stock movements with date_from ≤ time < the end of date_to (the whole log when not given), oldest first.' },
    ),
    filters: object({ category: nullableString(), low_stock_only: boolean(), date_from: nullableString(), date_to: nullableString() }),
    generated_at: dateTime(),
  }),
  TmsInventoryReportItem: object(inventoryItemFields),
};

/** The headers of the CSV and PDF tickets report. */
export const REPORT_FILE_HEADERS: Record<string, HeaderObject> = {
  'X-Report-Total': { description: 'Tickets matching the filters (summary.total).', schema: { type: 'string' } },
  'X-Report-Rows': { description: 'Rows in the file (summary.returned).', schema: { type: 'string' } },
  'X-Report-Row-Limit': { description: 'summary.row_limit.', schema: { type: 'string' } },
  'X-Report-Truncated': { description: 'summary.truncated.', schema: { type: 'string', enum: ['true', 'false'] } },
  'Content-Disposition': { description: 'attachment; filename="tickets-report-<date>.csv|pdf"', schema: { type: 'string' } },
};
