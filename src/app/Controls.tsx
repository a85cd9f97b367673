import { useRef } from "react";
import { positionViewOf, statusInterval } from "../panels/livePosition";
import { setSpeed, togglePlay } from "../state/playback";
import { setDragging } from "../state/problem";
import { type AppState, appStore, SPEEDS } from "../state/store";
import { finishSweep, setPosition, step, stepBack, totalPositions } from "../state/sweep";
import { reset } from "../state/update";
import { useApp } from "../state/useApp";
import { formatNumber } from "../viz/format";
import { setText } from "../viz/numberGridPaint";
import { useFramePaint } from "../viz/useFramePaint";

/** How often the live summary speaks while a sweep plays, in milliseconds. */
const SUMMARY_MS = 2500;

/** What the live summary says about a playing sweep. */
function summary(s: AppState, total: number): string {
  const view = positionViewOf(s);
  const where = view ? `, row ${view.row}, col ${view.col}` : "";
  const bias = s.sums ? `; ∂L/∂b so far ${formatNumber(s.sums.biasGrad)}` : "";
  return `Playing: position ${s.position} of ${total}${where}${bias}.`;
}

/**
 * Paints the status, the slider's value and the live summary on every change of the store,
 * outside React: a playing sweep moves them every frame and re-renders nothing. The status
 * (role status) is polite at rest; while playing it is not live, and the summary, a polite
 * region of its own, speaks every few seconds instead of sixty times a second.
 */
function useTransportPaint(): {
  status: React.RefObject<HTMLOutputElement | null>;
  slider: React.RefObject<HTMLInputElement | null>;
  said: React.RefObject<HTMLSpanElement | null>;
} {
  const status = useRef<HTMLOutputElement>(null);
  const slider = useRef<HTMLInputElement>(null);
  const said = useRef<HTMLSpanElement>(null);
  const spoken = useRef({ at: Number.NEGATIVE_INFINITY, playing: false });
  useFramePaint(
    appStore.subscribe,
    () => {
      const s = appStore.getState();
      const total = totalPositions(s);
      setText(
        status.current,
        `Position ${s.position} of ${total}${s.sweepPending ? " (computing…)" : ""}`,
      );
      const value = String(s.position);
      if (slider.current && slider.current.value !== value) slider.current.value = value;
      const now = performance.now();
      if (s.playing && now - spoken.current.at >= SUMMARY_MS) {
        spoken.current.at = now;
        setText(said.current, summary(s, total));
      } else if (!s.playing && spoken.current.playing) {
        spoken.current.at = Number.NEGATIVE_INFINITY;
        const how = s.position >= total ? "finished" : "paused";
        setText(said.current, `Sweep ${how} at position ${s.position} of ${total}.`);
      }
      spoken.current.playing = s.playing;
    },
    statusInterval,
  );
  return { status, slider, said };
}

/**
 * The Position slider is being dragged: views off screen wait until it is let go (useLive).
 * The release is heard on the window, wherever the pointer is by then.
 */
function dragPosition(): void {
  setDragging(true);
  const end = () => {
    setDragging(false);
    window.removeEventListener("pointerup", end);
    window.removeEventListener("pointercancel", end);
  };
  window.addEventListener("pointerup", end);
  window.addEventListener("pointercancel", end);
}

/** The sweep's transport: step, play, scrub, finish, and the position status. */
export function Controls() {
  const total = useApp((s) => totalPositions(s));
  const atStart = useApp((s) => s.position === 0);
  const atEnd = useApp((s) => s.position >= totalPositions(s));
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const pending = useApp((s) => s.sweepPending);
  const ready = total > 0 && !pending;
  const { status, slider, said } = useTransportPaint();
  return (
    <div className="controls">
      <button
        type="button"
        onClick={stepBack}
        disabled={!ready || atStart}
        aria-keyshortcuts="ArrowLeft"
      >
        Step back
      </button>
      <button
        type="button"
        onClick={step}
        disabled={!ready || atEnd}
        aria-keyshortcuts="ArrowRight"
      >
        Step
      </button>
      <button
        type="button"
        className="play"
        onClick={togglePlay}
        disabled={!ready}
        aria-keyshortcuts="Space"
      >
        {playing ? "Pause" : "Play"}
      </button>
      <label className="speed">
        Speed{" "}
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}/s
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={finishSweep}
        disabled={!ready || atEnd}
        aria-keyshortcuts="End"
      >
        Finish sweep
      </button>
      <input
        type="range"
        className="scrubber"
        aria-label="Position"
        min={0}
        max={total}
        step={1}
        ref={slider}
        defaultValue={0}
        disabled={!ready}
        onChange={(e) => setPosition(Number(e.target.value))}
        onPointerDown={dragPosition}
      />
      <output className="status" aria-live={playing ? "off" : "polite"} ref={status} />
      <span className="visually-hidden" aria-live="polite" ref={said} />
      <button type="button" onClick={reset}>
        Reset
      </button>
    </div>
  );
}
