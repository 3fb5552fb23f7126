/**
 * Calendar dates and clock times in a named time zone (IANA, e.g. Asia/Jakarta), for documents
 * that speak in days ("assigned_date", "not in the future") and show a date and a time apart.
 * Pure: the instant is passed in.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** { date: 'YYYY-MM-DD', time: 'HH:MM:SS' } of an instant in `timeZone`. */
export function localDateTime(instant: Date | string, timeZone: string): { date: string; time: string } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(typeof instant === 'string' ? new Date(instant) : instant)) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

/** Today (YYYY-MM-DD) in `timeZone`. */
export function localDate(instant: Date | string, timeZone: string): string {
  return localDateTime(instant, timeZone).date;
}

/** Whether `timeZone` is a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
