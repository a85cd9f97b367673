// ConvSweep's offline cache. Pages: network first, the cached copy when offline.
// Built assets (content-hashed names): cache first. Only this origin's GET requests are handled.
const CACHE = "convsweep-v2";

/**
 * Every file of the build (scripts, styles, the engine worker and its own chunks), from the
 * list the build writes (precache.json; see vite.config.ts).
 */
async function builtFiles() {
  const response = await fetch("./precache.json", { cache: "no-store" });
  if (!response.ok) return [];
  const files = await response.json();
  return files.map((file) => `./${file}`);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) =>
        cache.addAll(["./", "./manifest.webmanifest", "./favicon.svg", ...(await builtFiles())]),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put("./", copy));
          return response;
        })
        .catch(() => caches.match("./").then((cached) => cached || Response.error())),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
