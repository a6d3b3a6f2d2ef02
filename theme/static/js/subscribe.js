/* Subscribe page: find a feed as you type, and copy a feed's address with one click.
 *
 * Progressive enhancement: without this script every row is plain links (each format of the
 * feed, and the page it follows). With it, the filter box is shown (rows whose name does not
 * contain the words typed are hidden, groups left empty too, and the number found is
 * announced), and each row's Copy button puts the feed's absolute address on the clipboard.
 * Its sentences come from the filter box's data-messages, translated by the build.
 */
(function () {
  "use strict";

  var messages = null; // read from the page in init()

  function found(count) {
    var lang = document.documentElement.lang || "en";
    var forms = messages.found;
    return (forms[new Intl.PluralRules(lang).select(count)] || forms.other).replace("{count}", String(count));
  }

  function filter(input, rows, groups, status) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var name = row.getAttribute("data-name") || "";
      var match = words.every(function (word) { return name.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".feed-row:not([hidden])");
    });
    status.textContent = words.length
      ? found(shown)
      : "";
  }

  function copied(button, text) {
    var label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copy(button) {
    var address = button.getAttribute("data-copy");
    if (!navigator.clipboard) {
      window.prompt(messages.prompt, address);
      return;
    }
    navigator.clipboard.writeText(address).then(
      function () { copied(button, messages.copied); },
      function () { window.prompt(messages.prompt, address); }
    );
  }

  function init() {
    var box = document.querySelector("[data-feed-filter]");
    if (!box) {
      return; // no feeds: no rows to filter or copy
    }
    messages = JSON.parse(box.getAttribute("data-messages"));
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-feed-group] .feed-row"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-feed-group]"));
    document.querySelectorAll(".copy-button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
    if (!rows.length) {
      return;
    }
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    box.hidden = false;
    input.addEventListener("input", function () { filter(input, rows, groups, status); });
    if (input.value) {
      filter(input, rows, groups, status);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
