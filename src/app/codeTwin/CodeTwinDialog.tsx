import { useEffect, useId, useMemo, useRef, useState } from "react";
import { currentLinkedState } from "../../state/loading";
import { downloadBlob } from "../../viz/download";
import { type Flavour, pythonScript, SCRIPT_NAMES } from "./pythonScript";
import "./codeTwin.css";

const LABELS: Record<Flavour, string> = { pytorch: "PyTorch", numpy: "NumPy" };

/**
 * The code twin of the current state: a PyTorch and a NumPy script (tabs), each shown whole
 * in a read-only text area, to copy or download. The scripts are made when the dialog opens,
 * from the state at that moment.
 */
export default function CodeTwinDialog({
  onClose,
}: {
  /** Called when the dialog closes (Escape, Close). */
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [flavour, setFlavour] = useState<Flavour>("pytorch");
  const [copied, setCopied] = useState<string | null>(null);
  const id = useId();
  const scripts = useMemo(() => {
    const state = currentLinkedState();
    return { pytorch: pythonScript(state, "pytorch"), numpy: pythonScript(state, "numpy") };
  }, []);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const script = scripts[flavour];
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(script);
      setCopied(`The ${LABELS[flavour]} script is on the clipboard.`);
    } catch {
      setCopied("This browser would not copy: select the text and copy it, or download it.");
    }
  };
  return (
    <dialog ref={ref} className="code-twin" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>The current state as code</h2>
      <p className="hint">
        A self-contained script with this image, filter, bias, target, options, loss and learning
        rate. It loops over every position, adds each one's terms into one buffer, checks the buffer
        against {flavour === "pytorch" ? "autograd" : "a vectorised formula"}, and prints the filter
        after one update. Run it with <code>python3 {SCRIPT_NAMES[flavour]}</code>.
      </p>
      <div role="tablist" aria-label="Flavour" className="code-twin-tabs">
        {(Object.keys(LABELS) as Flavour[]).map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            id={`${id}-tab-${f}`}
            aria-selected={f === flavour}
            aria-controls={`${id}-panel`}
            tabIndex={f === flavour ? 0 : -1}
            onClick={() => {
              setFlavour(f);
              setCopied(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                const next: Flavour = f === "pytorch" ? "numpy" : "pytorch";
                setFlavour(next);
                document.getElementById(`${id}-tab-${next}`)?.focus();
              }
            }}
          >
            {LABELS[f]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${flavour}`}>
        <textarea
          readOnly
          value={script}
          aria-label={`${LABELS[flavour]} script`}
          spellCheck={false}
          rows={18}
        />
      </div>
      <div className="code-twin-actions">
        <button
          type="button"
          onClick={() =>
            downloadBlob(new Blob([script], { type: "text/x-python" }), SCRIPT_NAMES[flavour])
          }
        >
          Download {SCRIPT_NAMES[flavour]}
        </button>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {copied}
      </p>
    </dialog>
  );
}
