// What `npm test` needs from Debian's packages, installed when it can be (as root, with apt)
// or else named in one line so the person can install it. A fresh machine has none of them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Each need: how to tell it is there, and the Debian packages that bring it. */
export const NEEDS = [
  {
    what: "Chromium (browser tests)",
    present: () => existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"),
    packages: ["chromium"],
  },
  {
    what: "Firefox ESR (browser tests in Firefox)",
    present: () => existsSync(process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr"),
    packages: ["firefox-esr"],
  },
  {
    what: "Python 3 with NumPy and PyTorch (the code twin's scripts)",
    // Debian's Python: the python3 first on PATH may be a build that cannot see its packages.
    present: () =>
      spawnSync("/usr/bin/python3", ["-c", "import numpy, torch"], { stdio: "ignore" }).status ===
      0,
    packages: ["python3-numpy", "python3-torch"],
  },
  {
    what: "Python 3's onnx (the ONNX files the engine reads and writes)",
    present: () =>
      spawnSync("/usr/bin/python3", ["-c", "import onnx"], { stdio: "ignore" }).status === 0,
    packages: ["python3-onnx"],
  },
];

function run(command, args) {
  return (
    spawnSync(command, args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status === 0
  );
}

/**
 * Installs the missing packages with apt when running as root; returns the exact command to
 * run otherwise (or when apt failed), or null when everything is there.
 */
export function ensureSystemPackages() {
  const missing = NEEDS.filter((need) => !need.present());
  if (missing.length === 0) return null;
  const packages = missing.flatMap((need) => need.packages);
  const command = `apt-get install -y ${packages.join(" ")}`;
  console.log(`Missing: ${missing.map((need) => need.what).join("; ")}`);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !existsSync("/usr/bin/apt-get")) return command;
  console.log(`Installing from Debian's packages: ${command}`);
  if (
    !run("apt-get", ["update", "-qq"]) ||
    !run("apt-get", ["install", "-y", "-qq", ...packages])
  ) {
    return command;
  }
  const still = missing.filter((need) => !need.present());
  return still.length === 0 ? null : command;
}
