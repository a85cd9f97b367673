// `npm test`: typecheck, lint, unit tests, a production build and its size, the browser tests,
// then one closing line `N passed, N failed` (", N skipped") that counts every check and test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSystemPackages } from "./systemPackages.mjs";

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, command, args) {
  console.log(`\n▶ ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  const ok = result.status === 0;
  console.log(`${ok ? "✓" : "✗"} ${label}`);
  return ok;
}

function check(label, command, args) {
  if (run(label, command, args)) passed++;
  else failed++;
}

// Debian's Chromium, Firefox ESR and Python packages: installed when missing (as root), or
// the exact command named and nothing run.
const install = ensureSystemPackages();
if (install !== null) {
  console.log(`\nThe tests need Debian packages that are not installed. Run:\n  ${install}`);
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}

check("typecheck", "npx", ["tsc", "-p", "."]);
check("lint", "npx", ["biome", "check", "."]);
const built = run("build", "npx", ["vite", "build"]);
if (built) passed++;
else failed++;
// The first-load JavaScript against its budget (scripts/size.mjs prints every chunk).
if (built) check("size", "node", ["scripts/size.mjs", "dist"]);
else {
  console.log("✗ size not checked: the build failed");
  failed++;
}

function vitest(label, project) {
  const report = join(mkdtempSync(join(tmpdir(), "convsweep-")), "report.json");
  const ok = run(label, "npx", [
    "vitest",
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ]);
  try {
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // A file that failed to load has no tests to count; count it as one failure.
    const broken = r.testResults.filter(
      (f) => f.status === "failed" && f.assertionResults.length === 0,
    );
    failed += broken.length;
    if (!ok && r.numFailedTests === 0 && broken.length === 0) failed++;
  } catch {
    failed++;
  }
}

vitest("unit tests", "unit");
if (built) {
  vitest("browser tests (Chromium)", "e2e");
  vitest("browser tests (Firefox)", "firefox");
} else {
  console.log("✗ browser tests not run: the build failed");
  failed++;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 ? 0 : 1);
