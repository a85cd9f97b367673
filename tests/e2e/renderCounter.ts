/**
 * Counts React renders in the built app without changing it: a stand-in for the React DevTools
 * hook (`__REACT_DEVTOOLS_GLOBAL_HOOK__`), installed before the app's scripts. React, the
 * production build included, hands every commit to that hook; this one walks the committed
 * fiber tree and counts the components that rendered in it, per main panel (the section.panel
 * or the control bar their first element lies in).
 *
 * A component rendered in a commit when its props object or its hook list is new: a bailed-out
 * component keeps both (React reuses or clones its fiber with the same memoizedProps and
 * memoizedState), a rendered one gets props from its parent's new element or new hook objects.
 *
 * Chosen over a counter in the app: nothing of it ships, the production build is what is
 * tested, and no component needs to know it is watched.
 */
export function installRenderCounter(): void {
  type Fiber = {
    tag: number;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
    stateNode: unknown;
    memoizedProps: unknown;
    memoizedState: unknown;
  };
  // Function, class, forwardRef, memo and simple-memo components.
  const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
  const HOST_COMPONENT = 5;
  const seen = new WeakMap<Fiber, { props: unknown; state: unknown }>();
  const counts: Record<string, number> = {};
  const where = (fiber: Fiber): string => {
    let f: Fiber | null = fiber;
    while (f !== null && f.tag !== HOST_COMPONENT) f = f.child;
    const el = f?.stateNode;
    if (!(el instanceof Element)) return "other";
    const panel = el.closest("section.panel[id], .controls");
    return panel === null ? "other" : panel.id || "controls";
  };
  const visit = (fiber: Fiber) => {
    const stack: Fiber[] = [fiber];
    while (stack.length > 0) {
      const f = stack.pop() as Fiber;
      if (COMPONENT_TAGS.has(f.tag)) {
        const now = { props: f.memoizedProps, state: f.memoizedState };
        const before = seen.get(f) ?? (f.alternate ? seen.get(f.alternate) : undefined);
        seen.set(f, now);
        if (f.alternate) seen.set(f.alternate, now);
        if (before === undefined || before.props !== now.props || before.state !== now.state) {
          const key = where(f);
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      if (f.sibling) stack.push(f.sibling);
      if (f.child) stack.push(f.child);
    }
  };
  const w = window as unknown as Record<string, unknown>;
  w.__renderCounts = counts;
  w.__resetRenderCounts = () => {
    for (const key of Object.keys(counts)) delete counts[key];
  };
  w.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => visit(root.current),
  };
}
