/** A UTC calendar day and the uploads folder and object key prefix that belong to it. */
export interface UploadDay {
  /** The day as `YYYY-MM-DD`. */
  readonly date: string;
  /** Relative folder and object key prefix, `YYYY/MM/DD`. */
  readonly prefix: string;
}

/**
 * Maximum number of days one `backfill` call covers.
 * NOTE: one year is a guess, not measured against the 15-minute Lambda timeout. Split busy years into shorter ranges.
 */
export const MAX_BACKFILL_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses `YYYY-MM-DD` as midnight UTC. Throws when the text has another format or names a day
 * that does not exist, such as `2026-02-30`.
 */
export function parseUploadDate(text: string, label: string): Date {
  const match = DATE_PATTERN.exec(text);
  if (!match) {
    throw new Error(`Invalid ${label} ${JSON.stringify(text)}: use the format YYYY-MM-DD, for example 2026-01-31.`);
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    throw new Error(`Invalid ${label} ${JSON.stringify(text)}: the day does not exist in the calendar.`);
  }
  return parsed;
}

/** Returns the `UploadDay` of the UTC day that contains `instant`. */
export function uploadDayOf(instant: Date): UploadDay {
  const date = instant.toISOString().slice(0, 10);
  return { date, prefix: date.replace(/-/g, '/') };
}

/** Returns the `days` most recent UTC days, oldest first, ending with the day of `now`. */
export function recentUploadDays(now: Date, days: number): UploadDay[] {
  if (!Number.isInteger(days) || days < 1 || days > MAX_BACKFILL_DAYS) {
    throw new Error(`Invalid days ${JSON.stringify(days)}: use a whole number from 1 to ${MAX_BACKFILL_DAYS}.`);
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const result: UploadDay[] = [];
  for (let offset = days - 1; offset >= 0; offset--) {
    result.push(uploadDayOf(new Date(today - offset * DAY_MS)));
  }
  return result;
}

/**
 * Returns every UTC day from `fromDate` to `toDate`, both included and given as `YYYY-MM-DD`.
 * Throws when a date is invalid, when `fromDate` is after `toDate`, or when the range is longer
 * than `MAX_BACKFILL_DAYS`.
 */
export function uploadDaysBetween(fromDate: string, toDate: string): UploadDay[] {
  const from = parseUploadDate(fromDate, 'fromDate');
  const to = parseUploadDate(toDate, 'toDate');
  if (from.getTime() > to.getTime()) {
    throw new Error(`Invalid date range: fromDate ${fromDate} is after toDate ${toDate}. Swap them or fix one of them.`);
  }
  const dayCount = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (dayCount > MAX_BACKFILL_DAYS) {
    throw new Error(
      `Invalid date range: ${fromDate} to ${toDate} covers ${dayCount} days, more than the maximum of `
      + `${MAX_BACKFILL_DAYS}. Split it into several backfill calls.`,
    );
  }
  const result: UploadDay[] = [];
  for (let index = 0; index < dayCount; index++) {
    result.push(uploadDayOf(new Date(from.getTime() + index * DAY_MS)));
  }
  return result;
}
