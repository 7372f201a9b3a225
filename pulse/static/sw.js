// Service worker for the survey and assisted pages (scope "/", served at /sw.js).
// Pages: network first (fresh tokens and wording when online), the cached copy when offline
// or when the network is too slow. Static files: the cached copy, refreshed in the background.
// Answers never pass through here: collect.js queues them in IndexedDB and posts them itself.
"use strict";
var PAGES = "pulse-pages-v1";
var STATIC = "pulse-static-v1";
var ASSETS = ["/static/pulse.css", "/static/collect.js", "/static/icons/pulse.svg",
  "/static/icons/pulse-192.png", "/manifest.webmanifest"];
var SLOW_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== PAGES && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(request) {
  var network = fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGES).then(function (c) { c.put(request, copy); });
    }
    return response;
  });
  var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS); });
  var cached = function () { return caches.match(request, { cacheName: PAGES }); };
  return Promise.race([network, slow.then(cached).then(function (hit) { return hit || network; })])
    .catch(function () {
      return cached().then(function (hit) { if (hit) return hit; throw new Error("offline"); });
    });
}

function asset(request) {
  return caches.match(request).then(function (hit) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC).then(function (c) { c.put(request, copy); });
      }
      return response;
    });
    if (hit) { fresh.catch(function () {}); return hit; }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" &&
             (url.pathname.indexOf("/s/") === 0 || url.pathname.indexOf("/assist/") === 0)) {
    event.respondWith(page(request));
  }
});
