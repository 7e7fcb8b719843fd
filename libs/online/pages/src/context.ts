import type { Device } from '@marquee/domain';

export type Daypart = 'morning' | 'afternoon' | 'evening' | 'night';

/** What the page knows about the moment it is served: device type and time of day. */
export interface PageContext {
  device: Device;
  timeZone: string;
  /** Hour in the member's time zone: words ("tonight"). */
  localHour: number;
  daypart: Daypart;
  /** Hour in UTC: the clock plays are stored in, so the one offline hour affinities are keyed by. */
  utcHour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function hourFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    // Zones are validated at the edge, so this stays small; the bound guards against surprises.
    if (formatters.size > 1000) formatters.clear();
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. Europe/Berlin). */
export function isTimeZone(timeZone: string): boolean {
  try {
    hourFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function daypartOf(hour: number): Daypart {
  if (hour >= 5 && hour < 12) return 'morning';
  if (hour >= 12 && hour < 17) return 'afternoon';
  if (hour >= 17 && hour < 21) return 'evening';
  return 'night';
}

/** A zone's local hour changes at most every quarter hour, so it is formatted once per minute. */
const hours = new Map<string, { minute: number; hour: number }>();

function localHourOf(now: Date, timeZone: string): number {
  const minute = Math.floor(now.getTime() / 60_000);
  const known = hours.get(timeZone);
  if (known?.minute === minute) return known.hour;
  const hour = Number(hourFormat(timeZone).format(now)) % 24;
  if (hours.size > 1000) hours.clear();
  hours.set(timeZone, { minute, hour });
  return hour;
}

export function pageContext(device: Device, now: Date, timeZone = 'UTC'): PageContext {
  const localHour = localHourOf(now, timeZone);
  return { device, timeZone, localHour, daypart: daypartOf(localHour), utcHour: now.getUTCHours() };
}

const DEVICE_WORDS: Record<Device, string> = {
  tv: 'TV',
  mobile: 'mobile',
  web: 'the web',
  tablet: 'tablets',
};
const DAYPART_WORDS: Record<Daypart, string> = {
  morning: 'this morning',
  afternoon: 'this afternoon',
  evening: 'this evening',
  night: 'tonight',
};

/** "on TV tonight": the context in a reason's words. */
export function contextWords(context: PageContext): string {
  return `on ${DEVICE_WORDS[context.device]} ${DAYPART_WORDS[context.daypart]}`;
}
