// Reads OpenKpi's whole-dataset download and writes, for one benchmark scale:
//   db.json        the same rows for json-server (one collection per entity set, OpenKpi's field names)
//   lists/*.txt    the constants the distinct-query mix draws from (provinces, years, indicators, search terms)
// Usage: node prepare.mjs <openkpi base url> <output folder> [--lists-only]
//   --lists-only: the lists alone, read through the API (at 1,000,000 targets the download is larger than
//   the longest string Node can parse, and json-server is not run there).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [base, out, mode] = process.argv.slice(2);
await mkdir(join(out, 'lists'), { recursive: true });
// Every page of an OData collection, following nextLink.
const all = async path => {
  const rows = [];
  for (let url = `${base}${path}`; url; ) {
    const page = await (await fetch(url)).json();
    rows.push(...page.value);
    url = page['@odata.nextLink'];
  }
  return rows;
};
let dataset;
if (mode === '--lists-only') {
  const years = await all('/odata/Targets?$apply=groupby((Year))');
  const provinces = await all('/odata/Targets?$apply=groupby((ProvinceId))');
  const count = +(await (await fetch(`${base}/odata/Targets/$count`)).text());
  const indicators = await all('/odata/Indicators?$select=Id,Name');
  dataset = { Indicators: indicators, Targets: [] };
  var lists0 = { provinces: provinces.map(p => p.ProvinceId), years: years.map(y => String(y.Year)), indicators: (await all('/odata/Targets?$apply=groupby((IndicatorId))')).map(i => i.IndicatorId), count };
} else {
  dataset = await (await fetch(`${base}/downloads/openkpi.json`)).json();
  delete dataset.Dataset;
  await writeFile(join(out, 'db.json'), JSON.stringify(dataset));
}

const targets = dataset.Targets;
const distinct = values => [...new Set(values.filter(v => v !== null && v !== undefined))].sort();
const fold = text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
// Search terms: the first two words of each indicator's name, folded, as a person typing without diacritics would.
const terms = distinct(dataset.Indicators.map(i => fold(i.Name).split(/[^a-z0-9]+/).filter(Boolean).slice(0, 2).join(' ')).filter(t => t.includes(' ')));
const lists = lists0 ? {
  provinces: distinct(lists0.provinces), years: distinct(lists0.years), indicators: distinct(lists0.indicators), terms, count: [String(lists0.count)],
} : {
  provinces: distinct(targets.map(t => t.ProvinceId)),
  years: distinct(targets.map(t => String(t.Year))),
  indicators: distinct(targets.map(t => t.IndicatorId)),
  terms,
  count: [String(targets.length)],
};
for (const [name, values] of Object.entries(lists)) await writeFile(join(out, 'lists', `${name}.txt`), values.join('\n') + '\n');
console.log(`prepared ${lists.count[0]} targets, ${lists.provinces.length} provinces, ${lists.years.length} years, ${lists.indicators.length} indicators, ${terms.length} search terms`);
