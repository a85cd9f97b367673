import { type DependencyList, useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "../engine/index";
import { type EngineLane, SupersededError } from "../worker/client";
import { engine } from "./engineClient";

/** What a view's request has given so far. */
export interface EngineRequestState<T> {
  /** The latest result (kept while a newer request runs). */
  result: T | null;
  /** Why the latest request failed, in words; null when it did not. */
  error: string | null;
  /** True while a request is running. */
  pending: boolean;
}

/**
 * Makes: the request to run on the view's lane. `current()` stays true while this request is
 * the view's latest and the view is mounted: check it before using a progress report.
 */
export type MakeRequest<T> = (lane: EngineLane, current: () => boolean) => Promise<T>;

/**
 * A view's own request to the engine worker, on a lane of its own (`laneName`): it runs
 * `make` whenever `deps` change (not while `make` is null), and a newer run supersedes the
 * older one (the worker drops it, and its late replies never reach the view). The lane's run
 * is cancelled when the view unmounts. The one place views meet the worker: they never hold
 * the engine client themselves.
 */
export function useEngineRequest<T>(
  laneName: string,
  make: MakeRequest<T> | null,
  deps: DependencyList,
): EngineRequestState<T> & { stop: () => void } {
  const [state, setState] = useState<EngineRequestState<T>>({
    result: null,
    error: null,
    pending: false,
  });
  const generation = useRef(0);
  const makeRef = useRef(make);
  makeRef.current = make;
  // A new run whenever a dependency changes (compared as useEffect would, with Object.is).
  const lastDeps = useRef<DependencyList | null>(null);
  const runs = useRef(0);
  if (lastDeps.current === null || !sameDeps(lastDeps.current, deps)) {
    lastDeps.current = deps;
    runs.current++;
  }
  const run = runs.current;

  useEffect(() => {
    const request = run > 0 ? makeRef.current : null;
    if (request === null) return;
    const gen = ++generation.current;
    const current = () => gen === generation.current;
    setState((s) => ({ ...s, pending: true }));
    request(engine().lane(laneName), current).then(
      (result) => {
        if (current()) setState({ result, error: null, pending: false });
      },
      (reason: unknown) => {
        if (!current() || reason instanceof SupersededError) return;
        setState((s) => ({ ...s, error: errorText(reason), pending: false }));
      },
    );
  }, [run, laneName]);

  useEffect(
    () => () => {
      generation.current++;
      engine().lane(laneName).cancel();
    },
    [laneName],
  );

  /** Stops the lane's training run where it is; its promise resolves with what it reached. */
  const stop = useCallback(() => engine().lane(laneName).stop(), [laneName]);

  return { ...state, stop };
}

function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
