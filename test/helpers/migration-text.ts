// The SQL a released migration executes, as node-pg-migrate receives it: a
// .sql migration's whole file; a .js migration's pgm.sql() calls, recorded
// in order, up and down. Hashed, for test/frozen-migrations.test.ts.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

export const MIGRATIONS = new URL('../../migrations/', import.meta.url);

export type ExecutedSql = { readonly up: string; readonly down: string };

type Step = ((pgm: unknown) => void) | false | undefined;

/** Every migration file, in the order node-pg-migrate applies them (folders beside them are their frozen SQL). */
export async function migrationFiles(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS, { withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

/** The statements a migration sends, up and down, in order. */
export async function executedTexts(file: string): Promise<{ readonly up: readonly string[]; readonly down: readonly string[] }> {
  if (file.endsWith('.sql')) {
    const text = [await readFile(new URL(file, MIGRATIONS), 'utf8')];
    return { up: text, down: text };
  }
  const module = (await import(new URL(file, MIGRATIONS).href)) as { up?: Step; down?: Step };
  const record = (step: Step) => {
    const parts: string[] = [];
    const pgm = new Proxy({ sql: (text: string) => void parts.push(text) }, {
      get(target, name) {
        if (name === 'sql') return target.sql;
        throw new Error(`${file} calls pgm.${String(name)}, which this recorder does not know: teach it before releasing`);
      },
    });
    if (step) step(pgm);
    return parts;
  };
  return { up: record(module.up), down: record(module.down) };
}

export async function executedSql(file: string): Promise<ExecutedSql> {
  const hash = (parts: readonly string[]) => createHash('sha256').update(parts.join('\n;\n')).digest('hex');
  const texts = await executedTexts(file);
  return { up: hash(texts.up), down: hash(texts.down) };
}
