/**
 * Registers the offline cache (public/sw.js) in production builds. The worker caches every
 * built file on install (from Vite's asset manifest), so the next visit works offline.
 */
export function registerOffline(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js").catch(() => {
      // No offline cache (private mode, file://, blocked): the app works the same online.
    });
  });
}
