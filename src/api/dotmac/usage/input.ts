import { z } from 'zod';
import { calendarDate } from '../envelope';

const gigabytes = (name: string) =>
  z
    .number({ error: `The ${name} must be a number of gigabytes.` })
    .nonnegative(`The ${name} may not be negative.`)
    .max(100_000, `The ${name} may not be greater than 100000.`);

/** A service instance id of document 004: the subscription's integer id, as a string ("42") or a number. */
export const serviceIdInput = z.union([z.string().regex(/^[1-9]\d{0,14}$/, 'The service_id must be a service id.'), z.number().int().positive()], {
  error: 'The service_id must be a service id.',
}).transform((v) => Number(v));

export const usageBody = z.object({
  records: z
    .array(
      z.object({
        service_id: serviceIdInput,
        date: calendarDate.describe('The day (YYYY-MM-DD, in the billing time zone) the counters are for.'),
        download_gb: gigabytes('download_gb').describe("The day's download in GB (decimal: 1 GB = 1000 MB), kept to the megabyte."),
        upload_gb: gigabytes('upload_gb'),
      }),
      { error: 'The records field is required.' },
    )
    .min(1, 'Give at least one record.')
    .max(5000, 'A batch may hold at most 5000 records.'),
});
