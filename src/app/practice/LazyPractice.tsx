import { lazy, Suspense } from "react";
import { Loading } from "../Loading";

// The exercises and their section are a chunk of their own, fetched on the first open.
const PracticeSection = lazy(() => import("./PracticeSection"));

/** The practice section while it is open (its code fetched on the first open). */
export function LazyPractice({
  open,
  onClose,
}: {
  /** True while Practice is open. */
  open: boolean;
  /** Called by the section's Close button. */
  onClose: () => void;
}) {
  if (!open) return null;
  return (
    <Suspense fallback={<Loading>Loading Practice…</Loading>}>
      <PracticeSection onClose={onClose} />
    </Suspense>
  );
}
