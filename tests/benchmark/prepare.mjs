// Reads OpenKpi's whole-dataset download and writes, for one benchmark scale:
//   db.json        the same rows for json-server (one collection per entity set, OpenKpi's field names)
//   lists/*.txt    the constants the distinct-query mix draws from (provinces, years, indicators, search terms)
// Usage: node prepare.mjs <openkpi base url> <output folder>
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [base, out] = process.argv.slice(2);
const dataset = await (await fetch(`${base}/downloads/openkpi.json`)).json();
delete dataset.Dataset;
await mkdir(join(out, 'lists'), { recursive: true });
await writeFile(join(out, 'db.json'), JSON.stringify(dataset));

const targets = dataset.Targets;
const distinct = values => [...new Set(values.filter(v => v !== null && v !== undefined))].sort();
const fold = text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
// Search terms: the first two words of each indicator's name, folded, as a person typing without diacritics would.
const terms = distinct(dataset.Indicators.map(i => fold(i.Name).split(/[^a-z0-9]+/).filter(Boolean).slice(0, 2).join(' ')).filter(t => t.includes(' ')));
const lists = {
  provinces: distinct(targets.map(t => t.ProvinceId)),
  years: distinct(targets.map(t => String(t.Year))),
  indicators: distinct(targets.map(t => t.IndicatorId)),
  terms,
  count: [String(targets.length)],
};
for (const [name, values] of Object.entries(lists)) await writeFile(join(out, 'lists', `${name}.txt`), values.join('\n') + '\n');
console.log(`prepared ${targets.length} targets, ${lists.provinces.length} provinces, ${lists.years.length} years, ${lists.indicators.length} indicators, ${terms.length} search terms`);
