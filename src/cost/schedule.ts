/** Reads how often an EventBridge schedule expression fires. */

const RATE_UNIT_HOURS: Readonly<Record<string, number>> = {
  minute: 1 / 60,
  minutes: 1 / 60,
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
};

/**
 * Returns how often a schedule expression fires per hour, on average, with a month of 365/12
 * days. Returns undefined for an expression it cannot read, such as a cron field with `L`, `W`
 * or `#`.
 */
export function invocationsPerHourOf(expression: string): number | undefined {
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/.exec(expression.trim());
  if (rate) {
    const unitHours = RATE_UNIT_HOURS[rate[2]];
    return unitHours && Number(rate[1]) > 0 ? 1 / (Number(rate[1]) * unitHours) : undefined;
  }

  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) {
    return undefined;
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    return undefined;
  }

  const minutes = countCronValues(fields[0], 0, 59);
  const hours = countCronValues(fields[1], 0, 23);
  if (minutes === undefined || hours === undefined) {
    return undefined;
  }

  const everyDay = (field: string) => field === '*' || field === '?';
  let dayShare = 1;
  if (!everyDay(fields[2])) {
    const daysOfMonth = countCronValues(fields[2], 1, 31);
    if (daysOfMonth === undefined) {
      return undefined;
    }
    dayShare = daysOfMonth / (365 / 12);
  } else if (!everyDay(fields[4])) {
    const daysOfWeek = countCronValues(fields[4], 1, 7);
    if (daysOfWeek === undefined) {
      return undefined;
    }
    dayShare = daysOfWeek / 7;
  }
  return (minutes * hours * dayShare) / 24;
}

/** Counts the values of one cron field; undefined for forms such as `L`, `W` and `#`. */
function countCronValues(field: string, min: number, max: number): number | undefined {
  let count = 0;
  for (const part of field.split(',')) {
    const step = /^(\*|\d+(?:-\d+)?)\/(\d+)$/.exec(part);
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (part === '*' || part === '?') {
      count += max - min + 1;
    } else if (step) {
      const [from, to] = step[1] === '*' ? [min, max] : step[1].includes('-') ? step[1].split('-').map(Number) : [Number(step[1]), max];
      count += Math.floor((to - from) / Number(step[2])) + 1;
    } else if (range) {
      count += Number(range[2]) - Number(range[1]) + 1;
    } else if (/^\d+$/.test(part)) {
      count += 1;
    } else if (/^[A-Z]{3}(-[A-Z]{3})?$/.test(part)) {
      count += part.includes('-') ? dayNameSpan(part) : 1;
    } else {
      return undefined;
    }
  }
  return count;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function dayNameSpan(range: string): number {
  const [from, to] = range.split('-').map((name) => DAY_NAMES.indexOf(name));
  return from < 0 || to < 0 ? 1 : ((to - from + 7) % 7) + 1;
}
