import { lazy, Suspense, useState } from "react";

// The scripts and their dialog are a chunk of their own, fetched on the first click.
const CodeTwinDialog = lazy(() => import("./CodeTwinDialog"));

/** "Show as code": the current state as a PyTorch and a NumPy script (CONTRACT.md §3). */
export function CodeTwinButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Show as code
      </button>
      {open ? (
        <Suspense fallback={null}>
          <CodeTwinDialog onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
