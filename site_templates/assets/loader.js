/* Starts the live figure: loads the pinned Pyodide runtime, installs pgcore and hands each
 * [data-widget] figure to pgcore.browser.mount. A classic script with no inline code anywhere,
 * so the page can keep a strict Content-Security-Policy.
 *
 * build.py writes the runtime's settings into RUNTIME below (URLs relative to this script), so
 * the page needs nothing but <script src="loader.js" defer> after painter.js.
 *
 * Served over http(s): the runtime comes from this site and pgcore through the site's lock file,
 * both loaded and sha256-checked by Pyodide. Opened from disk (file://), browsers refuse fetch(),
 * so the same pinned runtime comes from the jsDelivr npm mirror (checked by SRI) and pgcore from
 * a classic script that embeds the wheel. Offline from disk, the figure stays static
 * (data-state="static", still correct, just not live) and a notice says how to serve the folder.
 */
(function () {
  "use strict";

  var RUNTIME = /* build.py: runtime */ null;
  var script = document.currentScript;
  var STALL_SECONDS = 90;
  var STEPS = ["Loading the Python runtime…", "Installing the Python packages…",
    "Drawing the first frame…"];
  // What went wrong, in words, when a step fails.
  var FAILURES = ["The Python runtime could not be loaded",
    "The figure’s Python package could not be installed", "The figure could not start"];
  var RELOAD = "Reload the page to try again; the figure above is a static snapshot.";
  var step = 0; // the step shown last

  function url(name) {
    return new URL(RUNTIME[name], script.src).href;
  }

  function part(figure, name) {
    return figure.querySelector('[data-pg="' + name + '"]');
  }

  function showStep(figures, next) {
    step = next;
    figures.forEach(function (figure) {
      figure.setAttribute("data-state", "loading");
      var bar = figure.querySelector('[data-pg="progress"] progress');
      var text = part(figure, "progress-text");
      if (bar) { bar.max = STEPS.length; bar.value = step; }
      if (text) { text.textContent = STEPS[step]; }
    });
  }

  // The last line of an error's message, short: a Python traceback ends in the line that matters.
  function summary(error) {
    var lines = String(error && error.message || error).split("\n").filter(function (line) {
      return line.trim();
    });
    var last = (lines[lines.length - 1] || "unknown error").trim();
    return last.length > 200 ? last.slice(0, 199) + "…" : last;
  }

  // what: what happened, in words; error: the technical detail; advice: what the reader can do.
  function showError(figures, what, error, advice) {
    var text = what + (error ? " (" + summary(error) + ")" : "") + ". " + advice;
    figures.forEach(function (figure) {
      figure.setAttribute("data-state", "error");
      var box = part(figure, "error");
      if (!box) { return; }
      var detail = part(figure, "error-detail");
      if (!detail) {
        detail = document.createElement("p");
        detail.setAttribute("data-pg", "error-detail");
        box.appendChild(detail);
      }
      detail.textContent = text;
      box.hidden = false;
    });
  }

  function showOffline(figures) {
    figures.forEach(function (figure) {
      figure.setAttribute("data-state", "static");
      var notice = part(figure, "notice");
      if (notice) { notice.hidden = false; }
    });
  }

  function loadScript(url, integrity) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url;
      if (integrity) {
        tag.integrity = integrity;
        tag.crossOrigin = "anonymous";
      }
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("Could not load " + url)); };
      document.head.appendChild(tag);
    });
  }

  // Pyodide reports a failed WebAssembly start (the .wasm blocked, missing or corrupt, or its
  // compilation refused by the page's CSP) only with console.warn, and its promise then never
  // settles. So watch the instantiation ourselves while loadPyodide runs, and fail at once.
  async function startRuntime(options) {
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
      return await Promise.race([loadPyodide(options), failed]);
    } finally {
      Object.keys(originals).forEach(function (name) { WebAssembly[name] = originals[name]; });
    }
  }

  function base64Bytes(b64) {
    var text = atob(b64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  async function checkSha256(bytes, expected) {
    if (!(globalThis.crypto && crypto.subtle)) { return; }
    var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    var hex = Array.from(digest, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    if (hex !== expected) { throw new Error("The embedded pgcore wheel is corrupt (sha256)."); }
  }

  // Over http(s): everything from this site; Pyodide fetches and checks the wheel itself.
  async function startServed(figures) {
    await loadScript(url("index_url") + "pyodide.js", RUNTIME.integrity);
    var pyodide = await startRuntime({ indexURL: url("index_url"), lockFileURL: url("lock_url") });
    showStep(figures, 1);
    var problems = [];
    await pyodide.loadPackage("pgcore", {
      messageCallback: function () {},
      errorCallback: function (message) { problems.push(message); }
    });
    if (problems.length || !pyodide.loadedPackages.pgcore) {
      throw new Error("Could not install pgcore: " + problems.join(" "));
    }
    return pyodide;
  }

  // From disk: the pinned runtime from the CDN, pgcore from the script that embeds the wheel.
  async function startFromDisk(figures) {
    await loadScript(url("wheel_js"));
    await loadScript(RUNTIME.cdn_url + "pyodide.js", RUNTIME.integrity);
    var wheel = globalThis.pgcoreWheel;
    var pyodide = await startRuntime({ indexURL: RUNTIME.cdn_url, lockFileContents: wheel.lock });
    showStep(figures, 1);
    var bytes = base64Bytes(wheel.b64);
    await checkSha256(bytes, wheel.sha256);
    pyodide.unpackArchive(bytes, "wheel");
    return pyodide;
  }

  async function start() {
    var figures = Array.from(document.querySelectorAll("[data-widget]"));
    if (!figures.length) { return; }
    var fromDisk = location.protocol === "file:";
    showStep(figures, 0);
    // A server that never answers leaves Pyodide's promise pending forever: say so eventually.
    var stalled = setTimeout(function () {
      showError(figures, "The Python runtime has not started after " + STALL_SECONDS + " s", null,
        RELOAD);
    }, STALL_SECONDS * 1000);
    var pyodide;
    try {
      pyodide = await (fromDisk ? startFromDisk : startServed)(figures);
    } catch (error) {
      clearTimeout(stalled);
      if (fromDisk && typeof loadPyodide === "undefined") { showOffline(figures); return; }
      showError(figures, FAILURES[step], error, fromDisk
        ? "Serve the folder instead: python build.py --serve"
        : RELOAD);
      return;
    }
    clearTimeout(stalled);
    showStep(figures, 2);
    // mount() runs synchronously: give the browser a turn to show this last step first.
    await new Promise(function (resolve) { setTimeout(resolve, 0); });
    try {
      var browser = pyodide.pyimport("pgcore.browser");
      figures.forEach(function (figure) { browser.mount(figure); });
      browser.destroy();
      figures.forEach(function (figure) { figure.setAttribute("data-state", "ready"); });
    } catch (error) {
      showError(figures, FAILURES[2], error,
        "This is a bug in the page; the figure above is a static snapshot.");
      console.error(error);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
