// Validates the Kubernetes manifests of deploy/kubernetes/ (or the files named on the command line), every document of
// every file: against the upstream Kubernetes OpenAPI schemas by its apiVersion and kind (kubernetes-models, whose
// validators are compiled from them with ajv: types, required fields, enums, quantities), field names against the
// API's own models (the Kubernetes client's, generated from the same OpenAPI document, which a server with strict field
// validation would refuse as unknown fields), and the project's own rules for running OpenKpi (probes, non-root,
// read-only root file system, /tmp, resources, a grace period above the API's shutdown timeout).
// Prints "ok - …" / "not ok - …" and "deploy: N passed, M failed"; exits 1 when anything failed.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const files = args.length > 0 ? args : readdirSync(join(repo, "deploy/kubernetes"))
  .filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(repo, "deploy/kubernetes", f));

let passed = 0, failed = 0;
function check(ok, what, detail = "") {
  if (ok) { passed++; console.log(`ok - ${what}`); }
  else { failed++; console.log(`not ok - ${what}${detail ? `: ${detail}` : ""}`); }
  return ok;
}

// apps/v1 Deployment → kubernetes-models/apps/v1/Deployment and the client's V1Deployment; v1 Service → v1/Service, V1Service.
function modelsOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return {
    schema: `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`,
    client: version[0].toUpperCase() + version.slice(1) + kind,
  };
}

async function clientModel(name) {
  try { return Object.values(await import(`@kubernetes/client-node/dist/gen/models/${name}.js`)).find((m) => m?.getAttributeTypeMap); }
  catch { return undefined; }
}

// Every field name of the object must be one its model declares, down through nested models, arrays and maps.
async function unknownFields(value, type, path, found) {
  if (value === null || value === undefined) return found;
  const array = /^Array<(.+)>$/.exec(type), map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) { for (const [i, item] of (Array.isArray(value) ? value : []).entries()) await unknownFields(item, array[1], `${path}[${i}]`, found); return found; }
  if (map) { for (const [key, item] of Object.entries(value)) await unknownFields(item, map[1], `${path}.${key}`, found); return found; }
  if (!/^V\d/.test(type) || typeof value !== "object") return found;
  const model = await clientModel(type);
  if (!model) { found.push(`${path}: no model ${type}`); return found; }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) found.push(`${path}.${key}`);
    else await unknownFields(item, fields.get(key), `${path}.${key}`, found);
  }
  return found;
}

// The project's rules, from its own files: the port and user of the Dockerfile, the shutdown timeout of appsettings.json.
const drain = JSON.parse(readFileSync(join(repo, "src/OpenKpi.Api/appsettings.json"), "utf8")).Drain;
const shutdownSeconds = drain.ShutdownTimeoutSeconds;
const dockerfile = readFileSync(join(repo, "Dockerfile"), "utf8");
const port = Number(/ASPNETCORE_HTTP_PORTS=(\d+)/.exec(dockerfile)[1]);

function projectRules(deployment, name) {
  const pod = deployment.spec?.template?.spec ?? {};
  const container = pod.containers?.[0] ?? {};
  const onPort = (probe) => [port, ...(container.ports ?? []).filter((p) => p.containerPort === port).map((p) => p.name)].includes(probe?.httpGet?.port);
  check((container.ports ?? []).some((p) => p.containerPort === port), `${name}: the container exposes port ${port} (the Dockerfile's ASPNETCORE_HTTP_PORTS)`);
  check(container.readinessProbe?.httpGet?.path === "/health/ready" && onPort(container.readinessProbe), `${name}: readiness probe on /health/ready, port ${port}`);
  check(container.livenessProbe?.httpGet?.path === "/health/live" && onPort(container.livenessProbe), `${name}: liveness probe on /health/live, port ${port}`);
  // Told to stop, the replica fails readiness for ReadinessGraceSeconds while it still answers: the probe must see that in time.
  const noticed = (container.readinessProbe?.periodSeconds ?? 10) * (container.readinessProbe?.failureThreshold ?? 3);
  check(noticed <= drain.ReadinessGraceSeconds, `${name}: readiness fails within Drain:ReadinessGraceSeconds (${drain.ReadinessGraceSeconds} s) of a stop`,
    `periodSeconds × failureThreshold = ${noticed} s`);
  check(!container.startupProbe || (/^\/health\/(live|ready)$/.test(container.startupProbe.httpGet?.path) && onPort(container.startupProbe)),
    `${name}: a startup probe, if any, on /health/*`);
  const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  const uid = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  check(runAsNonRoot === true && Number.isInteger(uid) && uid !== 0, `${name}: runs as non-root with a numeric uid (runAsNonRoot, runAsUser)`, `runAsNonRoot ${runAsNonRoot}, runAsUser ${uid}`);
  check(container.securityContext?.readOnlyRootFilesystem === true, `${name}: read-only root file system`);
  const tmp = (container.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  check(tmp && (pod.volumes ?? []).some((v) => v.name === tmp.name && v.emptyDir), `${name}: /tmp is an emptyDir`);
  const { requests = {}, limits = {} } = container.resources ?? {};
  check(requests.cpu && requests.memory && limits.memory, `${name}: resources: cpu and memory requested, memory limited`);
  check((pod.terminationGracePeriodSeconds ?? 30) > shutdownSeconds,
    `${name}: terminationGracePeriodSeconds above Drain:ShutdownTimeoutSeconds (${shutdownSeconds})`, `${pod.terminationGracePeriodSeconds ?? "30 (default)"}`);
}

const objects = [];
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [i, document] of documents.entries()) {
    const where = `${file.replace(`${repo}/`, "")} #${i + 1}`;
    if (!check(document.errors.length === 0, `${where}: parses as YAML`, document.errors.map((e) => e.message).join("; "))) continue;
    const object = document.toJS();
    if (object === null) continue;   // an empty document (a trailing ---)
    const name = `${where} ${object.kind}/${object.metadata?.name}`;
    const { schema, client } = modelsOf(String(object.apiVersion), String(object.kind));
    let Model;
    try { Model = Object.values(await import(schema)).find((m) => m?.kind === object.kind); } catch { Model = undefined; }
    if (!check(Model !== undefined, `${name}: a kind the Kubernetes schemas know (${object.apiVersion} ${object.kind})`)) continue;
    try { new Model(object).validate(); check(true, `${name}: valid against the Kubernetes schema`); }
    catch (e) { check(false, `${name}: valid against the Kubernetes schema`, e.message); }
    const unknown = await unknownFields(object, client, "", []);
    check(unknown.length === 0, `${name}: no field the Kubernetes API does not know`, unknown.join(", "));
    objects.push(object);
  }
}

const deployments = objects.filter((o) => o.kind === "Deployment");
for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
  check(objects.some((o) => o.kind === kind), `deploy/ holds a ${kind}`);
for (const deployment of deployments) projectRules(deployment, `Deployment/${deployment.metadata?.name}`);

// The other objects point at the Deployment: the Service and the budget select its pods, the autoscaler scales it.
const labels = deployments[0]?.spec?.template?.metadata?.labels ?? {};
const selects = (selector = {}) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
for (const o of objects) {
  if (o.kind === "Service") check(selects(o.spec?.selector), `Service/${o.metadata?.name}: selects the Deployment's pods`);
  if (o.kind === "PodDisruptionBudget") check(selects(o.spec?.selector?.matchLabels), `PodDisruptionBudget/${o.metadata?.name}: selects the Deployment's pods`);
  if (o.kind === "HorizontalPodAutoscaler")
    check(deployments.some((d) => d.metadata?.name === o.spec?.scaleTargetRef?.name && o.spec?.scaleTargetRef?.kind === "Deployment"),
      `HorizontalPodAutoscaler/${o.metadata?.name}: scales the Deployment`);
}

console.log(`deploy: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
