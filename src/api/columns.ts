// The columns of every metric's rows, declared once. One declaration gives
// the zod schema that validates and types the rows (and their OpenAPI
// schema), the JSON query's select list and the CSV export's.
import { z } from 'zod';

// How a column travels. Postgres writes numbers into JSON and CSV as exact
// decimal text (rates and means are rounded in SQL); `text` cells are
// neutralised against formula injection in CSV only.
const KINDS = {
  date: z.iso.date(),
  instant: z.iso.datetime({ offset: true }),
  count: z.number().int(),
  number: z.number().nullable(),
  text: z.string().nullable(),
  uuid: z.guid(),
  flag: z.boolean(),
} as const;
type Kind = keyof typeof KINDS;

export type Column = {
  readonly name: string;
  readonly kind: Kind;
  readonly description: string;
  /** The SQL function's column when it has another name. */
  readonly source?: string;
};

type RowShape<C extends readonly Column[]> = { [K in C[number] as K['name']]: (typeof KINDS)[K['kind']] };

export type RowSchema<C extends readonly Column[]> = z.ZodObject<RowShape<C>>;

export function rowSchema<const C extends readonly Column[]>(columns: C): RowSchema<C> {
  const shape = Object.fromEntries(columns.map((column) => [column.name, KINDS[column.kind].describe(column.description)]));
  return z.strictObject(shape) as unknown as RowSchema<C>;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The select list for CSV: exact numerics, text cells through analytics.csv_text. */
export function csvSelectList(columns: readonly Column[]): string {
  return columns
    .map((column) => {
      const source = quote(column.source ?? column.name);
      const value = column.kind === 'text' ? `analytics.csv_text(${source})` : source;
      return `${value} as ${quote(column.name)}`;
    })
    .join(', ');
}
