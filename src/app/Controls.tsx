import { setSpeed, togglePlay } from "../state/playback";
import { setDragging } from "../state/problem";
import { SPEEDS } from "../state/store";
import { finishSweep, setPosition, step, stepBack, totalPositions } from "../state/sweep";
import { reset } from "../state/update";
import { useApp } from "../state/useApp";

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
  const position = useApp((s) => s.position);
  const total = useApp((s) => totalPositions(s));
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const pending = useApp((s) => s.sweepPending);
  const ready = total > 0 && !pending;
  return (
    <div className="controls">
      <button
        type="button"
        onClick={stepBack}
        disabled={!ready || position === 0}
        aria-keyshortcuts="ArrowLeft"
      >
        Step back
      </button>
      <button
        type="button"
        onClick={step}
        disabled={!ready || position >= total}
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
        disabled={!ready || position >= total}
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
        value={position}
        disabled={!ready}
        onChange={(e) => setPosition(Number(e.target.value))}
        onPointerDown={dragPosition}
      />
      <output className="status" aria-live="polite">
        Position {position} of {total}
        {pending ? " (computing…)" : ""}
      </output>
      <button type="button" onClick={reset}>
        Reset
      </button>
    </div>
  );
}
