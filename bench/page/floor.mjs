// The floor under a playback window: what the browser alone costs for one frame's changes. The
// texts and canvases the page changes per frame are counted while it plays; then a bare page
// that changes as many texts and canvases every frame (and holds as many canvases that do not
// change), with nothing else on it, is measured the same way. The ratio says how much of the
// page's cost is its own and how much any page changing that much would pay in this browser.
import { busyShare, metrics } from "./stats.mjs";

/** Seconds the floor page is measured. */
const FLOOR_S = 5;
/** Frames counted on the playing page. */
const COUNT_FRAMES = 120;

/**
 * Counts, on the playing page, the text nodes and canvases that change per frame (a canvas
 * counts when cleared or written), and the canvases on screen. Runs in the page.
 */
function countChangesInPage(frames) {
  return new Promise((done) => {
    const proto = CanvasRenderingContext2D.prototype;
    const drawn = new Set();
    const originals = {};
    for (const name of ["clearRect", "putImageData"]) {
      originals[name] = proto[name];
      proto[name] = function (...args) {
        drawn.add(this.canvas);
        return originals[name].apply(this, args);
      };
    }
    let texts = 0;
    let canvases = 0;
    let counted = 0;
    const observer = new MutationObserver((list) => {
      for (const m of list) if (m.type === "characterData") texts++;
    });
    observer.observe(document.body, { subtree: true, characterData: true });
    const frame = () => {
      counted++;
      canvases += drawn.size;
      drawn.clear();
      if (counted < frames) {
        requestAnimationFrame(frame);
        return;
      }
      observer.disconnect();
      for (const name of Object.keys(originals)) proto[name] = originals[name];
      const shown = [...document.querySelectorAll("canvas")].filter((c) => {
        const r = c.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && c.checkVisibility();
      }).length;
      done({ texts: texts / counted, canvases: canvases / counted, shown });
    };
    requestAnimationFrame(frame);
  });
}

/** The bare page: `texts` numbers and `canvases` 118 px canvases redrawn every frame. */
function floorPage({ texts, canvases, still }) {
  return `<!doctype html><meta charset="utf-8"><body style="font: 14px sans-serif">
<div id="t"></div><div id="c"></div><script>
const t = [], c = [];
for (let i = 0; i < ${texts}; i++) {
  const s = document.createElement("span"); s.textContent = "0"; t.push(s.firstChild);
  document.getElementById("t").append(s, " ");
}
for (let i = 0; i < ${canvases + still}; i++) {
  const k = document.createElement("canvas"); k.width = k.height = 118;
  document.getElementById("c").append(k);
  const x = k.getContext("2d"); x.fillRect(0, 0, 59, 59);
  if (i < ${canvases}) c.push(x);
}
let n = 0;
const frame = () => {
  n++;
  for (const node of t) node.data = (n * 0.0137).toPrecision(4);
  for (const x of c) {
    x.clearRect(0, 0, 118, 118);
    x.fillStyle = n % 2 ? "#c33" : "#36c"; x.fillRect(0, 0, 118, 118);
    x.fillStyle = "#000"; x.fillText(String(n), 50, 59);
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
</script>`;
}

/** The texts and canvases the playing page changes per frame, and the canvases on screen. */
export async function countChanges(page) {
  const counts = await page.evaluate(countChangesInPage, COUNT_FRAMES);
  const texts = Math.round(counts.texts);
  const canvases = Math.round(counts.canvases);
  return { texts, canvases, still: Math.max(0, counts.shown - canvases) };
}

/**
 * The busy share of a bare page making the changes counted (in a page of its own, with the
 * measured page stopped).
 */
export async function measureFloor(context, counts) {
  const bare = await context.newPage();
  try {
    await bare.setContent(floorPage(counts));
    const cdp = await context.newCDPSession(bare);
    await cdp.send("Performance.enable");
    await bare.waitForTimeout(500);
    const m0 = await metrics(cdp);
    await bare.waitForTimeout(FLOOR_S * 1000);
    const m1 = await metrics(cdp);
    return busyShare(m0, m1);
  } finally {
    await bare.close();
  }
}
