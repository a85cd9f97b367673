/**
 * The network section keeps the main view's rule: a change that would leave a state its own
 * Open network file refuses is not made. Every change to the network's store passes the
 * network file's rules (file.ts, spec.ts) for the fields it touches before it lands; a refused
 * change leaves the store as it was and says why. Actions check what a person asks for first
 * and explain it better; this is the net under them, whichever module calls setState.
 */
import { createNetwork, errorText } from "../../engine";
import { StateFileError } from "../stateRules";
import { MAX_PARAM, MAX_STEPS, MAX_VELOCITY, readChoice, readSettings } from "./file";
import { readSpec } from "./spec";
import { fitOf, type NetworkState, networkStore } from "./store";

function fail(message: string): never {
  throw new StateFileError(message);
}

/** The first value of `values` (from `from`) outside ±limit, named; null when all are within. */
function pastLimit(
  values: ArrayLike<number>,
  name: string,
  limit: number,
  from = 0,
): string | null {
  for (let i = from; i < values.length; i++) {
    const v = values[i] as number;
    if (!(Math.abs(v) <= limit))
      return `"${name}[${i}]" is ${v}, past ±${limit.toLocaleString("en-US")}`;
  }
  return null;
}

/** Where a list was appended to, when it was (its old entries kept): the first new index. */
function appendedFrom(prev: ArrayLike<number>, next: ArrayLike<number>): number {
  return next.length >= prev.length && next[prev.length - 1] === prev[prev.length - 1]
    ? prev.length
    : 0;
}

/**
 * The first rule of the network file that `next` breaks in a field `changed` from `prev`, in
 * the file's words (null: it keeps them all). Checks only what changed, so that a training
 * report (new parameters and a few losses) costs one pass over the parameters.
 */
export function networkStateProblem(prev: NetworkState, next: NetworkState): string | null {
  try {
    const net = createNetwork(next.spec);
    if (next.spec !== prev.spec || next.data !== prev.data) {
      readSpec(next.spec, "network", fitOf(next.data));
    }
    if (next.settings !== prev.settings) readSettings(next.settings);
    if (next.steps !== prev.steps) {
      if (!Number.isInteger(next.steps) || next.steps < 0 || next.steps > MAX_STEPS) {
        fail(`"steps" must be a whole number from 0 to ${MAX_STEPS}, but it is ${next.steps}.`);
      }
    }
    for (const [name, values, limit] of [
      ["params", next.params, MAX_PARAM],
      ["velocity", next.velocity, MAX_VELOCITY],
    ] as const) {
      if (values === prev[name] && next.spec === prev.spec) continue;
      if (values.length !== net.paramCount) {
        fail(
          `"${name}" must hold ${net.paramCount} numbers for this network, but it holds ${values.length}.`,
        );
      }
      const past = pastLimit(values, name, limit);
      if (past !== null) fail(`${past}.`);
    }
    if (next.losses !== prev.losses || next.steps !== prev.steps) {
      if (next.losses.length > next.steps) {
        fail(
          `"losses" would hold ${next.losses.length} losses, more than the ${next.steps} steps taken.`,
        );
      }
      const from = appendedFrom(prev.losses, next.losses);
      for (let i = from; i < next.losses.length; i++) {
        const loss = next.losses[i] as number;
        if (!(loss >= 0 && loss <= 1e12)) fail(`"losses[${i}]" is ${loss}, outside 0 to 1e12.`);
      }
    }
    if (next.evaluations !== prev.evaluations || next.steps !== prev.steps) {
      const last = next.evaluations.at(-1);
      if (last !== undefined && last.step > next.steps) {
        fail(`an evaluation at step ${last.step} would come after the ${next.steps} steps taken.`);
      }
      const from =
        next.evaluations[prev.evaluations.length - 1] === prev.evaluations.at(-1)
          ? prev.evaluations.length
          : 0;
      for (let i = from; i < next.evaluations.length; i++) {
        const loss = next.evaluations[i]?.loss as number;
        if (!(loss >= 0 && loss <= 1e12))
          fail(`"evaluations[${i}].loss" is ${loss}, outside 0 to 1e12.`);
      }
    }
    if (next.drawn !== prev.drawn) {
      const at = next.drawn.findIndex((v) => !(v >= 0 && v <= 1));
      if (at !== -1) fail(`"drawn[${at}]" is ${next.drawn[at]}, outside 0 to 1.`);
    }
    const sweepChanged =
      next.spec !== prev.spec ||
      next.data !== prev.data ||
      next.choice !== prev.choice ||
      next.layer !== prev.layer ||
      next.filter !== prev.filter ||
      next.position !== prev.position;
    if (sweepChanged) {
      const c = next.choice;
      const image =
        c.set === "drawn" ? { set: c.set, label: c.label } : { set: c.set, index: c.index };
      readChoice({ image, layer: next.layer, filter: next.filter }, next.spec, false, next.data);
      const plan = net.plans[next.layer];
      const positions = plan?.type === "conv2d" ? plan.conv.outHeight * plan.conv.outWidth : 0;
      if (!Number.isInteger(next.position) || next.position < 0 || next.position > positions) {
        fail(
          `"sweep.position" must be a whole number from 0 to ${positions}, but it is ${next.position}.`,
        );
      }
    }
    return null;
  } catch (error) {
    return errorText(error);
  }
}

/** Installs the guard on the network's store (once). */
function guardNetworkStore(): void {
  const setState = networkStore.setState;
  const guarded: typeof setState = (partial, replace?: boolean) => {
    const prev = networkStore.getState();
    const patch = typeof partial === "function" ? partial(prev) : partial;
    const next = (replace === true ? patch : { ...prev, ...patch }) as NetworkState;
    const problem = networkStateProblem(prev, next);
    if (problem !== null) {
      setState({
        message: `That change was not made, so that the network stays one its own Open can read: ${problem}`,
      });
      return;
    }
    if (replace === true) setState(next, true);
    else setState(patch);
  };
  networkStore.setState = guarded;
}

guardNetworkStore();
