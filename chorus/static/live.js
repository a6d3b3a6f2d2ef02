// Live reload for `chorus serve` (never part of a published build): the preview server
// sends one "build" event per build; a good build reloads the page, a failed one shows its
// problems over the page until the next good build.
(() => {
  "use strict";
  // The state of the output this page was served from; a newer one reloads it, even one
  // that came while the page was loading (the server's first event is its current state).
  const served = document.currentScript && document.currentScript.dataset.generation;
  let seen = served === undefined ? null : Number(served);

  function overlay(problems) {
    let box = document.getElementById("chorus-build-problems");
    if (!problems.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "chorus-build-problems";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-label", "The last build failed");
      box.style.cssText =
        "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#1e1e1e;color:#ffd7d7;border-top:4px solid #e03131;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      document.body.appendChild(box);
    }
    const heading = document.createElement("strong");
    heading.textContent = "Build failed: the page shows the last good build.";
    const list = document.createElement("pre");
    list.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap";
    list.textContent = problems.join("\n"); // text, never HTML: messages quote authors' input
    box.replaceChildren(heading, list);
  }

  function heard(data) {
    const state = JSON.parse(data);
    if (seen === null || state.problems.length) {
      seen = state.generation;
      overlay(state.problems);
    } else if (state.generation !== seen) {
      location.reload();
    }
  }

  // One stream shared by every open page (live-worker.js): a stream per page took one of
  // the six connections a browser opens to a host, and a seventh tab never loaded.
  if (window.SharedWorker) {
    const worker = new SharedWorker("/__chorus/live-worker.js");
    worker.port.onmessage = (message) => heard(message.data);
    worker.port.start();
    addEventListener("pagehide", () => worker.port.postMessage("gone"));
    addEventListener("pageshow", (event) => {
      if (event.persisted) location.reload(); // back from the cache: no longer heard
    });
  } else {
    new EventSource("/__chorus/events").addEventListener("build", (event) => heard(event.data));
  }
})();
