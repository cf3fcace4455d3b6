// LibreOffice Calc opens the API's XLSX of every target and saves it as CSV: each RawValue must come out as published
// (a CSV's "8.700" would be read as the number 8.7) and each Lower as the same number. Run by .ci/run after
// tests/spreadsheet/install.sh; usage: node tests/spreadsheet/libreoffice.mjs http://127.0.0.1:5099
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.argv[2] ?? "http://127.0.0.1:5099";
const query = "/odata/Targets?$select=Id,RawValue,Lower&$orderby=Id";

// RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends.
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); field = ""; rows.push(row); row = [];
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

async function get(url) {
  const response = await fetch(base + url);
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

const work = mkdtempSync(join(tmpdir(), "openkpi-libreoffice-"));
try {
  const published = parseCsv((await get(`${query}&$format=csv`)).toString("utf8").replace(/^\uFEFF/, ""));
  writeFileSync(join(work, "targets.xlsx"), await get(`${query}&$format=xlsx`));
  // 44: comma, 34: quote, 76: UTF-8; a profile of its own so that no user's LibreOffice settings apply.
  execFileSync("soffice", [`-env:UserInstallation=file://${join(work, "profile")}`, "--headless",
    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", work, join(work, "targets.xlsx")], { stdio: "pipe", timeout: 240_000 });
  const converted = parseCsv(readFileSync(join(work, "targets.csv"), "utf8"));

  assert.deepEqual(converted[0], ["Id", "RawValue", "Lower"]);
  assert.equal(converted.length, published.length, "LibreOffice's CSV has another number of rows");
  const looksNumeric = published.slice(1).filter(r => /^\d{1,3}(\.\d{3})+$/.test(r[1])).length;
  assert.ok(looksNumeric > 0, "no RawValue with a thousands separator: the check would prove nothing");
  for (let r = 1; r < published.length; r++) {
    const [id, raw, lower] = published[r];
    assert.equal(converted[r][0], id, `row ${r}: another target`);
    assert.equal(converted[r][1], raw, `${id}: RawValue ${JSON.stringify(raw)} became ${JSON.stringify(converted[r][1])}`);
    assert.equal(converted[r][2] === "" ? "" : Number(converted[r][2]), lower === "" ? "" : Number(lower), `${id}: Lower ${lower} became ${converted[r][2]}`);
  }
  console.log(`ok - LibreOffice reads the XLSX of ${published.length - 1} targets with every RawValue as published (${looksNumeric} with a thousands separator) and every Lower as its number`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
