// A person's browser against the running API: Debian's Chromium, driven by puppeteer-core (pinned in
// tests/client/package.json). Opens / as a browser does and checks what a person meets there (headings, languages,
// links, keyboard, contrast), then runs one operation in Swagger UI with its pre-filled values. Screenshots go to the
// artifact folder. Run by .ci/run; usage: node tests/browser/check.mjs http://127.0.0.1:5099 [.ci/artifacts]
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(new URL("../client/package.json", import.meta.url));
const puppeteer = require("puppeteer-core");

const base = process.argv[2] ?? "http://127.0.0.1:5099";
const artifacts = path.resolve(process.argv[3] ?? ".ci/artifacts");
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The Swagger UI operation executed with its defaults: the collection a new user opens first, every query option
// pre-filled with the examples the document chose from Indicators' own properties and data (TryItOutTests sends
// every operation's examples; this one goes through Swagger UI itself).
const operation = { method: "get", path: "/odata/Indicators" };

// Letters only Vietnamese uses here: text holding one must sit inside lang="vi".
const vietnamese = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

// The API may still be starting: wait for readiness (60 s at most).
for (let waited = 0; ; waited += 500) {
  try {
    if ((await fetch(`${base}/health/ready`)).ok) break;
  } catch { /* not listening yet */ }
  if (waited >= 60_000) throw new Error(`${base} did not become ready`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

await mkdir(artifacts, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Root on CI has no user namespace sandbox; /dev/shm is small in containers.
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-GB,vi"],
});
const page = await browser.newPage();
await page.setViewport({ width: 1200, height: 900 });

async function openIndex() {
  const response = await page.goto(`${base}/`, { waitUntil: "load" });
  assert.equal(response.status(), 200, `/ answered ${response.status()}`);
  return response;
}

const checks = [
  {
    name: "/ answers a browser with an HTML page",
    run: async () => {
      const response = await openIndex();
      const type = response.headers()["content-type"] ?? "";
      assert.match(type, /^text\/html/, `content-type ${type}`);
      assert.match(response.headers()["vary"] ?? "", /\bAccept\b/, "no Vary: Accept");
      await page.screenshot({ path: path.join(artifacts, "index.png"), fullPage: true });
      return `${type}, screenshot index.png`;
    },
  },
  {
    name: "the page has one h1, headings in order, a main, and every section heading in both languages",
    run: async () => {
      const { headings, mainHoldsH1 } = await page.evaluate(() => ({
        headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => ({
          level: Number(h.tagName[1]), text: h.textContent.trim(), vietnamese: h.getAttribute("lang") === "vi" || h.querySelector('[lang="vi"]') !== null,
        })),
        mainHoldsH1: document.querySelector("main h1") !== null,
      }));
      assert.equal(headings.filter((h) => h.level === 1).length, 1, "not exactly one h1");
      assert.equal(headings[0].level, 1, "the first heading is not the h1");
      assert.ok(mainHoldsH1, "the h1 is not inside <main>");
      headings.forEach((h, i) => assert.ok(i === 0 || h.level <= headings[i - 1].level + 1, `"${h.text}" (h${h.level}) skips a level`));
      const sections = headings.filter((h) => h.level === 2);
      assert.ok(sections.length >= 5, `${sections.length} h2`);
      sections.forEach((h) => assert.ok(h.vietnamese, `"${h.text}" has no Vietnamese`));
      return `${headings.length} headings: ${sections.map((h) => h.text).join(" | ")}`;
    },
  },
  {
    name: "lang attributes: the page is English, and all Vietnamese text is marked vi",
    run: async () => {
      const { lang, marked, unmarked, langs } = await page.evaluate((pattern) => {
        const letters = new RegExp(pattern, "i");
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const unmarked = [];
        let marked = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!letters.test(node.data)) continue;
          if (node.parentElement.closest("[lang]").getAttribute("lang") === "vi") marked += 1;
          else unmarked.push(node.data.trim().slice(0, 60));
        }
        return { lang: document.documentElement.lang, marked, unmarked, langs: [...new Set([...document.querySelectorAll("[lang]")].map((e) => e.lang))] };
      }, vietnamese.source);
      assert.equal(lang, "en", `<html lang="${lang}">`);
      assert.deepEqual(langs.sort(), ["en", "vi"], `lang values ${langs}`);
      assert.ok(marked > 0, "no Vietnamese text at all");
      assert.deepEqual(unmarked, [], "Vietnamese text outside lang=\"vi\"");
      return `${marked} Vietnamese text runs, all inside lang="vi"`;
    },
  },
  {
    name: "every link on the page answers 200",
    run: async () => {
      const hrefs = [...new Set(await page.$$eval("a[href]", (links) => links.map((a) => a.href)))];
      const failures = [];
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.hash && url.pathname === "/" && url.search === "") {
          if (!(await page.$(url.hash))) failures.push(`${href}: no element ${url.hash}`);
          continue;
        }
        const response = await fetch(href);
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`${href}: ${response.status}`);
      }
      assert.deepEqual(failures, []);
      return `${hrefs.length} distinct links`;
    },
  },
  {
    name: "Tab reaches every link, each with a visible focus",
    run: async () => {
      await openIndex();
      const total = await page.$$eval("a[href]", (links) => links.length);
      const reached = new Set();
      const unseen = [];
      let first;
      for (let i = 0; i < total + 3; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const element = document.activeElement;
          if (!element || element.tagName !== "A") return null;
          const style = getComputedStyle(element);
          const box = element.getBoundingClientRect();
          return {
            index: [...document.querySelectorAll("a[href]")].indexOf(element),
            href: element.getAttribute("href"),
            outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
          };
        });
        if (!focused) continue;
        if (!first) {
          first = focused;
          await page.screenshot({ path: path.join(artifacts, "index-focus.png") });
        }
        reached.add(focused.index);
        if (!focused.outlined || !focused.inView) unseen.push(focused.href);
      }
      assert.equal(first?.href, "#main", "the first Tab does not reach the skip link");
      assert.equal(reached.size, total, `Tab reached ${reached.size} of ${total} links`);
      assert.deepEqual(unseen, [], "links focused without a visible outline on screen");
      return `${total} links, the skip link first (screenshot index-focus.png)`;
    },
  },
  {
    name: "body text has a contrast of 4.5:1 or more",
    run: async () => {
      const worst = await page.evaluate(() => {
        const rgba = (value) => {
          const [r, g, b, a = 1] = value.match(/[\d.]+/g).map(Number);
          return { r, g, b, a };
        };
        const luminance = ({ r, g, b }) => {
          const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        };
        const background = (element) => {
          for (let e = element; e; e = e.parentElement) {
            const colour = rgba(getComputedStyle(e).backgroundColor);
            if (colour.a > 0) return colour;
          }
          return { r: 255, g: 255, b: 255, a: 1 };
        };
        let worst = { ratio: Infinity };
        for (const element of document.querySelectorAll("main p, main li, main dt, main dd, main th, main td, main caption, main h1, main h2, main h3, main a, main span, main code, footer p")) {
          const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim() !== "");
          if (!own) continue;
          const [l1, l2] = [luminance(rgba(getComputedStyle(element).color)), luminance(background(element))].sort((x, y) => y - x);
          const ratio = (l1 + 0.05) / (l2 + 0.05);
          if (ratio < worst.ratio) worst = { ratio, text: element.textContent.trim().slice(0, 40), colour: getComputedStyle(element).color };
        }
        return worst;
      });
      assert.ok(worst.ratio >= 4.5, `"${worst.text}" (${worst.colour}) has ${worst.ratio.toFixed(2)}:1`);
      return `lowest ${worst.ratio.toFixed(2)}:1 ("${worst.text}")`;
    },
  },
  {
    name: `Swagger UI: ${operation.method.toUpperCase()} ${operation.path}, Try it out, Execute with its defaults answers 200`,
    run: async () => {
      const response = await page.goto(`${base}/swagger`, { waitUntil: "networkidle0" });
      assert.equal(response.status(), 200, `/swagger answered ${response.status()}`);
      await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
      const id = await page.evaluate(({ method, path }) => {
        const block = [...document.querySelectorAll(`.opblock.opblock-${method}`)]
          .find((b) => b.querySelector(".opblock-summary-path")?.getAttribute("data-path") === path);
        return block?.id;
      }, operation);
      assert.ok(id, `no ${operation.method} ${operation.path} in Swagger UI`);
      const block = `[id="${id}"]`;
      await page.click(`${block} .opblock-summary`);
      await page.waitForSelector(`${block} .try-out__btn`, { visible: true });
      await page.click(`${block} .try-out__btn`);
      await page.waitForSelector(`${block} .execute`, { visible: true });
      await page.click(`${block} .execute`);
      await page.waitForSelector(`${block} .live-responses-table tr.response .response-col_status`, { timeout: 30_000 });
      const { status, url } = await page.$eval(block, (b) => ({
        status: b.querySelector(".live-responses-table tr.response .response-col_status").textContent.trim(),
        url: b.querySelector(".request-url pre")?.textContent.trim(),
      }));
      await (await page.$(block)).screenshot({ path: path.join(artifacts, "swagger.png") });
      assert.equal(status, "200", `Swagger UI shows ${status} for ${url}`);
      return `${url} answered ${status}, screenshot swagger.png`;
    },
  },
];

let failed = 0;
for (const { name, run } of checks) {
  try {
    console.log(`ok - ${name}: ${await run()}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}: ${error.message}`);
  }
}
await browser.close();
console.log(`browser: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
