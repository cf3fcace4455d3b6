// hostile.sh's attackers: CONNECTIONS keep-alive connections, each sending the URL templates of a file (one a line,
// percent-encoded, {n} in each) in turn, {n} replaced by a counter of that template's uses that no other connection
// repeats (uses x 16 + connection), so no cache answers any. Each answer's body is read and dropped as it arrives;
// the answers are counted by status. wrk did this before, but counting statuses needs its Lua response callback,
// which copies every body into a Lua string: ~80 MB per CSV, on the same two cores as the API under test.
// node hostile-attack.mjs BASE_URL TEMPLATES_FILE CONNECTIONS SECONDS TIMEOUT_SECONDS
import { readFileSync } from "node:fs";
import http from "node:http";

const [base, file, connections = "4", seconds = "20", timeoutSeconds = "10"] = process.argv.slice(2);
const templates = readFileSync(file, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
if (templates.length === 0) throw new Error(`no URL templates in ${file}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const uses = templates.map(() => 0);
const statuses = new Map();
let answers = 0, socket = 0, timeouts = 0;
const end = Date.now() + Number(seconds) * 1000;

function get(url) {
  return new Promise((resolve) => {
    const request = http.get(base + url, { agent }, (response) => {
      response.on("data", () => {});
      response.on("end", () => { statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1); answers++; resolve(); });
      response.on("error", () => { socket++; resolve(); });
    });
    request.setTimeout(Number(timeoutSeconds) * 1000, () => { timeouts++; request.destroy(new Error("timeout")); });
    request.on("error", (e) => { if (e.message !== "timeout") socket++; resolve(); });
  });
}

async function connection(id) {
  for (let i = 0; Date.now() < end; i++) {
    const t = (i + id) % templates.length;   // the connections start on different templates
    const n = uses[t] * 16 + id;
    uses[t]++;
    await get(templates[t].replaceAll("{n}", String(n)));
  }
}

await Promise.all(Array.from({ length: Number(connections) }, (_, id) => connection(id)));
agent.destroy();
const text = [...statuses.keys()].sort((a, b) => a - b).map((s) => `${s}: ${statuses.get(s)}`).join(", ");
console.log(`attack answers ${answers} statuses ${text || "none"} socket ${socket} timeouts ${timeouts}`);
