import { useEffect, useId, useMemo, useRef, useState } from "react";
import { downloadBlob } from "../../viz/download";
import type { Flavour } from "./pythonScript";
import "./codeTwin.css";

const LABELS: Record<Flavour, string> = { pytorch: "PyTorch", numpy: "NumPy" };
/** What each flavour checks its loop's buffers against. */
const CHECKS: Record<Flavour, string> = { pytorch: "autograd", numpy: "a vectorised formula" };

/** What a code twin shows: a title, what its scripts do, and the two scripts. */
export interface CodeTwin {
  /** The dialog's title, its accessible name. */
  readonly title: string;
  /** What the scripts hold and do, given what the flavour checks against ("autograd", …). */
  readonly about: (check: string) => string;
  /** Each flavour's script, and the file name it downloads as. */
  readonly scripts: Record<Flavour, string>;
  readonly names: Record<Flavour, string>;
}

/** Props of a code twin's dialog, as its "Show as code" button renders it. */
export interface CodeTwinDialogProps {
  /** Called when the dialog closes (Escape, Close). */
  onClose: () => void;
}

/**
 * A code twin: a PyTorch and a NumPy script (tabs), each shown whole in a read-only text area,
 * to copy or download. `make` runs once, when the dialog opens, so the scripts are of the state
 * at that moment. Each subject (the main view, the real network) has a small lazy module that
 * renders this with its own `make`.
 */
export function CodeTwinDialog({
  make,
  onClose,
}: CodeTwinDialogProps & {
  /** Makes the twin from the current state. */
  make: () => CodeTwin;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [flavour, setFlavour] = useState<Flavour>("pytorch");
  const [copied, setCopied] = useState<string | null>(null);
  const id = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the state when the dialog opens.
  const twin = useMemo(make, []);
  const { scripts, names } = twin;
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
      <h2 id={`${id}-title`}>{twin.title}</h2>
      <p className="hint">
        {twin.about(CHECKS[flavour])} Run it with <code>python3 {names[flavour]}</code>.
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
            downloadBlob(new Blob([script], { type: "text/x-python" }), names[flavour])
          }
        >
          Download {names[flavour]}
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
