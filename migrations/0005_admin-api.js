// 0005: the admin API's SQL (issue "Admin analytics API"): metric_series,
// scenario_report, content_time_distribution with the API's filters,
// csv_text for CSV exports, and the metric_freshness view.
import { readFileSync } from 'node:fs';

const read = (file) => readFileSync(new URL(`./0005_admin-api/${file}`, import.meta.url), 'utf8');

export const up = (pgm) => {
  pgm.sql(read('metrics.sql'));
};

export const down = (pgm) => {
  pgm.sql(read('down.sql'));
};
