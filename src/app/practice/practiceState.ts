import type { PracticeState } from "../../practice/exercise";
import type { AppState } from "../../state/store";

/** What exercises are built from, taken from the app's state; null while no sweep is shown. */
export function practiceStateOf(s: AppState): PracticeState | null {
  if (s.sweep === null || s.sweepPending) return null;
  return {
    image: s.image,
    kernel: s.kernel,
    bias: s.bias,
    options: s.options,
    reduction: s.reduction,
    learningRate: s.learningRate,
    sweep: s.sweep,
    position: s.position,
    painted: s.paintedDelta !== null,
  };
}

/** Brings a panel into view, focuses its heading and marks it for a moment. */
export function pointAtPanel(id: string): void {
  // The views below load after the page is up: their section heading stands in until then.
  const panel = document.getElementById(id) ?? document.getElementById("views-title");
  if (panel === null) return;
  panel.scrollIntoView({ behavior: "smooth", block: "start" });
  const heading = document.getElementById(`${id}-title`);
  if (heading !== null) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  panel.classList.add("practice-pointed");
  window.setTimeout(() => panel.classList.remove("practice-pointed"), 2500);
}
