// Runs in <head>, before the first paint: applies the colour scheme the reader chose with the
// header's toggle (chrome.js remembers it). No choice: the CSS follows the system setting.
// It also marks the page as one whose scripts run (class "js"), so that the controls they
// show are given their room from the first paint (chorus.css); a reader who blocks scripts
// blocks this one too, and keeps the links those controls replace.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  try {
    var scheme = window.localStorage.getItem("chorus-scheme");
    if (scheme === "light" || scheme === "dark") {
      document.documentElement.setAttribute("data-theme", scheme);
    }
  } catch (error) {
    // Storage blocked (private mode, cookies off): follow the system setting.
  }
})();
