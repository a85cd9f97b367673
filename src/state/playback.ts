import { commit } from "./commit";
import { appStore } from "./store";
import { setPosition, totalPositions } from "./sweep";

// A generation counter cancels an old animation loop when a new one starts.
let generation = 0;

/** Starts playing the sweep from the cursor (from 0 when it is at the end). */
export function play(): void {
  const state = appStore.getState();
  const total = totalPositions(state);
  if (state.sweep === null || total === 0) return;
  if (state.position >= total) setPosition(0);
  commit({ playing: true });
  const gen = ++generation;
  let last: number | null = null;
  let carry = 0;
  const tick = (now: number) => {
    const s = appStore.getState();
    if (gen !== generation || !s.playing) return;
    if (last !== null) carry += ((now - last) / 1000) * s.speed;
    last = now;
    const advance = Math.floor(carry);
    if (advance > 0) {
      carry -= advance;
      setPosition(s.position + advance);
    }
    if (appStore.getState().position >= totalPositions()) {
      commit({ playing: false });
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export function pause(): void {
  generation++;
  commit({ playing: false });
}

export function togglePlay(): void {
  if (appStore.getState().playing) pause();
  else play();
}

export function setSpeed(speed: number): void {
  commit({ speed });
}
