/* Share links: "Copy link" and sharing on the reader's own Mastodon server.
 *
 * Progressive enhancement only: without this script the share links are plain links, the
 * post's address stands in a read-only field to copy, and the Mastodon item shows the
 * text to paste into a new post. With it, a "Copy link" button appears, and the Mastodon
 * item asks for the reader's server and opens its share page (remembered in localStorage
 * for the next post). Nothing is requested from any other site until the reader chooses.
 */
(function () {
  "use strict";

  var SERVER_KEY = "chorus.share.mastodon-server";
  // A host name, maybe with a port: what "https://<server>/share" needs.
  var SERVER = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:[0-9]{1,5})?$/i;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: nothing is remembered
    }
  }

  /* "https://social.example/", "@ana@social.example" or "social.example" -> "social.example". */
  function serverName(typed) {
    var value = typed.trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
    var at = value.lastIndexOf("@");
    if (at !== -1) {
      value = value.slice(at + 1);
    }
    return SERVER.test(value) ? value.toLowerCase() : null;
  }

  /* The page's sentences, translated by the build (data-messages on the Mastodon form). */
  function messages(form) {
    return JSON.parse(form.getAttribute("data-messages"));
  }

  function initMastodon(form) {
    var field = form.elements.server;
    var status = form.querySelector("[data-share-mastodon-status]");
    var copy = form.parentNode.querySelector("[data-share-mastodon-copy]");
    var store = storage();
    form.hidden = false;
    if (copy) {
      copy.hidden = true;
    }
    if (store && store.getItem(SERVER_KEY)) {
      field.value = store.getItem(SERVER_KEY);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var server = serverName(field.value);
      if (!server) {
        status.textContent = messages(form).invalid;
        field.focus();
        return;
      }
      status.textContent = "";
      if (store) {
        store.setItem(SERVER_KEY, server);
      }
      var text = form.getAttribute("data-share-text");
      window.open("https://" + server + "/share?text=" + encodeURIComponent(text), "_blank", "noopener");
    });
  }

  function initCopy(button) {
    var field = document.getElementById("share-url");
    var status = button.parentNode.querySelector("[data-share-copy-status]");
    var form = document.querySelector("[data-share-mastodon]");
    var text = form ? messages(form) : { copied: "", manual: "" };
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { status.textContent = text.copied; };
      var manual = function () {
        field.select();
        status.textContent = text.manual;
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, manual);
      } else {
        manual();
      }
    });
  }

  function init() {
    var form = document.querySelector("[data-share-mastodon]");
    var button = document.querySelector("[data-share-copy]");
    if (form) {
      initMastodon(form);
    }
    if (button) {
      initCopy(button);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
