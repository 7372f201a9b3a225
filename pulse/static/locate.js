// "Use my location": optional, and the page works fully without it. The position is sent
// once to find the area and is not stored by the server. Messages come translated from the page.
(function () {
  "use strict";
  var box = document.getElementById("locate");
  if (!box || !("geolocation" in navigator) || !window.fetch) return;
  var button = box.querySelector("button");
  var status = document.getElementById("locate-status");
  function say(text) { status.textContent = text || button.getAttribute("data-failed"); }
  box.hidden = false;
  button.addEventListener("click", function () {
    say(button.getAttribute("data-finding"));
    navigator.geolocation.getCurrentPosition(function (pos) {
      fetch(button.getAttribute("data-locate-url"), {
        method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({lat: pos.coords.latitude, lon: pos.coords.longitude})
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (data.url) { window.location.href = data.url; } else { say(data.error); }
      }).catch(function () { say(); });
    }, function () { say(); }, {maximumAge: 600000, timeout: 15000});
  });
})();
