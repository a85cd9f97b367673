import { useEffect, useRef } from "react";

export const SHORTCUTS: readonly [string, string][] = [
  ["→", "add the next position (Step)"],
  ["←", "undo the last position (Step back)"],
  ["Space", "play or pause the sweep"],
  ["Home", "back to position 0"],
  ["End", "add every remaining position (Finish sweep)"],
  ["Enter", "apply the update"],
  ["?", "show this list"],
  ["Arrows, Space", "on the focused input image: move the brush, paint"],
];

/** The keyboard shortcuts in a modal dialog; "?" or the header button opens it, Escape closes it. */
export function HelpDialog({
  open,
  onClose,
}: {
  /** Shown when true. */ open: boolean /** Called when it closes. */;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Shortcuts act when the focus is not in a text box, menu or button.</p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
