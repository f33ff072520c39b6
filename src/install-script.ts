// The package as it is now, from its current definitions: sql/install.sql
// lists the files under sql/ in the order a fresh install applies them (psql
// reads its `\ir` lines itself; migrate() reads them here). Each object of
// the package is defined in exactly one of those files.
import { readFileSync } from 'node:fs';
import { sqlPath } from './db/sql-file.ts';

export const INSTALL_MANIFEST = 'install.sql';

export type InstallStep = {
  /** The file under sql/ the text comes from (install.sql itself for its own statements). */
  readonly file: string;
  readonly text: string;
};

/** The steps of sql/install.sql in order: every `\ir` file's text, and the manifest's own statements. */
export function installSteps(): InstallStep[] {
  const manifest = readFileSync(sqlPath(INSTALL_MANIFEST), 'utf8');
  const steps: InstallStep[] = [];
  for (const line of manifest.split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('--')) continue;
    const include = /^\\ir\s+(\S+)$/.exec(line);
    if (include) steps.push({ file: include[1]!, text: readFileSync(sqlPath(include[1]!), 'utf8') });
    else if (line.startsWith('\\')) throw new Error(`${INSTALL_MANIFEST}: only \\ir is understood, not: ${line}`);
    else steps.push({ file: INSTALL_MANIFEST, text: line });
  }
  return steps;
}
