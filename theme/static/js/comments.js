/* Comments the reader opts into: the provider's script is inserted only after they ask.
 *
 * The served page has no script, frame or style of the comment provider. The section's
 * data-comments-config (written by plugins.conversation) names the script to insert and
 * its attributes, and, for Remark42, the global settings object its embed reads. Until
 * the reader presses the button nothing is requested from the provider. Ticking "Always
 * load comments on this site" keeps that choice in localStorage (per provider and
 * repository or server), so later posts load comments by themselves; "Ask me first
 * again" forgets it. Without this script the section keeps its notice and plain link.
 */
(function () {
  "use strict";

  var KEY_PREFIX = "chorus.comments.";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: the choice is asked for on every page
    }
  }

  function prefersDark() {
    // The reader's choice in the header (data-theme, chrome.js) first, then the system's.
    var chosen = document.documentElement.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") {
      return chosen === "dark";
    }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function load(section, config) {
    if (section.getAttribute("data-comments-state") === "loaded") {
      return;
    }
    section.setAttribute("data-comments-state", "loaded");
    if (config.global) {
      var value = config.global.value;
      if (value.theme === undefined) {
        value.theme = prefersDark() ? "dark" : "light";
      }
      window[config.global.name] = value;
    }
    var script = document.createElement("script");
    var attributes = config.script.attributes || {};
    Object.keys(attributes).forEach(function (name) {
      script.setAttribute(name, attributes[name]);
    });
    if (config.script.type) {
      script.type = config.script.type;
    }
    script.async = true;
    script.src = config.script.src;
    var thread = section.querySelector("[data-comments-thread]");
    thread.appendChild(script);
    say(section, messages(section).loaded.replace("{source}", thread.getAttribute("data-comments-source")));
  }

  /* The page's sentences, translated by the build (data-messages on the consent block). */
  function messages(section) {
    return JSON.parse(section.querySelector("[data-comments-consent]").getAttribute("data-messages"));
  }

  function say(section, text) {
    section.querySelector("[data-comments-status]").textContent = text;
  }

  function init() {
    var section = document.querySelector("[data-comments]");
    if (!section) {
      return;
    }
    var config = JSON.parse(section.getAttribute("data-comments-config"));
    var consent = section.querySelector("[data-comments-consent]");
    var remembered = section.querySelector("[data-comments-remembered]");
    var store = storage();
    var key = KEY_PREFIX + config.remember;

    function showRemembered() {
      consent.hidden = true;
      remembered.hidden = false;
    }

    section.querySelector("[data-comments-forget]").addEventListener("click", function (event) {
      if (store) {
        store.removeItem(key);
      }
      remembered.hidden = true;
      say(section, messages(section).forgotten);
    });

    if (store && store.getItem(key) === "load") {
      showRemembered();
      load(section, config);
      return;
    }
    consent.hidden = false;
    section.querySelector("[data-comments-load]").addEventListener("click", function () {
      if (store && section.querySelector("[data-comments-remember]").checked) {
        store.setItem(key, "load");
        showRemembered();
      } else {
        consent.hidden = true;
      }
      load(section, config);
      // The button is gone: keep the keyboard where the comments are.
      var status = section.querySelector("[data-comments-status]");
      status.setAttribute("tabindex", "-1");
      status.focus();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
