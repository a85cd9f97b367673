/**
 * Loads TensorFlow.js (core + CPU backend + every gradient) for the benchmark under tsx.
 *
 * `import "@tensorflow/tfjs-core/dist/register_all_gradients"` fails under tsx
 * (ERR_UNSUPPORTED_DIR_IMPORT, see tfjs-resolve-hook.mjs), and no bundle of tfjs-core 4.22
 * registers gradients by itself. So a resolution hook is registered first and the modules
 * are imported dynamically after it. The gradients register into tfjs's global registry,
 * which the package's main (CommonJS) build reads, so tf.grads then works as usual.
 */
import { register } from "node:module";

export type Tf = typeof import("@tensorflow/tfjs-core");
export type Tensor4D = import("@tensorflow/tfjs-core").Tensor4D;

export async function loadTfjs(): Promise<Tf> {
  register("./tfjs-resolve-hook.mjs", import.meta.url);
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-core/dist/register_all_gradients");
  tf.enableProdMode(); // only silences the "install tfjs-node" notice
  await tf.setBackend("cpu");
  if (tf.getBackend() !== "cpu") throw new Error(`tfjs backend is ${tf.getBackend()}, not cpu`);
  return tf;
}
