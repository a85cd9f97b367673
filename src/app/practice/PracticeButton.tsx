/** "Practice" (docs/accessible-names.md): opens and closes the predict-then-reveal exercises. */
export function PracticeButton({
  open,
  onToggle,
}: {
  /** True while the practice section is shown. */
  open: boolean;
  /** Called on a click. */
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      aria-expanded={open}
      {...(open ? { "aria-controls": "practice" } : {})}
      onClick={onToggle}
    >
      Practice
    </button>
  );
}
