// Turns the benchmark's measurements into tests/benchmark/results.md and the README's benchmark section.
// Usage: node report.mjs results.tsv startup.tsv results.md README.md
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';

const [resultsFile, startupFile, markdownFile, readmeFile] = process.argv.slice(2);
const rows = async file => (await readFile(file, 'utf8')).trim().split('\n').slice(1).map(line => line.split('\t'));
const results = (await rows(resultsFile)).map(([scale, query, server, rps, p50, p99, errors]) =>
  ({ scale, query, server, rps: +rps, p50: +p50, p99: +p99, errors: +errors }));
const startup = (await rows(startupFile)).map(([scale, targets, measure, value]) => ({ scale, targets: +targets, measure, value: +value }));

const find = (scale, query, server) => results.find(r => r.scale === scale && r.query === query && r.server === server);
const n = v => v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 10 ? 1 : 2);
const cell = r => !r ? '–' : r.rps > 0 ? `${n(r.rps)} · ${n(r.p50)} · ${n(r.p99)}${r.errors ? ` (${r.errors} errors)` : ''}` : 'no answer within the run';
const ratio = (a, b) => a && b && b.rps > 0 ? `${(a.rps / b.rps).toFixed(a.rps / b.rps >= 10 ? 0 : 2)}×` : '–';
const queries = ['province-year-select', 'indicator-expand', 'search', 'count', 'csv', 'deep-page'];
const described = {
  'province-year-select': 'a province-year filter with `$select`',
  'indicator-expand': "an indicator's targets across provinces with `$expand` (json-server: the rows that name a province)",
  search: '`$search=bac si`',
  count: 'a `$count` of a year',
  csv: "a province's targets as CSV (json-server: JSON)",
  'deep-page': 'a page deep into the collection (`$skip`)',
};
const scales = [...new Set(results.map(r => r.scale))].filter(s => s !== '1m');
const targetsOf = scale => startup.find(s => s.scale === scale)?.targets;

let md = `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB), all servers and wrk on loopback, `
  + `64 connections; each cell is the median of the runs: requests/s · p50 ms · p99 ms. "Repeated" asks the same query again and again `
  + `(OpenKpi answers from its response cache); "uncached" is a second instance with the cache off. nginx serves OpenKpi's very bytes as `
  + `static files; json-server 0.17.4 serves the same rows with its own query parameters.\n`;
for (const scale of scales) {
  md += `\n**${scale === 'seed' ? 'The committed seeds' : 'National scale'}: ${targetsOf(scale)?.toLocaleString('en-US')} targets**\n\n`;
  md += '| query | OpenKpi, repeated | OpenKpi, uncached | nginx, same bytes | json-server | OpenKpi ÷ nginx | OpenKpi ÷ json-server | uncached ÷ json-server |\n';
  md += '|---|---|---|---|---|---|---|---|\n';
  for (const q of queries) {
    const [o, u, x, j] = ['openkpi', 'openkpi-uncached', 'nginx', 'json-server'].map(s => find(scale, q, s));
    md += `| ${described[q]} | ${cell(o)} | ${cell(u)} | ${cell(x)} | ${cell(j)} | ${ratio(o, x)} | ${ratio(o, j)} | ${ratio(u, j)} |\n`;
  }
  const mix = find(scale, 'distinct-mix', 'openkpi-uncached');
  if (mix) md += `\nDistinct queries (the same six with different constants on every request: province, year, indicator, search term, page), cache off: ${cell(mix)}.\n`;
}

md += '\n**Start-up and memory**\n\n| targets | measure | value |\n|---|---|---|\n';
for (const s of startup) md += `| ${s.targets.toLocaleString('en-US')} | ${s.measure} | ${n(s.value)} |\n`;
const big = find('1m', 'distinct-mix', 'openkpi-uncached');
if (big) md += `\nAt ${targetsOf('1m')?.toLocaleString('en-US')} targets, distinct uncached queries: ${cell(big)}.\n`;

// The goals of the national-scale issue, checked against this run.
const national = scales.find(s => s !== 'seed');
const check = (ok, text) => `- ${ok ? '✅' : '❌'} ${text}\n`;
if (national) {
  const per = queries.map(q => ({ q, o: find(national, q, 'openkpi'), u: find(national, q, 'openkpi-uncached'), x: find(national, q, 'nginx'), j: find(national, q, 'json-server') }));
  const mix = find(national, 'distinct-mix', 'openkpi-uncached');
  const measure = text => startup.find(s => s.scale === national && s.measure.startsWith(text))?.value;
  const memory = Math.max(...startup.filter(s => s.scale === national && s.measure.startsWith('resident memory')).map(s => s.value));
  md += `\n**Goals at ${targetsOf(national)?.toLocaleString('en-US')} targets**\n\n`;
  // A server that answered nothing within its run counts as 0 requests/s; a missing measurement fails the goal.
  md += check(per.every(p => p.o && p.j && p.o.rps > 0 && p.o.rps >= 5 * p.j.rps), `every query at least 5× json-server's requests/s (repeated: lowest ${Math.min(...per.map(p => p.o.rps / p.j.rps)).toFixed(1)}×; uncached: lowest ${Math.min(...per.map(p => p.u.rps / p.j.rps)).toFixed(1)}×)`);
  md += check(per.every(p => p.o && p.x && p.x.rps > 0 && p.o.rps >= 0.5 * p.x.rps), `repeated queries at least 0.5× nginx for the same bytes (lowest ${Math.min(...per.map(p => p.o.rps / p.x.rps)).toFixed(2)}×)`);
  md += check(mix && mix.rps > 0 && !mix.errors && mix.p99 < 50, `p99 under 50 ms for distinct, uncached queries (${mix ? n(mix.p99) : '–'} ms)`);
  md += check(measure('ready, existing') > 0 && measure('ready, existing') < 2, `ready in under 2 s with an existing database (${n(measure('ready, existing'))} s)`);
  md += check(memory < 300, `resident memory under 300 MB, idle and under load (highest ${memory} MB)`);
}

await writeFile(markdownFile, `# OpenKpi HTTP benchmark: latest results\n\nWritten by \`tests/benchmark/run.sh\`.\n\n${md}`);
const readme = await readFile(readmeFile, 'utf8');
const start = '<!-- benchmark: written by tests/benchmark/run.sh -->\n', end = '<!-- /benchmark -->';
const from = readme.indexOf(start), to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error('README.md has no benchmark markers');
await writeFile(readmeFile, readme.slice(0, from + start.length) + md + readme.slice(to));
