import { createEngineClient, type EngineClient } from "../worker/client";

let client: EngineClient | null = null;

/** Uses this engine client from now on (tests pass an in-process one). */
export function setEngineClient(next: EngineClient | null): void {
  client?.dispose();
  client = next;
}

/** The app's engine client, made on first use; for the state layer only (views ask actions). */
export function engine(): EngineClient {
  client ??= createEngineClient();
  return client;
}
