import { useEffect, useState } from "react";
import { useApp } from "../state/useApp";

const KEY = "convsweep-tour-done";

function tourDone(): boolean {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

function markDone(): void {
  try {
    localStorage.setItem(KEY, "1");
  } catch {
    // Without storage the tour may show again next visit; nothing else depends on it.
  }
}

/** The tips, for a filter of this shape (e.g. "3x3") swept over this many positions. */
const tips = (shape: string, total: number) => [
  {
    title: "1. Draw",
    text: `Draw on the input image (or pick a preset). The filter will be applied to every ${shape} window of it.`,
  },
  {
    title: "2. Step",
    text: "Press Step (or →) a few times. “This position” shows what one position adds: δ times the patch it saw.",
  },
  {
    title: "3. Sum",
    text: `Each position's terms land in the one shared ${shape} buffer of “Running sum”. Press Finish sweep to add all ${total}.`,
  },
  {
    title: "4. Update",
    text: "Press Apply update: the one filter moves by −η times the sum. Then try Train to repeat it many times.",
  },
];

/** A first-visit walkthrough (draw → step → sum → update) that follows what the person does. */
export function Tour() {
  const [open, setOpen] = useState(() => !tourDone());
  const [tip, setTip] = useState(0);
  const image = useApp((s) => s.image);
  // Booleans, not the position itself: the tour does not re-render on every played frame.
  const stepped = useApp((s) => s.position >= 3);
  const total = useApp((s) => (s.sweep ? s.sweep.outHeight * s.sweep.outWidth : 0));
  const finished = useApp(
    (s) => s.sweep !== null && s.position === s.sweep.outHeight * s.sweep.outWidth,
  );
  const updates = useApp((s) => s.updates);
  const shape = useApp((s) => `${s.kernel.height}x${s.kernel.width}`);
  const [startImage] = useState(image);
  // Advance when the person has done what the tip asks. A closed tour does nothing more: an
  // effect that set state on every store change (e.g. every training report) would make React
  // re-render in a cascade and give up.
  useEffect(() => {
    if (!open) return;
    if (tip === 0 && image !== startImage) setTip(1);
    else if (tip === 1 && stepped) setTip(2);
    else if (tip === 2 && finished) setTip(3);
  }, [open, tip, image, startImage, stepped, finished]);
  useEffect(() => {
    if (open && tip === 3 && updates > 0) {
      markDone();
      setOpen(false);
    }
  }, [open, tip, updates]);
  if (!open) return null;
  const close = () => {
    markDone();
    setOpen(false);
  };
  const all = tips(shape, total);
  const current = all[tip] ?? all[0];
  return (
    <section className="tour" aria-label="Getting started">
      <strong>{current?.title}</strong> <span>{current?.text}</span>
      <span className="tour-actions">
        <button type="button" onClick={() => setTip(Math.max(0, tip - 1))} disabled={tip === 0}>
          Previous tip
        </button>
        {tip < all.length - 1 ? (
          <button type="button" onClick={() => setTip(tip + 1)}>
            Next tip
          </button>
        ) : null}
        <button type="button" className="link" onClick={close}>
          Skip the tour
        </button>
      </span>
    </section>
  );
}
