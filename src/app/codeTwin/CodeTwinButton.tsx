import { type ReactNode, Suspense, useState } from "react";
import { lazyPart, PartBoundary } from "../../viz/lazyPart";

// Each twin's scripts and their dialog are chunks of their own, fetched on the first click.
const PageCodeTwin = lazyPart(() => import("./PageCodeTwin"));

const pageTwin = (onClose: () => void) => <PageCodeTwin onClose={onClose} />;

/** "Show as code": the current state as a PyTorch and a NumPy script (docs/accessible-names.md). */
export function CodeTwinButton({
  dialog = pageTwin,
  disabled = false,
  why,
}: {
  /** The twin's dialog (default: the main view's), a lazy component given its onClose. */
  dialog?: (onClose: () => void) => ReactNode;
  /** True while the state cannot be written yet. */
  disabled?: boolean;
  /** Why it is disabled, shown as the button's description. */
  why?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        disabled={disabled}
        title={disabled ? why : undefined}
      >
        Show as code
      </button>
      {open ? (
        <PartBoundary what="Show as code">
          <Suspense fallback={null}>{dialog(() => setOpen(false))}</Suspense>
        </PartBoundary>
      ) : null}
    </>
  );
}
