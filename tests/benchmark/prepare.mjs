// Writes, for one benchmark scale:
//   db.json        OpenKpi's whole-dataset download, the same rows for json-server (one collection per entity set)
//   lists/*.txt    the constants the distinct-query mix draws from (provinces, years, indicators, search terms),
//                  read through the API
// Usage: node prepare.mjs <openkpi base url> <output folder> [--lists-only]
//   --lists-only: no db.json (at 1,000,000 targets the download is larger than the longest string Node can
//   parse, and json-server is not run there).
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
if (mode !== '--lists-only') {
  const dataset = await (await fetch(`${base}/downloads/openkpi.json`)).json();
  delete dataset.Dataset;
  await writeFile(join(out, 'db.json'), JSON.stringify(dataset));
}

const column = async (path, name) => (await all(path)).map(row => row[name]);
const distinct = values => [...new Set(values.filter(v => v !== null && v !== undefined).map(String))].sort();
const fold = text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
// Search terms: the first two words of each indicator's name, folded, as a person typing without diacritics would.
const terms = distinct((await column('/odata/Indicators?$select=Name', 'Name'))
  .map(name => fold(name).split(/[^a-z0-9]+/).filter(Boolean).slice(0, 2).join(' ')).filter(t => t.includes(' ')));
const lists = {
  provinces: distinct(await column('/odata/Targets?$apply=groupby((ProvinceId))', 'ProvinceId')),
  years: distinct(await column('/odata/Targets?$apply=groupby((Year))', 'Year')),
  indicators: distinct(await column('/odata/Targets?$apply=groupby((IndicatorId))', 'IndicatorId')),
  terms,
  count: [await (await fetch(`${base}/odata/Targets/$count`)).text()],
};
for (const [name, values] of Object.entries(lists)) await writeFile(join(out, 'lists', `${name}.txt`), values.join('\n') + '\n');
console.log(`prepared ${lists.count[0]} targets, ${lists.provinces.length} provinces, ${lists.years.length} years, ${lists.indicators.length} indicators, ${terms.length} search terms`);
