// How PostgreSQL values arrive in TypeScript. Chosen on purpose, because
// slonik's defaults turn numeric into floats and timestamptz into epoch
// milliseconds:
// - numeric stays a string: scores and money are exact until the edge that
//   needs a JSON number converts them (and says so);
// - int8 (what count() and sum(int) return) becomes a number, and refuses
//   values a double cannot hold exactly rather than rounding them silently;
// - timestamptz becomes an ISO-8601 string in UTC; date stays 'YYYY-MM-DD';
//   so the same text travels in JSON and CSV.
import type { DriverTypeParser } from 'slonik';

const parseSafeInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`int8 value ${value} is outside JavaScript's safe integer range`);
  }
  return parsed;
};

export const typeParsers: readonly DriverTypeParser[] = [
  { name: 'int8', parse: parseSafeInteger },
  { name: 'numeric', parse: (value) => value },
  { name: 'timestamptz', parse: (value) => new Date(value).toISOString() },
  { name: 'timestamp', parse: (value) => value },
  { name: 'date', parse: (value) => value },
  { name: 'interval', parse: (value) => value },
];
