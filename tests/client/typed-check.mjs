// A TypeScript user's client, checked: openapi-typescript generates openkpi.d.ts from openapi/v1.json, tsc --strict
// compiles typed.ts (the README's openapi-fetch recipe and a use of it) and must reject the same file with the
// default createClient<paths>() (whose `data` is `JSON | string`); the emitted JavaScript then reads every target
// through @odata.nextLink and one by key from the running API, compared with seeds/.
// Run by .ci/run; usage: node typed-check.mjs http://127.0.0.1:5099
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const base = process.argv[2] ?? "http://127.0.0.1:5099";
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name) => `${here}node_modules/.bin/${name}`;
const run = promisify(execFile);

// Runs a tool in tests/client; resolves to its exit code and output, never throws on a non-zero exit.
async function tool(name, args) {
  try {
    const { stdout, stderr } = await run(bin(name), args, { cwd: here });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    if (typeof error.code !== "number") throw error;
    return { code: error.code, output: `${error.stdout ?? ""}${error.stderr ?? ""}` };
  }
}

const recipe = (text) => text.slice(text.indexOf("// recipe:start\n") + "// recipe:start\n".length, text.indexOf("// recipe:end"));
const source = await readFile(`${here}typed.ts`, "utf8");

const checks = [
  {
    name: "openapi-typescript generates types from openapi/v1.json",
    run: async () => {
      const { code, output } = await tool("openapi-typescript", [`${repo}openapi/v1.json`, "-o", "openkpi.d.ts"]);
      assert.equal(code, 0, output);
    },
  },
  {
    name: 'tsc --strict compiles typed.ts with createClient<paths, "application/json">',
    run: async () => {
      await rm(`${here}.out`, { recursive: true, force: true });
      const { code, output } = await tool("tsc", ["-p", "tsconfig.json"]);
      assert.equal(code, 0, output);
    },
  },
  {
    name: "tsc --strict rejects typed.ts with the default createClient<paths>(), whose data is JSON | string",
    run: async () => {
      const variant = source.replace('createClient<paths, "application/json">', "createClient<paths>");
      assert.notEqual(variant, source, "typed.ts does not call createClient<paths, \"application/json\">");
      const dir = `${here}.out/default/`;
      await mkdir(dir, { recursive: true });
      await writeFile(`${dir}typed.ts`, variant);
      await copyFile(`${here}openkpi.d.ts`, `${dir}openkpi.d.ts`);
      await writeFile(`${dir}tsconfig.json`, JSON.stringify({
        extends: "../../tsconfig.json", compilerOptions: { noEmit: true }, files: ["typed.ts"],
      }));
      const { code, output } = await tool("tsc", ["-p", `${dir}tsconfig.json`]);
      assert.notEqual(code, 0, "tsc accepted the default client: the recipe's media type argument is no longer needed");
      assert.match(output, /on type 'string'|Type 'string' has no properties in common/, output);
      console.log(`# ${output.split("\n").filter((line) => line.includes("error TS")).length} errors, the first: ${output.split("\n")[0].slice(0, 160)}…`);
    },
  },
  {
    name: "the compiled client reads every target through @odata.nextLink, and one by key, as seeds/ has them",
    run: async () => {
      // Expectations from seeds/: every row of every targets file; by key, the first row whose document names a province.
      const documents = JSON.parse(await readFile(`${repo}seeds/documents.json`, "utf8"));
      const provinces = JSON.parse(await readFile(`${repo}seeds/provinces.json`, "utf8"));
      const rows = [];
      for (const file of (await readdir(`${repo}seeds/targets`)).sort()) {
        const { documentId, rows: fileRows } = JSON.parse(await readFile(`${repo}seeds/targets/${file}`, "utf8"));
        rows.push(...fileRows.map((row) => ({ ...row, documentId })));
      }
      const provinceOf = (row) => documents.find((d) => d.id === row.documentId)?.provinceId ?? null;
      const seed = rows.find((row) => provinceOf(row) !== null && row.value !== null);
      assert.ok(rows.length > 100, `seeds/ hold ${rows.length} targets, one page: the check would not follow a nextLink`);

      await waitUntilReady();
      const { read } = await import(new URL(".out/typed.js", import.meta.url).href);
      const answer = await read(base, seed.id);

      assert.equal(answer.firstPage?.length, 1, "$top=1 did not answer one target");
      assert.ok(rows.some((row) => row.id === answer.firstPage[0]), `$top=1 answered ${answer.firstPage[0]}, not a seeded target`);
      assert.equal(answer.ids.length, rows.length, `${answer.ids.length} targets read, seeds/ hold ${rows.length}`);
      assert.deepEqual([...answer.ids].sort(), rows.map((row) => row.id).sort());
      assert.deepEqual(answer.undeclaredComparators, [], "Comparator values the document does not declare");
      assert.deepEqual(answer.byKey, {
        Id: seed.id,
        RawValue: seed.value,
        SourceLabel: seed.label,
        ComparatorDeclared: true,
        ProvinceName: provinces.find((p) => p.id === provinceOf(seed)).name,
      });
      console.log(`# ${answer.ids.length} targets through the pages; Targets('${seed.id}') is ${JSON.stringify(answer.byKey)}`);
    },
  },
  {
    name: "README's openapi-fetch recipe is typed.ts's, character for character",
    independent: true,
    run: async () => {
      const readme = await readFile(`${repo}README.md`, "utf8");
      assert.ok(source.includes("// recipe:end"), "typed.ts has no recipe markers");
      assert.ok(readme.includes("```ts\n" + recipe(source) + "```\n"), "README.md's ```ts block differs from typed.ts between its recipe markers");
    },
  },
];

// The API may still be starting: wait for readiness (60 s at most).
async function waitUntilReady() {
  for (let waited = 0; ; waited += 500) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch { /* not listening yet */ }
    if (waited >= 60_000) throw new Error(`${base} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// Each check but the independent one needs those before it (types before tsc, tsc before the run): after a failure
// the rest are failed too.
let failed = 0;
for (const { name, independent, run: check } of checks) {
  try {
    if (failed > 0 && !independent) throw new Error("an earlier check failed");
    await check();
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}: ${error.message}`);
  }
}
console.log(`typed: ${checks.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
