// A Node module-resolution hook that lets `@tensorflow/tfjs-core/dist/register_all_gradients`
// load under tsx. That file and the gradient files it imports are ES modules with
// extensionless relative imports; `./gradients` names both `gradients.js` and a `gradients/`
// directory, and tsx's resolver tries the directory and fails (ERR_UNSUPPORTED_DIR_IMPORT).
// For relative imports inside @tensorflow packages, this hook prefers `<specifier>.js` when
// that file exists, as bundlers do. Registered at run time by bench/tfjs.ts.
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (
    parent?.includes("/node_modules/@tensorflow/") &&
    (specifier.startsWith("./") || specifier.startsWith("../")) &&
    !specifier.endsWith(".js")
  ) {
    const url = new URL(`${specifier}.js`, parent);
    const path = fileURLToPath(url);
    if (existsSync(path) && statSync(path).isFile()) return nextResolve(url.href, context);
  }
  return nextResolve(specifier, context);
}
