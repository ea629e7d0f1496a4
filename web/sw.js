// Attention Lab's service worker: the whole site is cached on the first visit, so the app, its lessons and
// its model keep working when the network drops. One cache per build: web/offline.mjs writes this file into
// the site with the build's VERSION (a hash of every file) and FILES; a new build installs a new cache in
// full, then takes over and deletes the old one, so old and new files never mix.
'use strict';
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `attnlab-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })));  // (all or nothing)
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('attnlab-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();  // (the page that installed it is served from the cache from now on)
  })());
});

// Same-origin GETs come from this build's cache (a page's address, with #state= or #lesson=, is index.html);
// anything not cached goes to the network.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = request.mode === 'navigate' || url.pathname.endsWith('/') ? 'index.html' : url.pathname.split('/').pop();
    const hit = FILES.includes(key) ? await cache.match(key) : undefined;
    return hit || fetch(request);
  })());
});

// attnlab.offline() asks which build is cached.
self.addEventListener('message', (event) => {
  if (event.data === 'version' && event.ports[0]) event.ports[0].postMessage({ version: VERSION, files: FILES.length });
});
