// Offline collection for the survey page and assisted mode. Without this script (or without
// IndexedDB) the form posts as a plain HTML form. With it, a completed response is put in an
// on-device queue first, then sent as JSON with its own UUID, so a response is never lost to a
// dropped connection and never stored twice (the server answers a repeated UUID with 200).
(function () {
  "use strict";
  var CONTROL = { csrf_token: 1, started: 1, website: 1, via: 1, consent: 1 };
  var STORE = "outbox";
  var form = document.querySelector("form[data-collect]");
  // The page as served, before anything below changes it. Only a fresh form (a GET) is kept:
  // a page sent back with answers in it stays off the device's cache.
  var served = form && form.hasAttribute("data-keep") &&
    "<!doctype html>\n" + document.documentElement.outerHTML;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // The first visit was not served through the worker: cache this page now, so it opens
      // offline later even if it is never visited again while online. It is kept from what
      // was already downloaded: fetching it again would double the first visit's weight.
      if (!navigator.serviceWorker.controller && window.caches && served) {
        caches.open("pulse-pages-v1").then(function (c) {
          return c.put(location.href, new Response(served, {
            headers: { "Content-Type": "text/html; charset=utf-8" } }));
        }).catch(function () {});
      }
    }).catch(function () {});
  }
  var status = document.getElementById("outbox");
  if (!form || !status || !window.indexedDB || !window.fetch || !window.JSON) return;
  var assisted = form.getAttribute("data-collect") === "assisted";
  // When the questions were first shown: a change of language brings the same form (its signed
  // "started" token) back in a new page, and the time taken runs on from the first showing.
  var shownAt = firstShown(form.elements.started && form.elements.started.value);
  var flushing = false;
  // The key of the response this resident page queued while offline: when the queue sends it,
  // the resident goes on exactly as if it had been sent at once (thank-you page or reasons).
  var mine = null;

  function firstShown(started) {
    var now = Date.now(), key = "pulse-shown:" + started;
    try {
      var seen = +sessionStorage.getItem(key);
      if (started && seen > 0 && seen <= now) return seen;
      if (started) sessionStorage.setItem(key, now);
    } catch (e) {}  // storage refused: time from this page
    return now;
  }
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("pulse", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function drop(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function refused(add) {
    var n = +(localStorage.getItem("pulse-refused") || 0) + (add || 0);
    if (add) localStorage.setItem("pulse-refused", n);
    return n;
  }
  function say(text) { status.textContent = text; status.hidden = !text; }
  function show() {
    return all().then(function (items) {
      var n = items.length, text = "";
      if (n === 1) text = status.getAttribute("data-waiting-one");
      else if (n > 1) text = status.getAttribute("data-waiting-many").replace("{n}", n);
      var r = refused(0);
      if (r) text += (text ? " " : "") + status.getAttribute("data-refused").replace("{n}", r);
      say(text);
      return n;
    });
  }
  // Send one queued response: "sent", "refused" (the server will never take it) or "later".
  function send(item) {
    return fetch(item.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(item.body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 200 || r.status === 201) return { outcome: "sent", body: body };
        if (r.status === 400 || r.status === 404 || r.status === 409 || r.status === 410 || r.status === 422) {
          return { outcome: "refused", body: body, status: r.status };
        }
        return { outcome: "later" };  // 401, 403, 429, 5xx: try again later
      });
    }, function () { return { outcome: "later" }; });
  }
  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    return all().then(function (items) {
      var chain = Promise.resolve(true);
      items.forEach(function (item) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(item).then(function (res) {
            if (res.outcome === "later") return false;
            if (res.outcome === "refused" && item.key !== mine) refused(1);
            return drop(item.key).then(function () {
              if (item.key === mine) finish(res);
              return true;
            });
          });
        });
      });
      return chain;
    }).then(show, show).then(function (n) { flushing = false; return n; },
      function () { flushing = false; });
  }
  function missing() {
    var qs = form.querySelectorAll(".q[data-code]:not([data-optional])");
    for (var i = 0; i < qs.length; i++) {
      var code = qs[i].getAttribute("data-code");
      var v = new FormData(form).get(code);
      if (v === null || String(v).trim() === "") return qs[i];
    }
    return null;
  }

  // After this page's own response was sent: on to the thank-you page, or (refused) back to
  // the form, posted plainly so the server's reasons appear by the questions.
  function finish(res) {
    mine = null;
    if (res.outcome === "sent" && res.body.next) { location.assign(res.body.next); return; }
    form.hidden = false;
    form.submit();
  }

  // A language chosen in the header posts the form plainly: the page comes back in that
  // language with the answers kept, and nothing is sent or queued.
  var switching = false;
  Array.prototype.forEach.call(document.querySelectorAll("button[name=switch_lang]"),
    function (button) { button.addEventListener("click", function () { switching = true; }); });

  form.addEventListener("submit", function (event) {
    if (switching) return;
    var gap = missing();
    // Online, let the server explain what is missing, exactly as without script.
    if (gap && navigator.onLine) return;
    event.preventDefault();
    if (gap) {
      var first = gap.querySelector("input, textarea");
      if (first) first.focus();
      gap.scrollIntoView();
      return;
    }
    var data = new FormData(form), answers = {};
    data.forEach(function (value, name) { if (!CONTROL[name]) answers[name] = value; });
    var key = uuid();
    var item = { key: key, api: form.getAttribute("data-api"), body: {
      key: key, area: form.getAttribute("data-area"), answers: answers,
      started: data.get("started"), via: data.get("via"), website: data.get("website") || "",
      assist: form.getAttribute("data-assist") || undefined,
      language: document.documentElement.lang,
      seconds: Math.round((Date.now() - shownAt) / 1000) } };
    put(item).then(function () {
      if (assisted) {
        // Ready for the next resident straight away; the queue sends in the background.
        form.reset();
        shownAt = Date.now();
        window.scrollTo(0, 0);
        return flush();
      }
      return send(item).then(function (res) {
        if (res.outcome === "later") {
          mine = key;
          form.hidden = true;
          return show().then(function () {
            say(status.getAttribute("data-saved-offline") + " " + status.textContent);
          });
        }
        return drop(key).then(function () {
          if (res.outcome === "sent" && res.body.next) location.assign(res.body.next);
          else form.submit();  // refused: the plain form shows the server's reasons
        });
      });
    }, function () { form.submit(); });
  });

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 20000);
  flush();
})();
