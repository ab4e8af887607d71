// Runs the test suites with node's own test runner (TypeScript through tsx).
//   npm test               unit + engine + e2e
//   npm test -- unit       one suite (unit | engine | e2e), several allowed
// Suites run one after another: the engine and e2e suites load real models and a real VS Code, and
// this machine has two cores.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const all = ['unit', 'engine', 'e2e'];
const asked = process.argv.slice(2).filter((a) => all.includes(a));
const suites = asked.length ? asked : all;
let failed = false;
for (const suite of suites) {
  const dir = join('test', suite);
  if (!existsSync(dir)) continue;
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f));
  if (!files.length) continue;
  console.log(`\n== ${suite}: ${files.length} files`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, DIFFCODER_TEST_SUITE: suite },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
