// Runs @cloud-copilot/iam-simulate on every scenario of a tenet_conformance JSONL file, in one
// process, and writes one JSON line per scenario:
//   {"id", "decision": "Allowed"|"ExplicitlyDenied"|"ImplicitlyDenied"|null,
//    "error": message|null, "ignoredContextKeys": [...], "parts": {identity, resource, ...}}
// Usage: node run.mjs SCENARIOS.jsonl OUT.jsonl
// The package is resolved from NODE_PATH (scripts/conformance.sh points it at the cache).
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node run.mjs SCENARIOS.jsonl OUT.jsonl');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const out = createWriteStream(output);
const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
let n = 0;
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, simulation } = JSON.parse(line);
  const row = { id, decision: null, error: null, ignoredContextKeys: [] };
  if (!simulation) {
    row.error = 'no simulation input';
  } else {
    try {
      const r = await runSimulation(simulation, {});
      if (r.resultType === 'error') {
        row.error = JSON.stringify(r.errors);
      } else {
        row.decision = r.overallResult;
        const results = r.resultType === 'single' ? [r.result] : r.results;
        row.ignoredContextKeys = [...new Set(results.flatMap((x) => x.ignoredContextKeys ?? []))];
        // Each policy type's own result, to tell where the two evaluators part.
        const a = results[0]?.analysis;
        if (a) {
          row.parts = {
            identity: a.identityAnalysis?.result,
            resource: a.resourceAnalysis?.result,
            boundary: a.permissionBoundaryAnalysis?.result,
            session: a.sessionAnalysis?.result,
            scp: a.scpAnalysis?.result,
            rcp: a.rcpAnalysis?.result,
            sameAccount: a.sameAccount,
          };
        }
      }
    } catch (e) {
      row.error = `exception: ${e && e.message ? e.message : String(e)}`;
    }
  }
  out.write(JSON.stringify(row) + '\n');
  n += 1;
}
out.end();
await new Promise((resolve) => out.on('finish', resolve));
console.error(`iam-simulate: ${n} scenarios`);
