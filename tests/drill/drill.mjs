// The drill's load: CONNECTIONS clients reading real queries through the caching proxy, each a paged read that follows
// every @odata.nextLink to its end, while drill.sh kills, restarts and replaces the replicas behind the proxy.
// Usage: node drill.mjs PROXY-URL PHASE-FILE RESULT-JSON   (the phase is the file's content, read every 100 ms; "done" ends)
//
// What it asserts, request by request:
//   - every answer is a 200, or a 410 "StartOver" on a next link (the replica answering serves another revision: the read
//     starts over, its first page asked with Cache-Control: no-cache; counted apart, not a failure); anything else (another
//     status, a connection error, an unreadable body) is a failure;
//   - no read mixes two revisions: the revision each page's next link names is the one its first page named, and every
//     record of a read of revision R has RevisionId <= R, the record drill.sh changed in the revision it publishes (NEW_REVISION) having that RevisionId
//     exactly when R >= NEW_REVISION (so a page of the old revision inside a read of the new is caught, and the other way round);
//   - a read of a whole set has as many records as the set (no page lost or repeated).
// It prints a table per phase (requests, failures, starts over, p50/p99 of each request, cache hits from X-Cache-Status)
// and exits 1 unless there was no failure and no mixed read.
import http from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const [proxy, phaseFile, resultFile] = process.argv.slice(2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const PACE_MS = Number(process.env.PACE_MS ?? 0);   // a pause before each request: a gentle run to try the drill out
const [changedSet, changedKey] = (process.env.CHANGED ?? "Indicators:tourist-arrivals").split(":");
const published = process.env.NEW_REVISION ?? "2";   // the revision drill.sh publishes on its copy of the seeds
const INDICATORS = Number(process.env.INDICATORS);   // the set's size, counted by drill.sh before the load
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

let phase = "start";
const began = [];   // [ms since the epoch, phase]: to count the proxy's retries per phase from its log (NGINX_LOG)
const pollPhase = () => {
  try { phase = readFileSync(phaseFile, "utf8").trim() || phase; } catch { /* not written yet */ }
  if (began.at(-1)?.[1] !== phase) began.push([Date.now(), phase]);
};
pollPhase();
const poller = setInterval(pollPhase, 100);

const phases = new Map();   // name → figures
const stats = (name) => {
  if (!phases.has(name)) phases.set(name, { requests: 0, failures: 0, startsOver: 0, mostStartsOver: 0, mixed: 0, reads: 0, hits: 0, cache: {}, latencies: [], revisions: {}, retriedResets: 0, examples: [] });
  return phases.get(name);
};
const fail = (s, what) => { s.failures++; if (s.examples.length < 5) s.examples.push(what); };

// One GET; resolves { status, headers, body } or { error }. A reset of a reused keep-alive connection before any byte of
// the answer (the proxy closed it as the request went out: a reload closes its old workers' idle connections) is retried
// once on a new connection, as RFC 9112 9.3.1 lets a client do for a safe request; counted apart.
function get(url, headers, s, retried = false) {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const request = http.get(url, { agent: retried ? false : agent, headers }, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => done({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      response.on("error", (error) => done({ error }));
    });
    request.on("error", (error) => {
      if (!retried && request.reusedSocket && error.code === "ECONNRESET") { s.retriedResets++; get(url, headers, s, true).then(done); }
      else done({ error });
    });
  });
}

const revisionOf = (link) => (link ? new URL(link).searchParams.get("revision") : null);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const rand = (n) => Math.floor(Math.random() * n);

// The mix: repeated reads (the proxy's hits) and reads with varying constants (its misses), every one paged or by key.
function nextRead() {
  const r = Math.random();
  if (r < 0.30) return { path: "/odata/Indicators", whole: INDICATORS };
  if (r < 0.45) return { path: "/odata/Targets?$expand=Indicator($select=Id,RevisionId)&$select=Id,RevisionId" };
  if (r < 0.55) return { path: `/odata/Targets?$filter=Year eq ${pick([2023, 2024, 2025])}&$orderby=Id` };
  if (r < 0.65) return { path: "/odata/Provinces?$expand=Successor" };
  const top = 101 + rand(INDICATORS - 100), skip = rand(20);   // distinct: 2–4 pages of a slice of the indicators
  return { path: `/odata/Indicators?$select=Id,Name,RevisionId&$top=${top}&$skip=${skip}`, whole: Math.min(top, INDICATORS - skip) };
}

// Every record's RevisionId against the read's revision, expanded records too.
function checkRecords(value, revision, problems) {
  for (const record of value ?? []) {
    for (const nested of Object.values(record)) if (nested && typeof nested === "object" && !Array.isArray(nested)) checkRecords([nested], revision, problems);
    if (record.RevisionId === undefined || revision === null) continue;
    if (Number(record.RevisionId) > Number(revision)) problems.push(`${record.Id}: RevisionId ${record.RevisionId} in a read of revision ${revision}`);
    if (record.Id === changedKey && (record.RevisionId === published) !== (Number(revision) >= Number(published)))
      problems.push(`${changedSet}('${changedKey}'): RevisionId ${record.RevisionId} in a read of revision ${revision}`);
  }
}

// A read that meets a replica of another revision starts over after a pause that doubles each time (0.1 s to 2 s): while
// a rolling update has replicas of both revisions behind the proxy, a read of several pages may meet both again.
const START_OVER_LIMIT = 30;   // ~50 s of pauses, longer than the drill's whole update
async function paged(read) {
  const gzip = Math.random() < 0.3;   // a second variant of the same answers (Vary: Accept-Encoding)
  for (let attempt = 0; attempt < START_OVER_LIMIT; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** (attempt - 1))));
    let url = proxy + encodeURI(read.path).replace(/'/g, "%27"), revision = null, records = 0, first = true;
    const problems = [];
    const s = stats(phase);
    s.reads++;
    for (;;) {
      const headers = { Accept: "application/json", ...(gzip ? { "Accept-Encoding": "gzip" } : {}), ...(first && attempt > 0 ? { "Cache-Control": "no-cache" } : {}) };
      if (PACE_MS > 0) await new Promise((r) => setTimeout(r, PACE_MS));
      const answer = await get(url, headers, s);
      const t = stats(phase);
      t.requests++;
      if (answer.error) { fail(t, `${url}: ${answer.error.code ?? answer.error.message}`); return; }
      t.latencies.push(answer.ms);
      const cache = answer.headers["x-cache-status"] ?? "none";
      t.cache[cache] = (t.cache[cache] ?? 0) + 1;
      if (cache === "HIT") t.hits++;
      if (answer.status === 410 && !first) { t.startsOver++; break; }   // another revision's replica: start over
      if (answer.status !== 200) { fail(t, `${url}: ${answer.status} ${answer.body.subarray(0, 200)}`); return; }
      let page;
      try { page = JSON.parse((answer.headers["content-encoding"] === "gzip" ? gunzipSync(answer.body) : answer.body).toString("utf8")); }
      catch (e) { fail(t, `${url}: unreadable body (${e.message})`); return; }
      const next = page["@odata.nextLink"];
      if (first) revision = revisionOf(next);
      else if (next && revisionOf(next) !== revision) problems.push(`page ${url} names revision ${revisionOf(next)} after ${revision}`);
      checkRecords(page.value, revision ?? revisionOf(url), problems);
      records += page.value?.length ?? 1;
      if (!next) {
        if (read.whole && records !== read.whole) problems.push(`${read.path}: ${records} records, the set has ${read.whole}`);
        if (problems.length > 0) { t.mixed++; if (t.examples.length < 5) t.examples.push(problems[0]); }
        t.mostStartsOver = Math.max(t.mostStartsOver, attempt);
        const key = revision ?? "one page";
        t.revisions[key] = (t.revisions[key] ?? 0) + 1;
        return;
      }
      url = next;
      first = false;
    }
  }
  fail(stats(phase), `${read.path}: started over ${START_OVER_LIMIT} times`);
}

// The proxy's cache key must hold every request header the API's answers vary on (nginx keeps one variant per key).
{
  const key = /proxy_cache_key "([^"]+)"/.exec(readFileSync(new URL("../../deploy/nginx/openkpi.conf", import.meta.url), "utf8"))[1];
  const answer = await get(`${proxy}/odata/Indicators`, { Accept: "application/json" }, stats("start"));
  const vary = String(answer.headers?.vary ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const missing = vary.filter((h) => !key.includes(`$http_${h.toLowerCase().replace(/-/g, "_")}`));
  console.log(`${missing.length === 0 && vary.length > 0 ? "ok" : "not ok"} - the proxy's cache key holds every header of Vary (${vary.join(", ")})`);
  if (missing.length > 0 || vary.length === 0) process.exit(1);
}

async function client() { while (phase !== "done") await paged(nextRead()); }

await Promise.all(Array.from({ length: CONNECTIONS }, client));
clearInterval(poller);
agent.destroy();

// Requests the proxy passed to a second replica after the first refused, dropped or failed them (its log's upstream list).
const retried = {};
if (process.env.NGINX_LOG) {
  for (const line of readFileSync(process.env.NGINX_LOG, "utf8").split("\n")) {
    const t = /t=(\d+\.\d+)/.exec(line), upstreams = /upstream=(\S+(?:, \S+)*)/.exec(line);
    if (!t || !upstreams || !upstreams[1].includes(",")) continue;
    const at = Number(t[1]) * 1000, name = began.filter(([start]) => start <= at).at(-1)?.[1];
    if (name) retried[name] = (retried[name] ?? 0) + 1;
  }
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const rows = [];
for (const [name, s] of phases) {
  if (name === "start" || name === "done") continue;
  const sorted = s.latencies.sort((a, b) => a - b);
  rows.push({ phase: name, requests: s.requests, failures: s.failures, mixed: s.mixed, startsOver: s.startsOver, mostStartsOver: s.mostStartsOver, retriedResets: s.retriedResets, reads: s.reads,
    proxyRetries: retried[name] ?? 0, p50: +percentile(sorted, 50).toFixed(2), p99: +percentile(sorted, 99).toFixed(2), hitRatio: s.requests ? +(s.hits / s.requests).toFixed(3) : 0,
    cache: s.cache, revisions: s.revisions, examples: s.examples });
}
writeFileSync(resultFile, JSON.stringify(rows, null, 2));
console.log("| phase | requests | failed | mixed reads | starts over (410; most in one read) | retried by the proxy | p50 ms | p99 ms | cache hits | reads by revision |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows)
  console.log(`| ${r.phase} | ${r.requests} | ${r.failures} | ${r.mixed} | ${r.startsOver}${r.startsOver ? ` (${r.mostStartsOver})` : ""} | ${r.proxyRetries} | ${r.p50} | ${r.p99} | ${(r.hitRatio * 100).toFixed(1)}% | ${Object.entries(r.revisions).map(([k, v]) => `${k}: ${v}`).join(", ")} |`);
for (const r of rows) for (const e of r.examples) console.log(`  ${r.phase}: ${e}`);
const failures = rows.reduce((n, r) => n + r.failures, 0), mixed = rows.reduce((n, r) => n + r.mixed, 0);
const resets = rows.reduce((n, r) => n + r.retriedResets, 0);
console.log(`drill: ${rows.reduce((n, r) => n + r.requests, 0)} requests, ${failures} failed, ${mixed} mixed reads, ${resets} reused connections reset and retried`);
process.exit(failures === 0 && mixed === 0 && rows.length > 0 ? 0 : 1);
