// "Use my location": optional, and the page works fully without it. The position is sent
// once to find the area and is not stored by the server.
(function () {
  "use strict";
  var box = document.getElementById("locate");
  if (!box || !("geolocation" in navigator) || !window.fetch) return;
  var button = box.querySelector("button");
  var status = document.getElementById("locate-status");
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      fetch(button.getAttribute("data-locate-url"), {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({lat: pos.coords.latitude, lon: pos.coords.longitude})
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (data.url) { window.location.href = data.url; } else { status.textContent = data.error || ""; }
      }).catch(function () { status.textContent = ""; });
    }, function (err) { status.textContent = err.message; }, {maximumAge: 600000, timeout: 15000});
  });
})();
