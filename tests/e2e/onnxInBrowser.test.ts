// The models PyTorch saves (tests/unit/engine/onnx/pytorchModels.py: LeNet-5, a 28x28 CNN,
// kernels 1–7, strides, paddings, a dilation, both pools, dense stacks, colour, float32 and
// float64), read by the engine inside Chromium rather than Node: the engine's own module,
// bundled as the page gets it, imports each file, and its output, loss, every gradient and
// each conv layer's per-position sums must equal PyTorch float64 autograd to 1e-9 of the
// largest entry, the parameters PyTorch saved to the bit; the BatchNorm model is refused
// naming its operator. Without PyTorch the test fails with the command that installs it.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runPytorchModels } from "../unit/engine/onnx/pytorchReference";
import { launchChromium, TEST_MS } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** What the page computes for one model (or the message it refused it with). */
interface InPage {
  refused?: string;
  params: number[];
  output: number[];
  loss: number;
  grads: number[];
  inputGrad: number[];
  /** For each conv layer: its filter 0's kernel gradient summed over every position, and the engine's. */
  sums: { summed: number[]; engine: number[]; torch: [number, number] }[];
}

const ENGINE = fileURLToPath(new URL("../../src/engine/index.ts", import.meta.url));

/** |a − b| ≤ 1e-9 · the largest |b| entry, for every entry; the worst ratio. */
function near(actual: readonly number[], expected: readonly number[], what: string): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const largest = Math.max(1e-300, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)) / largest);
  }
  expect(worst, `${what}: worst difference over the largest entry`).toBeLessThanOrEqual(1e-9);
  return worst;
}

test(
  "PyTorch's models, imported by the engine in Chromium, equal PyTorch autograd",
  async () => {
    const { models } = runPytorchModels(mkdtempSync(join(tmpdir(), "convsweep-browser-onnx-")));
    expect(models.length).toBeGreaterThanOrEqual(8);
    const bundle = await build({
      entryPoints: [ENGINE],
      bundle: true,
      format: "iife",
      globalName: "convsweepEngine",
      platform: "browser",
      write: false,
    });
    const page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? "" });
    let worst = 0;
    for (const model of models) {
      const bytes = readFileSync(model.file).toString("base64");
      const got = await page.evaluate(
        ({ bytes, input, label }) => {
          // biome-ignore lint/suspicious/noExplicitAny: the bundle's global, typed by the engine's own exports
          const e = (window as any).convsweepEngine as typeof import("../../src/engine/index");
          const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
          let model: ReturnType<typeof e.importOnnx>;
          try {
            model = e.importOnnx(data);
          } catch (error) {
            return { refused: String(error) } as InPage;
          }
          const net = e.createNetwork(model.spec);
          const trace = e.networkForward(net, model.params, Float64Array.from(input));
          const back = e.networkBackward(net, model.params, trace, label, 1);
          const sums = net.plans.flatMap((plan, layer) => {
            if (plan.type !== "conv2d") return [];
            const size = plan.conv.inChannels * plan.conv.kernelHeight * plan.conv.kernelWidth;
            const summed = new Float64Array(size);
            for (const c of e.layerContributions(net, model.params, trace, back.deltas, layer, 0)) {
              for (let i = 0; i < size; i++)
                summed[i] = (summed[i] as number) + (c.kernelGrad[i] as number);
            }
            return [
              {
                summed: Array.from(summed),
                engine: Array.from(back.grads.subarray(plan.weights, plan.weights + size)),
                torch: [plan.weights, plan.weights + size] as [number, number],
              },
            ];
          });
          return {
            params: Array.from(model.params),
            output: Array.from(trace.outputs.at(-1) ?? []),
            loss: back.loss,
            grads: Array.from(back.grads),
            inputGrad: Array.from(back.inputGrad),
            sums,
          } as InPage;
        },
        { bytes, input: model.input, label: model.label },
      );
      if (model.unsupported !== undefined) {
        expect(got.refused, model.name).toMatch(new RegExp(model.unsupported));
        continue;
      }
      expect(got.refused, model.name).toBeUndefined();
      expect(got.params, `${model.name}: weights`).toEqual(model.weights);
      worst = Math.max(worst, near(got.output, model.output, `${model.name}: output`));
      worst = Math.max(worst, near([got.loss], [model.loss], `${model.name}: loss`));
      worst = Math.max(worst, near(got.grads, model.grads.flat(), `${model.name}: gradients`));
      worst = Math.max(
        worst,
        near(got.inputGrad, model.inputGrad, `${model.name}: input gradient`),
      );
      const torch = model.grads.flat();
      for (const [i, s] of got.sums.entries()) {
        // The positions' sum is the engine's gradient to the bit, and PyTorch's to 1e-9.
        expect(s.summed, `${model.name}: conv ${i + 1}, sum of positions`).toEqual(s.engine);
        near(s.summed, torch.slice(...s.torch), `${model.name}: conv ${i + 1} vs PyTorch`);
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
    await page.close();
  },
  2 * TEST_MS,
);
