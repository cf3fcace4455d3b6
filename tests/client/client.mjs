// A real OData client against the running API, as another portal would use it:
// Indicators with $filter and $expand, every page followed through @odata.nextLink, counts checked
// against $count. Run by .ci/run; usage: node client.mjs http://127.0.0.1:5099
import assert from "node:assert/strict";
import { OData } from "@odata/client";

const base = process.argv[2] ?? "http://127.0.0.1:5099";
const client = OData.New4({ serviceEndpoint: `${base}/odata/` });

// Reads a whole collection page by page, as the server pages it; returns the rows, the page count and @odata.count.
async function readAll(collection, makeParams) {
  const rows = [];
  let pages = 0;
  let count;
  let skip = 0;
  for (;;) {
    const params = makeParams();
    if (skip > 0) params.skip(skip);
    const page = await client.newRequest({ collection, params });
    assert.ok(Array.isArray(page.value), `${collection}: no value array in ${JSON.stringify(page).slice(0, 200)}`);
    rows.push(...page.value);
    pages += 1;
    count ??= page["@odata.count"];
    const next = page["@odata.nextLink"];
    if (!next) break;
    skip = Number(new URL(next).searchParams.get("$skip"));
    assert.ok(skip > 0 && pages < 1000, `${collection}: a nextLink that does not advance: ${next}`);
  }
  return { rows, pages, count };
}

// The API may still be starting: wait for readiness (60 s at most).
for (let waited = 0; ; waited += 500) {
  try {
    if ((await fetch(`${base}/health/ready`)).ok) break;
  } catch { /* not listening yet */ }
  if (waited >= 60_000) throw new Error(`${base} did not become ready`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const checks = [
  {
    name: "health indicators with their group and unit",
    collection: "Indicators",
    params: () => client.newParam().filter("GroupId eq 'health'").expand(["Group", "Unit"]).count(true),
    check: ({ rows }) => rows.forEach((r) => {
      assert.equal(r.GroupId, "health");
      assert.equal(r.Group.Id, "health");
      assert.equal(r.Unit.Id, r.UnitId);
    }),
  },
  {
    name: "every indicator, across pages",
    collection: "Indicators",
    params: () => client.newParam().count(true).expand(["Group"]),
    check: ({ pages }) => assert.ok(pages > 1, "the indicators should need more than one page"),
  },
  {
    name: "every catalogue entry reported monthly",
    collection: "CatalogueEntries",
    params: () => client.newParam().filter("Frequencies/any(f: f/Id eq 'M')").count(true).expand(["Indicator"]),
    check: ({ rows }) => rows.forEach((r) => assert.ok(r.Indicator === null || r.Indicator.Id === r.IndicatorId)),
  },
];

let failed = 0;
for (const { name, collection, params, check } of checks) {
  try {
    const result = await readAll(collection, params);
    assert.equal(typeof result.count, "number", `${name}: no @odata.count`);
    assert.equal(result.rows.length, result.count, `${name}: ${result.rows.length} rows read for @odata.count ${result.count}`);
    assert.equal(new Set(result.rows.map((r) => r.Id)).size, result.rows.length, `${name}: a row was read twice`);
    check(result);
    console.log(`ok - ${name}: ${result.rows.length} rows in ${result.pages} page(s), @odata.count ${result.count}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}: ${error.message}`);
  }
}
console.log(`client: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
