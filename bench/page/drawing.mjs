// drawing: pointer move on "Input image" → the next frame after "Output map" and "Delta map"
// were repainted (src/viz/paintGrid.ts stamps data-painted), one move at a time.
import { settle } from "./session.mjs";
import { median, quantile } from "./stats.mjs";

const DRAW_MOVES = 100;

/** Watches the input canvas's pointer moves and the Output / Delta maps' repaints. */
function watchDrawing() {
  const d = { moves: [], paints: { out: [], delta: [] } };
  window.__bench.draw = d;
  const input = document.querySelector('canvas[aria-label^="Input image"]');
  input.addEventListener("pointermove", (e) => d.moves.push(e.timeStamp), { capture: true });
  for (const [key, label] of [
    ["out", "Output map"],
    ["delta", "Delta map"],
  ]) {
    const canvas = document.querySelector(`canvas[aria-label="${label}"]`);
    new MutationObserver(() => {
      const paint = { at: performance.now(), frame: null };
      d.paints[key].push(paint);
      requestAnimationFrame(() => {
        paint.frame = performance.now();
      });
    }).observe(canvas, { attributes: true, attributeFilter: ["data-painted"] });
  }
}

/**
 * Resolves once the last pointer move's sweep is on screen: both maps repainted after the
 * move, a frame drawn after each repaint, the status no longer computing, and two quiet frames.
 */
function drawSettled(timeoutMs) {
  const d = window.__bench.draw;
  const status = document.querySelector("output.status");
  const started = performance.now();
  return new Promise((resolve) => {
    let quiet = 0;
    let seen = -1;
    const tick = () => {
      const move = d.moves[d.moves.length - 1];
      const out = d.paints.out[d.paints.out.length - 1];
      const delta = d.paints.delta[d.paints.delta.length - 1];
      const count = d.paints.out.length + d.paints.delta.length;
      const done =
        move !== undefined &&
        out !== undefined &&
        delta !== undefined &&
        out.at > move &&
        delta.at > move &&
        out.frame !== null &&
        delta.frame !== null &&
        !status.textContent.includes("computing");
      quiet = done && count === seen ? quiet + 1 : 0;
      seen = count;
      if (quiet >= 2) {
        resolve({
          latency: Math.max(out.frame, delta.frame) - move,
          paintedAfter: Math.max(out.at, delta.at) - move,
        });
      } else if (performance.now() - started > timeoutMs) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export async function measureDrawing(page) {
  await page.getByRole("button", { name: "Clear", exact: true }).click();
  await settle(page);
  await page.evaluate(watchDrawing);
  const canvas = page.getByRole("img", { name: /^Input image/ });
  const box = await canvas.boundingBox();
  const side = await canvas.evaluate((el) => el.width);
  const cell = box.width / side;
  // A raster of strokes over blank cells, so that every move changes the image.
  const step = Math.max(1.3 * cell, 3);
  const perRow = Math.floor((box.width - 4 * cell) / step);
  const at = (i) => ({
    x: box.x + 2 * cell + (i % perRow) * step,
    y: box.y + (2.5 + 3 * Math.floor(i / perRow)) * cell,
  });
  const latencies = [];
  const paints = [];
  let missed = 0;
  await page.mouse.move(at(0).x - step, at(0).y);
  await page.mouse.down();
  for (let i = 0; i < DRAW_MOVES; i++) {
    if (i > 0 && i % perRow === 0) {
      // A new row: lift the pen, so the jump back does not draw a diagonal across old strokes.
      await page.mouse.up();
      await page.mouse.move(at(i).x - step, at(i).y);
      await page.mouse.down();
      await page.evaluate(drawSettled, 2000);
    }
    const p = at(i);
    await page.mouse.move(p.x, p.y);
    const r = await page.evaluate(drawSettled, 3000);
    if (r === null) missed++;
    else {
      latencies.push(r.latency);
      paints.push(r.paintedAfter);
    }
  }
  await page.mouse.up();
  await settle(page);
  return {
    moves: latencies.length,
    missed,
    median: median(latencies),
    p95: quantile(latencies, 0.95),
    worst: Math.max(...latencies),
    paintMedian: median(paints),
  };
}
