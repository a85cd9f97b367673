/**
 * The parts of the page whose code is a chunk of its own, fetched when first shown, and what
 * happens when that fetch fails (the connection is down, or ConvSweep was updated since the page
 * was opened and the old chunk is gone). React.lazy alone keeps a failed load's error for good,
 * and an error thrown while rendering with no boundary above it takes the whole page away; here
 * the part that failed says so where it would have been, the rest of the page works on, and
 * Try again fetches the code anew.
 */
import "./part.css";
import {
  Component,
  createElement,
  type FunctionComponent,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
} from "react";
import { errorText, loadFailureText } from "../engine/errorText";

/** The parts whose last load failed: each entry starts its part's load over. */
const failed = new Set<() => void>();
/** The errors of failed loads, to tell them from a part's own errors while rendering. */
const loadErrors = new WeakSet<object>();

/**
 * React.lazy's component for `load`, but one whose failed load can be tried again:
 * retryFailedParts() makes every part that failed fetch its code anew on its next render.
 */
export function lazyPart<T extends FunctionComponent<never>>(
  load: () => Promise<{ default: T }>,
): T {
  let current: LazyExoticComponent<FunctionComponent<object>>;
  const start = () => {
    current = lazy(() =>
      load().then(
        (module) => module as unknown as { default: FunctionComponent<object> },
        (error: unknown) => {
          if (typeof error === "object" && error !== null) loadErrors.add(error);
          failed.add(start);
          throw error;
        },
      ),
    );
  };
  start();
  // biome-ignore lint/correctness/noComponentHookFactories: made once per part, at module level (as React.lazy is), so the component stays the same across renders.
  const Part = (props: object) => createElement(current, props);
  return Part as unknown as T;
}

/** Makes every part whose load failed fetch its code again when next rendered. */
export function retryFailedParts(): void {
  const again = [...failed];
  failed.clear();
  for (const start of again) start();
}

/** True when `error` is a part's failed load (not an error of the part itself). */
export function isLoadError(error: unknown): boolean {
  return typeof error === "object" && error !== null && loadErrors.has(error);
}

interface PartBoundaryProps {
  /** The part, as the message names it: "Practice", "Inside a real network". */
  what: string;
  /** Show nothing when the part fails (a detail whose loss the rest still shows). */
  quiet?: boolean;
  children: ReactNode;
}

/**
 * Keeps a failure inside one part: a part whose code cannot be fetched, or that fails while
 * rendering, shows a message and Try again in its place instead of taking the page with it.
 */
export class PartBoundary extends Component<PartBoundaryProps, { error: unknown; tries: number }> {
  override state: { error: unknown; tries: number } = { error: null, tries: 0 };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  private readonly retry = () => {
    retryFailedParts();
    this.setState(({ tries }) => ({ error: null, tries: tries + 1 }));
  };

  override render(): ReactNode {
    const { error, tries } = this.state;
    if (error === null) return this.props.children;
    if (this.props.quiet) return null;
    const { what } = this.props;
    // Some browsers (Firefox) keep a failed module load for the page's life: then only a reload
    // fetches it again, and a second failure says so.
    const text = !isLoadError(error)
      ? `${what} stopped with an error: ${errorText(error)}. The rest of the page works as before.`
      : `${loadFailureText(what, error, { again: tries > 0 })} The rest of the page works as before.`;
    return (
      <div className="part-failed" role="alert">
        <p>{text}</p>
        <button type="button" onClick={this.retry}>
          Try again
        </button>
      </div>
    );
  }
}
