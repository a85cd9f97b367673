/**
 * Registers the offline cache (src/app/sw.js, built to dist/sw.js) in production builds. The
 * worker caches every built file on install (precache.json), so the next visit works offline;
 * a later build's worker replaces it, with that build's files.
 */
export function registerOffline(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js").catch(() => {
      // No offline cache (private mode, file://, blocked): the app works the same online.
    });
  });
}
