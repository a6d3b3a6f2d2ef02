// Runs in <head>, before the first paint: applies the colour scheme the reader chose with the
// header's toggle (chrome.js remembers it). No choice: the CSS follows the system setting.
(function () {
  "use strict";
  try {
    var scheme = window.localStorage.getItem("chorus-scheme");
    if (scheme === "light" || scheme === "dark") {
      document.documentElement.setAttribute("data-theme", scheme);
    }
  } catch (error) {
    // Storage blocked (private mode, cookies off): follow the system setting.
  }
})();
