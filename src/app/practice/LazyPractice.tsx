import { Suspense } from "react";
import { lazyPart, PartBoundary } from "../../viz/lazyPart";
import { Loading } from "../Loading";

// The exercises and their section are a chunk of their own, fetched on the first open.
const PracticeSection = lazyPart(() => import("./PracticeSection"));

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
    <PartBoundary what="Practice">
      <Suspense fallback={<Loading>Loading Practice…</Loading>}>
        <PracticeSection onClose={onClose} />
      </Suspense>
    </PartBoundary>
  );
}
