/** Resolves after queued events (incoming messages) have had a chance to run. */
export type YieldToEvents = () => Promise<void>;

/**
 * A yield that costs microseconds, not the 4 ms a nested setTimeout is clamped to: a
 * MessageChannel round trip in browsers and workers, setImmediate in Node (whose open
 * MessagePorts would keep the process alive).
 */
export function createYield(): YieldToEvents {
  if (typeof setImmediate === "function") {
    return () => new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === "function") {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node's MessagePort keeps the process alive unless unref'd; browsers have no unref.
    (channel.port1 as { unref?: () => void }).unref?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
}
