import { Suspense, useEffect, useRef, useState } from "react";
import { lazyPart, PartBoundary } from "../../viz/lazyPart";
import { Loading } from "../Loading";
import { networkOpened } from "../sections/sections";

const NetworkSection = lazyPart(() => import("./NetworkSection"));

/** How close (CSS px) the section may scroll to the viewport before its code is fetched. */
const NEAR = "400px";

/**
 * "Inside a real network": the heading and what the section is, always there; its panels, the
 * network's store and the digits (7.9 MB, fetched by the worker) load only when the section
 * is opened (#view=network) or scrolled near.
 */
export function LazyNetwork() {
  const [load, setLoad] = useState(() => networkOpened(window.location.hash));
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const section = ref.current;
    if (load || section === null) return;
    if (typeof IntersectionObserver !== "function") {
      setLoad(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setLoad(true);
      },
      { rootMargin: NEAR },
    );
    observer.observe(section);
    const onHash = () => {
      if (networkOpened(window.location.hash)) setLoad(true);
    };
    window.addEventListener("hashchange", onHash);
    return () => {
      observer.disconnect();
      window.removeEventListener("hashchange", onHash);
    };
  }, [load]);
  return (
    <section ref={ref} id="network" className="network" aria-labelledby="network-title">
      <h2 id="network-title">Inside a real network</h2>
      <p className="lead">
        The same sweep in a CNN that learns real handwritten digits, and you build the CNN: conv
        layers of many filters, ReLU, pooling and a classifier (or LeNet-5, or a model you trained).
        Each position's δ now comes from the layers above.
      </p>
      {load ? (
        <PartBoundary what="Inside a real network">
          <Suspense fallback={<Loading>Loading the network…</Loading>}>
            <NetworkSection />
          </Suspense>
        </PartBoundary>
      ) : (
        <p className="views-loading">The network loads when you get here.</p>
      )}
    </section>
  );
}
