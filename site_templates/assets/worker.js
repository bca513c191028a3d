/* The figures' worker: every line of the page's Python runs here, never on the main thread.
 *
 * This file defines one function, pgWorker(config). The page (loader.js) turns its source into a
 * blob: worker, so the worker runs under the page's own Content-Security-Policy (a worker loaded
 * from a URL would get only its HTTP headers' policy, and static hosts send none). It then:
 *
 *   1. gets the runtime's files as bytes: served, by importing the site's runtime scripts; opened
 *      from disk, where a worker may load no file, from the page, which loads them as classic
 *      scripts; every file is checked against its pinned sha256 before it is used;
 *   2. starts Pyodide from those bytes (its module, wasm and standard library are answered from
 *      memory, so nothing is fetched) and unpacks the pgcore wheel;
 *   3. runs pgcore.host: page messages in, frames out, training between them.
 *
 * Messages to the page: {type: "progress", step}, {type: "booted"}, {type: "failed", step,
 * detail}, {type: "ack", seq}, and the host's frames (a JSON string).
 */
self.pgWorker = function (config) {
  "use strict";

  var step = 0;
  var host = null;

  function progress(next) {
    step = next;
    postMessage({ type: "progress", step: step });
  }

  function fail(error) {
    postMessage({ type: "failed", step: step, detail: String(error && error.message || error) });
  }

  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function base64Bytes(text) {
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(text); }
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  async function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // One file from its pack: decoded, unzipped, and checked against its pinned sha256.
  async function unpack(name, pack, sha256) {
    if (!pack) { throw new Error(name + " is missing"); }
    var bytes = base64Bytes(pack.b64);
    if (pack.gzip) { bytes = await gunzip(bytes); }
    if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== sha256) {
      throw new Error(name + " is corrupt: its sha256 is not the pinned one");
    }
    return bytes;
  }

  // Served: the packs are scripts of the site, which the worker imports itself.
  function packsFromSite(entries) {
    importScripts.apply(null, entries.map(function (entry) { return entry.url; }));
    return self.pgRuntimePack || {};
  }

  function packsFromPage() {
    return new Promise(function (resolve) {
      self.addEventListener("message", function first(event) {
        if (event.data && event.data.type === "runtime") {
          self.removeEventListener("message", first);
          resolve(event.data.packs);
        }
      });
    });
  }

  // Pyodide reports a failed WebAssembly start (a bad .wasm, or compilation refused by the CSP)
  // only with console.warn, and its promise never settles; so watch the instantiation as well.
  async function startPyodide(options) {
    var originals = {};
    var failed = new Promise(function (resolve, reject) {
      ["instantiate", "instantiateStreaming"].forEach(function (name) {
        var original = originals[name] = WebAssembly[name];
        WebAssembly[name] = function () {
          var result = original.apply(WebAssembly, arguments);
          result.catch(reject);
          return result;
        };
      });
    });
    try {
      return await Promise.race([self.loadPyodide(options), failed]);
    } finally {
      Object.keys(originals).forEach(function (name) { WebAssembly[name] = originals[name]; });
    }
  }

  function blobURL(bytes) {
    return URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
  }

  async function boot() {
    var names = Object.keys(config.files);
    var packs = config.fromDisk ? await packsFromPage()
      : packsFromSite(names.map(function (name) { return config.files[name]; }));
    var files = {};
    for (var name of names) {
      files[name] = await unpack(name, packs[name], config.files[name].sha256);
      packs[name] = null; // its base64 text is no longer needed
    }
    var types = { wasm: "application/wasm", zip: "application/zip", json: "application/json" };
    var fetchFromNetwork = self.fetch;
    // Pyodide asks for its wasm and standard library by URL: while it starts, answer from
    // memory, by file name. Afterwards fetch is the browser's again, under the page's policy.
    self.fetch = function (url) {
      var name = String(url).split("?")[0].split("/").pop();
      if (!files[name]) { return Promise.reject(new Error("the page's Python has no file " + name)); }
      var type = types[name.split(".").pop()] || "application/octet-stream";
      return Promise.resolve(new Response(files[name], { headers: { "Content-Type": type } }));
    };
    importScripts(blobURL(files["pyodide.js"]));
    var module = await import(blobURL(files["pyodide.asm.mjs"]));
    var pyodide = await startPyodide({
      indexURL: config.index_url,
      createPyodideModule: module.default,
      lockFileContents: config.lock
    });
    self.fetch = fetchFromNetwork;
    files = null;
    progress(1);
    var wheel = config.wheel;
    if (!config.fromDisk) { packsFromSite([wheel]); }
    pyodide.unpackArchive(await unpack(wheel.name, packs[wheel.name], wheel.sha256), "wheel");
    progress(2);
    host = pyodide.pyimport("pgcore.host");
    postMessage({ type: "booted" });
  }

  // -- the host's loop: a tick after every message, and while figures train freely -----------

  var channel = new MessageChannel();
  var soon = false; // a tick is queued on the channel
  var timer = 0;

  function tick() {
    soon = false;
    clearTimeout(timer);
    var out = host.tick(performance.now());
    if (out) { postMessage(out); }
    var wait = host.wake_in(performance.now());
    if (wait === 0) { queue(); } else if (wait > 0) { timer = setTimeout(tick, wait); }
  }

  // A tick through a message channel, not a timer: incoming messages are served in between.
  function queue() {
    if (!soon) {
      soon = true;
      channel.port2.postMessage(0);
    }
  }
  channel.port1.onmessage = tick;

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!host || !message || message.type === "runtime") { return; }
    host.receive(message.json);
    if (message.seq !== undefined) { postMessage({ type: "ack", seq: message.seq }); }
    queue();
  });

  boot().catch(fail);
};
