// One event stream for every open page of a `chorus serve` preview (a SharedWorker, never
// part of a published build). A browser opens at most six connections to one host: with
// each page holding a stream of its own, a seventh tab never loaded. The worker passes
// each "build" event to every page, and a page that connects gets the latest at once, as
// the server sends its current state first.
const ports = new Set();
let latest = null;

const source = new EventSource("/__chorus/events");
source.addEventListener("build", (event) => {
  latest = event.data;
  for (const port of ports) port.postMessage(latest);
});

onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => {
    if (message.data === "gone") ports.delete(port); // the page was closed or left
  };
  if (latest !== null) port.postMessage(latest);
};
