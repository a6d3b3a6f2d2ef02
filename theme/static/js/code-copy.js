/* Copy buttons on the code blocks of a post.
 *
 * Progressive enhancement only: the page loads this script only when the post has code,
 * and without it the code is plain text to select. With it, each block gets a "Copy"
 * button; a press copies the block's text, the button reads "Copied" for a moment, and
 * one polite live region tells screen readers what happened. Nothing leaves the page.
 * The words come from the script tag's data-* attributes (article.html), so they are
 * translated with the templates; "{n}" stands for the block's number.
 */
(function () {
  "use strict";

  var SHOWN_FOR_MS = 2000;
  var data = (document.currentScript && document.currentScript.dataset) || {};
  var WORDS = {
    copy: data.copy || "Copy",
    copied: data.copied || "Copied",
    name: data.name || "code block {n}",
    done: data.done || "Code block {n} copied to the clipboard.",
    manual: data.manual || "Code selected: press Ctrl+C (or ⌘C) to copy it."
  };

  function say(text, index) {
    return text.replace("{n}", String(index + 1));
  }

  function liveRegion() {
    var region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    document.body.appendChild(region);
    return region;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }

  function selectAll(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function addButton(pre, index, region) {
    var block = document.createElement("div");
    block.className = "code-block";
    pre.parentNode.insertBefore(block, pre);
    block.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = WORDS.copy;
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = " " + say(WORDS.name, index);
    button.appendChild(name);
    block.appendChild(button);
    var timer = null;
    button.addEventListener("click", function () {
      var show = function (label, message) {
        button.firstChild.nodeValue = label;
        button.classList.toggle("is-copied", label === WORDS.copied);
        region.textContent = message;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          button.firstChild.nodeValue = WORDS.copy;
          button.classList.remove("is-copied");
        }, SHOWN_FOR_MS);
      };
      copyText(pre.innerText.replace(/\n$/, "")).then(
        function () { show(WORDS.copied, say(WORDS.done, index)); },
        function () {
          selectAll(pre);
          show(WORDS.copy, WORDS.manual);
        }
      );
    });
  }

  function init() {
    var blocks = document.querySelectorAll(".prose pre");
    if (!blocks.length) {
      return;
    }
    var region = liveRegion();
    for (var i = 0; i < blocks.length; i += 1) {
      addButton(blocks[i], i, region);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
