// The 128x128 input of bench/page.mjs, made from the app's own exported state and opened
// through Import as a person would.
import { openPage, settle } from "./session.mjs";

/** The app's exported state, turned into a `side` x `side` input with a matching target. */
export async function bigState(page, side) {
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const file = await download;
  const stream = await file.createReadStream();
  let text = "";
  for await (const chunk of stream) text += chunk;
  const doc = JSON.parse(text);
  const kernel = doc.targetKernel ?? doc.kernel;
  const k = kernel.height;
  // A smooth picture with strokes: rings and a diagonal bar, values in [0, 1].
  const image = new Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const ring = Math.abs(Math.hypot(r - side / 2, c - side / 2.3) - side / 3.2) < side / 22;
      const bar = Math.abs(r - c * 0.8 - side / 8) < side / 28;
      const wash = 0.1 + (0.15 * c) / (side - 1);
      image[r * side + c] = ring || bar ? 1 : wash;
    }
  }
  const out = side - k + 1;
  const target = new Array(out * out);
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < out; j++) {
      let s = 0;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) s += kernel.data[a * k + b] * image[(i + a) * side + (j + b)];
      target[i * out + j] = s;
    }
  }
  const grid = (height, width, data) => ({ height, width, data });
  return JSON.stringify({
    ...doc,
    image: grid(side, side, image),
    target: grid(out, out, target),
    targetKernel: doc.targetKernel,
    options: { stride: 1, padding: 0, dilation: 1 },
    // Squared error summed over 15,876 positions instead of 900: the same step size would
    // overshoot and diverge, so the learning rate shrinks with the number of positions.
    learningRate: (doc.learningRate * 30 * 30) / (out * out),
    updates: 0,
    position: 0,
    sums: {
      kernelGrad: grid(k, k, new Array(k * k).fill(0)),
      biasGrad: 0,
      inputGrad: grid(side, side, new Array(side * side).fill(0)),
    },
  });
}

/** Opens a fresh page of `context` and imports `state` (from bigState) into it. */
export async function openImported(context, url, state) {
  // Fresh: the page the state came from left its own work saved, at whatever position.
  const big = await openPage(context, url, { fresh: true });
  await settle(big.page);
  await big.page.getByLabel("State file to import").setInputFiles({
    name: "convsweep-128.json",
    mimeType: "application/json",
    buffer: Buffer.from(state),
  });
  await big.page.waitForFunction(
    () => /^Position 0 of 15876$/.test(document.querySelector("output.status")?.textContent),
    null,
    { timeout: 20_000 },
  );
  return big;
}
