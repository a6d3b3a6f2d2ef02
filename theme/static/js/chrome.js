/* Site chrome: the light / dark / auto toggle in the header.
 *
 * Progressive enhancement: without this script the toggle stays hidden and the system's
 * setting is followed (prefers-color-scheme in chorus.css). With it, the button cycles
 * Auto -> Light -> Dark, sets data-theme on <html> (the CSS's [data-theme] rules) and
 * remembers the choice in localStorage, which scheme-init.js reads before the next page's
 * first paint.
 */
(function () {
  "use strict";

  var KEY = "chorus-scheme";
  var ORDER = ["auto", "light", "dark"];

  function current() {
    var scheme = document.documentElement.getAttribute("data-theme");
    return scheme === "light" || scheme === "dark" ? scheme : "auto";
  }

  function apply(scheme) {
    if (scheme === "auto") {
      document.documentElement.removeAttribute("data-theme");
    } else {
      document.documentElement.setAttribute("data-theme", scheme);
    }
    try {
      if (scheme === "auto") {
        window.localStorage.removeItem(KEY);
      } else {
        window.localStorage.setItem(KEY, scheme);
      }
    } catch (error) {
      // Storage blocked: the choice lasts for this page only.
    }
  }

  // The button's words in the page's language (data-messages, translated by the build).
  function show(button, scheme) {
    var messages = JSON.parse(button.getAttribute("data-messages"));
    button.setAttribute("data-scheme", scheme);
    button.setAttribute("aria-label", messages.label.replace("{scheme}", messages[scheme]));
    var text = button.querySelector(".scheme-toggle-text");
    if (text) {
      text.textContent = messages[scheme];
    }
  }

  function init() {
    var button = document.querySelector("[data-scheme-toggle]");
    if (!button) {
      return;
    }
    show(button, current());
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(current()) + 1) % ORDER.length];
      apply(next);
      show(button, next);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
