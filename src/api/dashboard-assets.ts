// The dashboard's files, read once: the page and script under the package's
// dashboard/ folder, and uPlot (the charting library) from node_modules, so
// the page works offline with no CDN.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type Asset = { readonly type: string; readonly body: Buffer };

const packageFile = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const uplotFile = (name: string) => createRequire(import.meta.url).resolve(`uplot/dist/${name}`);

export async function dashboardAssets(): Promise<{ readonly page: Asset; readonly files: ReadonlyMap<string, Asset> }> {
  const load = async (path: string, type: string): Promise<Asset> => ({ type, body: await readFile(path) });
  const [page, script, style, uplot, uplotStyle] = await Promise.all([
    load(packageFile('dashboard/index.html'), 'text/html; charset=utf-8'),
    load(packageFile('dashboard/dashboard.js'), 'text/javascript; charset=utf-8'),
    load(packageFile('dashboard/dashboard.css'), 'text/css; charset=utf-8'),
    load(uplotFile('uPlot.iife.min.js'), 'text/javascript; charset=utf-8'),
    load(uplotFile('uPlot.min.css'), 'text/css; charset=utf-8'),
  ]);
  return {
    page,
    files: new Map([
      ['dashboard.js', script],
      ['dashboard.css', style],
      ['uplot.js', uplot],
      ['uplot.css', uplotStyle],
    ]),
  };
}
