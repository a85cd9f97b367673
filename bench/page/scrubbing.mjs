// scrubbing: dragging the Position slider from the end to 0 → the next frame after React
// committed the move (the status changed).
import { endWindow, settle, startWindow } from "./session.mjs";
import { median } from "./stats.mjs";

const SCRUB_MOVES = 100;

/** Watches the slider's input (pointer and keys) and React's commits (the status text). */
function watchScrubbing() {
  const s = { lastInput: null, commits: [] };
  window.__bench.scrub = s;
  for (const type of ["pointermove", "pointerdown", "keydown"])
    window.addEventListener(type, (e) => (s.lastInput = e.timeStamp), { capture: true });
  const status = document.querySelector("output.status");
  new MutationObserver(() => {
    const commit = { input: s.lastInput, at: performance.now(), frame: null };
    s.commits.push(commit);
    requestAnimationFrame(() => {
      commit.frame = performance.now();
    });
  }).observe(status, { subtree: true, childList: true, characterData: true });
}

/** Resolves with the last input's commit once its frame is drawn, or null if none came. */
function scrubSettled(timeoutMs) {
  const s = window.__bench.scrub;
  const started = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      const input = s.lastInput;
      const commit = s.commits.find((c) => c.input === input);
      if (commit && commit.frame !== null) {
        // One more frame so the next move starts from a quiet page.
        requestAnimationFrame(() =>
          resolve({ latency: commit.frame - input, work: commit.at - input }),
        );
      } else if (performance.now() - started > timeoutMs) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export async function measureScrubbing(page) {
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await settle(page);
  await page.evaluate(watchScrubbing);
  const slider = page.getByRole("slider", { name: "Position" });
  const box = await slider.boundingBox();
  const total = Number(await slider.getAttribute("max"));
  const y = box.y + box.height / 2;
  // The thumb sits at the right end at the maximum; 100 moves drag it to the left end.
  const right = box.x + box.width - 6;
  const left = box.x - 10;
  await page.evaluate(startWindow);
  await page.mouse.move(right, y);
  await page.mouse.down();
  const latencies = [];
  const work = [];
  for (let i = 1; i <= SCRUB_MOVES; i++) {
    await page.mouse.move(right + ((left - right) * i) / SCRUB_MOVES, y);
    // A move too small to change the value commits nothing: it is skipped, not counted.
    const r = await page.evaluate(scrubSettled, 250);
    if (r !== null) {
      latencies.push(r.latency);
      work.push(r.work);
    }
  }
  await page.mouse.up();
  const { longTasks } = await page.evaluate(endWindow);
  const end = Number(await slider.inputValue());
  return {
    from: total,
    to: end,
    moves: latencies.length,
    median: median(latencies),
    worst: Math.max(...latencies),
    workMedian: median(work),
    workWorst: Math.max(...work),
    longTasks,
  };
}
