import { errorText } from "../../engine/errorText";
import { loadCode } from "../../engine/loadCode";
import { setNotice } from "../../state/commit";
import { useApp } from "../../state/useApp";

/** Switches Paint δ on or off; the mode's actions are fetched with its panel, on first use. */
async function toggle(painting: boolean): Promise<void> {
  let mode: typeof import("../../state/paintedDelta");
  try {
    mode = await loadCode(
      "Paint δ",
      () => import("../../state/paintedDelta"),
      "so nothing changed",
    );
  } catch (error) {
    setNotice({ kind: "error", text: errorText(error) });
    return;
  }
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
