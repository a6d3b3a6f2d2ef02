// Runs in <head>, before the first paint (docs/theme.md):
// - applies the colour scheme chosen with the header's toggle (else the system's);
// - marks a page whose scripts run (html.js): controls they show get their room at once;
// - an address that filters the directory (?department=…) hides its list until
//   directory.js has filtered it (3 s at most), so it does not flash whole.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  if (/[?&](department|topic|kind|questions)=/.test(window.location.search)) {
    root.classList.add("js-filtering");
    window.setTimeout(function () { root.classList.remove("js-filtering"); }, 3000);
  }
  try {
    var scheme = window.localStorage.getItem("chorus-scheme");
    if (scheme === "light" || scheme === "dark") {
      root.setAttribute("data-theme", scheme);
    }
  } catch (error) {
    // Storage blocked (private mode, cookies off): follow the system setting.
  }
})();
