import { loadFailureText } from "../../engine/errorText";
import { setNotice } from "../../state/commit";
import { useApp } from "../../state/useApp";

/** Whether the last fetch of Paint δ's actions failed: a second failure says to reload. */
let failedBefore = false;

/** Switches Paint δ on or off; the mode's actions are fetched with its panel, on first use. */
async function toggle(painting: boolean): Promise<void> {
  let mode: typeof import("../../state/paintedDelta");
  try {
    mode = await import("../../state/paintedDelta");
  } catch (error) {
    setNotice({
      kind: "error",
      text: loadFailureText("Paint δ", error, {
        outcome: "so nothing changed",
        again: failedBefore,
      }),
    });
    failedBefore = true;
    return;
  }
  failedBefore = false;
  await (painting ? mode.stopPaintingDelta() : mode.startPaintingDelta());
}

/**
 * "Paint δ" (docs/accessible-names.md): switches between δ derived from the target and δ painted by
 * hand; pressed while painting.
 */
export function PaintDeltaButton() {
  const painting = useApp((s) => s.paintedDelta !== null);
  return (
    <button
      type="button"
      aria-pressed={painting}
      onClick={() => void toggle(painting)}
      title="Paint the error map δ = ∂L/∂out by hand instead of deriving it from the target"
    >
      Paint δ
    </button>
  );
}
