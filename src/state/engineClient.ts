import { createEngineClient, type EngineClient, type EngineLane } from "../worker/client";

let client: EngineClient | null = null;
let trainingClient: EngineClient | null = null;

/** Uses this engine client from now on (tests pass an in-process one). */
export function setEngineClient(next: EngineClient | null): void {
  client?.dispose();
  trainingClient?.dispose();
  trainingClient = null;
  client = next;
}

/** The app's engine client, made on first use; for the state layer only (views ask actions). */
export function engine(): EngineClient {
  client ??= createEngineClient();
  return client;
}

/**
 * The client that trains the real network: a worker of its own, made on the first Train
 * network, so that while it trains a stroke's prediction, a sweep, or anything the main view
 * asks never waits behind a training step (the engine's one worker would finish its step
 * first: 10–20 ms). Without workers (Node, a page that forbids them) it is the one client.
 */
export function networkTrainingEngine(): EngineClient {
  const main = engine();
  if (!main.usesWorker) return main;
  trainingClient ??= createEngineClient();
  return trainingClient;
}

/**
 * The state layer's lanes of the one engine client, each superseding only its own requests:
 * the main sweep (strokes, updates, loaded states), the Train button's run, and the batch.
 * Views' lanes are named by the views (useEngineRequest).
 */
export type StateLane = "sweep" | "train" | "batch";

/** A lane of the state layer (see StateLane). */
export function engineLane(name: StateLane): EngineLane {
  return engine().lane(name);
}
