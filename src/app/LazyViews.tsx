import { Suspense, useEffect, useMemo, useRef, useState } from "react";
import { runningOf } from "../panels/busyPanels";
import { useApp } from "../state/useApp";
import { useDeferredReleased } from "../viz/deferred";
import { lazyPart, PartBoundary } from "../viz/lazyPart";
import { Loading } from "./Loading";
import { fragmentParam, LOAD_VIEWS_EVENT, sectionOf } from "./sections/sections";

const Views = lazyPart(() => import("./Views"));

/** How close (CSS px) the section may scroll to the viewport before its code is fetched. */
const NEAR = "800px";
/** The longest the idle callback may wait once the first sweep is shown, in ms. */
const IDLE_TIMEOUT = 1000;

/**
 * "The next questions" section. Its panels are a chunk of their own, kept out of the first load:
 * once the first sweep (or an engine error) is on screen, fetched when the browser is idle or as
 * soon as the section is near the viewport, whichever comes first. The
 * section and its heading are always there, so the landmark and the page's layout above it
 * never wait for the chunk.
 */
export function LazyViews() {
  const [load, setLoad] = useState(false);
  // Once the first sweep (or an engine error) is on screen: never before the app is interactive.
  const ready = useDeferredReleased();
  const busy = useApp(runningOf);
  const ref = useRef<HTMLElement>(null);

  // A contents link or a deep link to one of the views asks for them at once.
  useEffect(() => {
    if (load) return;
    const now = () => setLoad(true);
    if (sectionOf(fragmentParam(window.location.hash, "view"))?.later) now();
    window.addEventListener(LOAD_VIEWS_EVENT, now);
    return () => window.removeEventListener(LOAD_VIEWS_EVENT, now);
  }, [load]);

  useEffect(() => {
    if (load || !ready) return;
    let idle = 0;
    // A frame first, so the idle period comes after the first sweep is painted.
    const frame = requestAnimationFrame(() => {
      idle =
        typeof requestIdleCallback === "function"
          ? requestIdleCallback(() => setLoad(true), { timeout: IDLE_TIMEOUT })
          : window.setTimeout(() => setLoad(true), 50);
    });
    const section = ref.current;
    const observer =
      section && typeof IntersectionObserver === "function"
        ? new IntersectionObserver(
            (entries) => {
              if (entries.some((e) => e.isIntersecting)) setLoad(true);
            },
            { rootMargin: NEAR },
          )
        : null;
    if (section) observer?.observe(section);
    return () => {
      cancelAnimationFrame(frame);
      if (typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
      else window.clearTimeout(idle);
      observer?.disconnect();
    };
  }, [load, ready]);

  // The same element while only `busy` changes: Play and Pause re-render no panel of the views
  // (each re-render repaints a panel in full).
  const views = useMemo(
    () =>
      load ? (
        <PartBoundary what="The next questions">
          <Suspense fallback={<Loading>Loading…</Loading>}>
            <Views />
          </Suspense>
        </PartBoundary>
      ) : null,
    [load],
  );
  return (
    <section ref={ref} className={busy ? "views busy" : "views"} aria-labelledby="views-title">
      <h2 id="views-title" className="views-title">
        The next questions
      </h2>
      <div className="panels">{views}</div>
    </section>
  );
}
