// ConvSweep's offline cache. The start page: network first, the cached copy when offline.
// Built assets (content-hashed names): cache first. Only this origin's GET requests are handled.
// The build writes this file to dist/sw.js with the cache named after its files (vite.config.ts,
// offlineCache): each build's worker differs, so a browser installs the new one, which caches
// the new build's files, and drops the caches of the builds before the last when it takes over.
const CACHE = "convsweep";

/** The app's start page: "./" beside this script, where the app is served. */
const START = new URL("./", self.location.href);

/** True when `url` is the start page ("./" or "./index.html", with any query or fragment). */
function isStartPage(url) {
  return (
    url.origin === START.origin &&
    (url.pathname === START.pathname || url.pathname === `${START.pathname}index.html`)
  );
}

/**
 * True when a page's response is the app itself, fit to be kept as the start page: a 200,
 * from this origin and not redirected, HTML, for the start page's own address. A 404 or any
 * other page the server sends is shown once but never kept: offline, the start page stays
 * the app.
 */
function isAppPage(request, response) {
  const type = response.headers.get("content-type") ?? "";
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    isStartPage(new URL(response.url || request.url)) &&
    isStartPage(new URL(request.url)) &&
    /^text\/html\b/i.test(type)
  );
}

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

/**
 * The cached copy of `request`: this build's, else the build's before it (the files a tab still
 * open on that build asks for), else undefined.
 */
function cachedCopy(request) {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(request))
    .then((own) => own || caches.match(request));
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
  // The build just before this one keeps its cache: a tab still open on it finds the parts it
  // has not opened yet there (the server now has only this build's files). Older builds' go.
  // Caches are listed in the order they were made.
  event.waitUntil(
    caches
      .keys()
      .then((keys) => {
        const earlier = keys.filter((k) => k !== CACHE);
        return Promise.all(earlier.slice(0, -1).map((k) => caches.delete(k)));
      })
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
          if (isAppPage(request, response)) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put("./", copy)));
          }
          return response;
        })
        .catch(() =>
          // Offline: the app for its start page; any other page is not kept.
          isStartPage(url)
            ? cachedCopy("./").then((cached) => cached || Response.error())
            : Response.error(),
        ),
    );
    return;
  }
  event.respondWith(
    cachedCopy(request).then(
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
