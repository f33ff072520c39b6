// Flag parsing shared by every command: node's parseArgs in strict mode
// (unknown flags are errors), then zod for values, with messages that name
// the flag and what it accepts.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './usage-error.ts';

export type FlagSpec = Record<string, { type: 'string' | 'boolean' }>;

export function parseFlags<const Spec extends FlagSpec>(
  argv: readonly string[],
  spec: Spec,
  maxPositionals = 0,
) {
  try {
    const parsed = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: true });
    if (parsed.positionals.length > maxPositionals) {
      throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
    }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const allowed = Object.keys(spec).map((flag) => `--${flag}`);
    const known = allowed.length ? `allowed: ${allowed.join(', ')}` : 'this command takes no options';
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) throw new UsageError(`unknown option ${unknown}; ${known}`, { cause: error });
    const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message)?.[1];
    if (ambiguous) {
      throw new UsageError(`${ambiguous} needs a value; for one that starts with "-" write ${ambiguous}=VALUE`, { cause: error });
    }
    // e.g. "Option '--users <value>' argument missing"
    throw new UsageError(`${message.split('.')[0]}; ${known}`, { cause: error });
  }
}

/** Validates one flag's value with a zod schema; the message names the flag. */
export function flagValue<T>(flag: string, schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new UsageError(`--${flag} ${JSON.stringify(raw)}: ${result.error.issues[0]?.message ?? 'invalid value'}`);
}

export const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);
