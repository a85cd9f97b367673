// Where a frame's time goes: a Chrome trace of the page's main thread, each event's own time
// (its duration less its children's) put into one of five kinds, and what the frames laid out
// and repainted. Used by bench/page/playback.mjs after each playback window.

/** Seconds of trace recorded after a playback window (the run goes on meanwhile). */
export const TRACE_S = 3;

const CATEGORIES = [
  "toplevel",
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "blink",
  "cc",
];

/**
 * The kind of work a main-thread trace event is, by its name: the page's JavaScript (with the
 * canvas calls and observers it makes), style and layout, paint, layerization and the commit
 * to the compositor, or the scheduler's own ("other").
 */
const KINDS = [
  [
    "script",
    /^(FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|RunMicrotasks|EventDispatch|AsyncTask|BlinkScheduler_PerformMicrotaskCheckpoint|PageAnimator::serviceScriptedAnimations|v8|V8|MajorGC|MinorGC|Canvas|CanvasResource|IntersectionObserver|ResizeObserver)/,
  ],
  [
    "style/layout",
    /^(UpdateLayoutTree|Document::(recalcStyle|updateStyle)|Blink\.Style|Blink\.Layout|Layout$|LocalFrameView::(performLayout|UpdateStyleAndLayout|performPostLayoutTasks)|InlineNode|ParseAuthorStyleSheet|ScheduleStyleRecalculation)/,
  ],
  ["paint", /^(Paint$|PrePaint|Blink\.PrePaint|Blink\.Paint|CullRectUpdate|PaintImage|Decode)/],
  [
    "layerize/commit",
    /^(PaintArtifactCompositor|Layerize|LocalFrameView::pushPaintArtifactToCompositor|LayerTreeHost|UpdateLayer|Commit|ProxyMain|Blink\.CompositingInputs|WebFrameWidgetImpl::UpdateLifecycle|UpdateLayerTree|LocalFrameView::RunPaintLifecyclePhase)/,
  ],
];
export const KIND_NAMES = [...KINDS.map(([k]) => k), "other"];

const kindOf = (name) => KINDS.find(([, re]) => re.test(name))?.[0] ?? "other";

/** Records TRACE_S seconds of the page's trace; returns its events. */
export async function recordTrace(page) {
  const browser = page.context().browser();
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.waitForTimeout(TRACE_S * 1000);
  const buffer = await browser.stopTracing();
  const json = JSON.parse(buffer.toString("utf8"));
  return json.traceEvents ?? json;
}

/**
 * The breakdown of a trace's busiest renderer main thread: each kind's share of wall time, and
 * per frame the layouts (with the layout objects they had to visit and the tree's size), the
 * paint layers repainted (with the area each covers) and the full re-layerizations.
 */
export function breakdown(events) {
  const names = new Map();
  for (const e of events)
    if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const counts = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (names.get(key) === "CrRendererMain") counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const slices = events
    .filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && typeof e.dur === "number")
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  if (slices.length === 0) throw new Error("the trace holds no main-thread events");
  // Own time: a slice's duration less that of the slices nested in it.
  const own = new Map(slices.map((s) => [s, s.dur]));
  const open = [];
  for (const s of slices) {
    while (open.length > 0 && open[open.length - 1].ts + open[open.length - 1].dur <= s.ts)
      open.pop();
    const parent = open[open.length - 1];
    if (parent !== undefined) own.set(parent, own.get(parent) - s.dur);
    open.push(s);
  }
  const start = slices[0].ts;
  const end = Math.max(...slices.map((s) => s.ts + s.dur));
  const wall = end - start;
  const share = Object.fromEntries(KIND_NAMES.map((k) => [k, 0]));
  for (const [s, t] of own) share[kindOf(s.name)] += t / wall;
  const named = (n) => slices.filter((s) => s.name === n);
  const frames = named("Layerize").length || named("ProxyMain::BeginMainFrame").length;
  const layouts = named("Layout");
  const dirty = layouts.map((l) => l.args?.beginData?.dirtyObjects ?? 0).sort((a, b) => a - b);
  const paints = named("Paint");
  const area = (p) => {
    const q = p.args?.data?.clip;
    if (!Array.isArray(q) || q.length < 8) return 0;
    return Math.abs((q[2] - q[0]) * (q[5] - q[3]));
  };
  const paintAreas = paints.map(area).sort((a, b) => a - b);
  const layers = new Map();
  for (const p of paints) {
    const name = p.args?.data?.nodeName ?? "?";
    layers.set(name, (layers.get(name) ?? 0) + 1);
  }
  return {
    share,
    frames,
    layoutsPerFrame: frames ? layouts.length / frames : 0,
    layoutObjects: dirty[dirty.length >> 1] ?? 0,
    layoutTree: Math.max(0, ...layouts.map((l) => l.args?.beginData?.totalObjects ?? 0)),
    paintsPerFrame: frames ? paints.length / frames : 0,
    paintArea: paintAreas[paintAreas.length >> 1] ?? 0,
    paintedLayers: [...layers].sort((a, b) => b[1] - a[1]),
    relayerizedPerFrame: frames ? named("PaintArtifactCompositor::Update").length / frames : 0,
  };
}
