import type { ReactNode } from "react";

/**
 * What a part shows while its chunk loads. Every such placeholder carries `data-pending`, so
 * whoever waits for the page to be whole (the browser tests) waits for none to be left.
 */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="views-loading" data-pending>
      {children}
    </p>
  );
}
