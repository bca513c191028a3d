/* Starts the page's figures: one Web Worker runs all their Python (worker.js); this file, on the
 * main thread, only moves messages and applies frames (frames.js), so the page never waits for
 * Python, even while the runtime starts.
 *
 * build.py writes the runtime's settings into RUNTIME below: the runtime files (each a classic
 * script carrying its bytes, with the sha256 pinned in pyproject.toml), the pgcore wheel and the
 * site's lock. Served, the worker imports those scripts itself; opened from disk (file://), where
 * a worker may load no file, this page loads them and hands the worker their contents.
 *
 * Stop means stop: when the reader presses a control marked data-pg-interrupt (Pause, Reset,
 * Stop) and the worker does not answer within INTERRUPT_MS, because Python is busy and cannot be
 * interrupted, the worker is terminated and a new one started; the figures come back with their
 * settings and their last parameters (the `resume` part of their frames).
 */
(function () {
  "use strict";

  var RUNTIME = /* build.py: runtime */ null;
  var script = document.currentScript;
  var STALL_SECONDS = 90;
  var INTERRUPT_MS = 500;
  var STEPS = ["Loading the Python runtime…", "Installing the Python packages…",
    "Drawing the first frame…"];
  var FAILURES = ["The Python runtime could not be loaded",
    "The figure’s Python package could not be installed", "The figure could not start"];
  var RELOAD = "Reload the page to try again; the figure above is a static snapshot.";
  var FROM_DISK = "Rebuild the site (python3 build.py) or serve it while you edit " +
    "(./dev site); the figure above is a static snapshot.";
  var fromDisk = location.protocol === "file:";

  var figures = []; // {root, id, kind, config, resume, ready}
  var worker = null;
  var booted = false;
  var pending = {}; // figure id -> frame not painted yet
  var painting = 0; // requestAnimationFrame handle
  var wanting = false; // a "want" is on its way to the worker
  var seq = 0;
  var watchdog = 0; // the timer that restarts a worker that does not answer an interrupt
  var watchedSeq = 0; // the message it waits for an answer to
  var stalled = 0;
  var packsLoaded = null; // from disk: the promise of the runtime scripts, loaded once
  var linkRead = false; // the address's fragment was handed to Python

  function url(relative) {
    return new URL(relative, script.src).href;
  }

  function part(root, name) {
    return root.querySelector('[data-pg="' + name + '"]');
  }

  function showStep(step) {
    figures.forEach(function (figure) {
      if (figure.root.getAttribute("data-state") === "ready") {
        window.pgFrames.enable(figure.root, false); // a restart: nothing to press until it is back
      }
      figure.root.setAttribute("data-state", "loading");
      var bar = figure.root.querySelector('[data-pg="progress"] progress');
      var text = part(figure.root, "progress-text");
      if (bar) { bar.max = STEPS.length; bar.value = step; }
      if (text) { text.textContent = STEPS[step]; }
    });
  }

  // The last line of an error's message, short: a Python traceback ends in the line that matters.
  function summary(detail) {
    var lines = String(detail).split("\n").filter(function (line) { return line.trim(); });
    var last = (lines[lines.length - 1] || "unknown error").trim();
    return last.length > 200 ? last.slice(0, 199) + "…" : last;
  }

  function showError(figure, text) {
    figure.root.setAttribute("data-state", "error");
    window.pgFrames.enable(figure.root, false);
    var box = part(figure.root, "error");
    var detail = part(figure.root, "error-detail");
    if (detail) { detail.textContent = text; }
    if (box) { box.hidden = false; }
  }

  function failAll(what, detail) {
    clearTimeout(stalled);
    var text = what + (detail ? " (" + summary(detail) + ")" : "") + ". " +
      (fromDisk ? FROM_DISK : RELOAD);
    figures.forEach(function (figure) { showError(figure, text); });
    if (worker) { worker.terminate(); worker = null; }
  }

  function post(message, interrupts) {
    if (!worker) { return; }
    var id = ++seq;
    worker.postMessage({ json: JSON.stringify(message), seq: id });
    if (interrupts && !watchdog) {
      watchdog = setTimeout(restart, INTERRUPT_MS);
      watchedSeq = id;
    }
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("Could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  // From disk: the runtime's and the wheel's scripts, loaded into this page once (they define
  // pgRuntimePack), to be handed to each worker.
  function packsFromPage() {
    if (!packsLoaded) {
      var entries = Object.keys(RUNTIME.files).map(function (name) { return RUNTIME.files[name]; });
      packsLoaded = Promise.all(entries.concat([RUNTIME.wheel]).map(function (entry) {
        return loadScript(url(entry.url));
      })).then(function () { return window.pgRuntimePack; });
    }
    return packsLoaded;
  }

  function spawn() {
    booted = false;
    wanting = false;
    showStep(0);
    clearTimeout(stalled);
    stalled = setTimeout(function () {
      failAll("The Python runtime has not started after " + STALL_SECONDS + " s");
    }, STALL_SECONDS * 1000);
    var files = {};
    Object.keys(RUNTIME.files).forEach(function (name) {
      files[name] = { url: url(RUNTIME.files[name].url), sha256: RUNTIME.files[name].sha256 };
    });
    var wheel = { name: RUNTIME.wheel.name, url: url(RUNTIME.wheel.url),
      sha256: RUNTIME.wheel.sha256 };
    var config = { files: files, wheel: wheel, lock: RUNTIME.lock,
      index_url: url(RUNTIME.index_url), fromDisk: fromDisk };
    var source = "(" + window.pgWorker.toString() + ")(" + JSON.stringify(config) + ");";
    worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    worker.onmessage = receive;
    worker.onerror = function (event) {
      event.preventDefault();
      failAll(FAILURES[2], event.message);
    };
    if (fromDisk) {
      var current = worker;
      packsFromPage().then(function (packs) {
        if (worker === current) { worker.postMessage({ type: "runtime", packs: packs }); }
      }, function (error) { failAll(FAILURES[0], error.message); });
    }
  }

  // Stop a worker that does not answer, and start a new one with the figures where they were.
  function restart() {
    watchdog = 0;
    if (worker) { worker.terminate(); }
    // The canvases keep their last frame while Python comes back (see style.css).
    figures.forEach(function (figure) { figure.root.setAttribute("data-restarting", ""); });
    spawn();
  }

  function mount() {
    var specs = figures.map(function (figure) {
      return { id: figure.id, kind: figure.kind, config: figure.config, resume: figure.resume,
        inputs: window.pgFrames.inputs(figure.root) };
    });
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // The address's fragment is the state a link brought: read once, at the first start only
    // (after a restart the figures come back from their resume states instead).
    var link = linkRead ? "" : location.hash.slice(1);
    linkRead = true;
    post({ type: "mount", figures: specs, reducedMotion: reduced, link: link,
      baseLength: location.href.length - location.hash.length });
    want();
  }

  function want() {
    if (!wanting && booted) {
      wanting = true;
      post({ type: "want" });
    }
  }

  function receive(event) {
    var message = event.data;
    if (typeof message === "string") {
      frames(JSON.parse(message));
    } else if (message.type === "ack") {
      if (watchdog && message.seq >= watchedSeq) {
        clearTimeout(watchdog);
        watchdog = 0;
      }
    } else if (message.type === "progress") {
      showStep(message.step);
    } else if (message.type === "booted") {
      clearTimeout(stalled);
      booted = true;
      mount();
    } else if (message.type === "failed") {
      failAll(FAILURES[message.step], message.detail);
    }
  }

  function frames(message) {
    wanting = false;
    if (typeof message.link === "string") {
      // Python's account of the figures' state, in the address: shareable, and no new history
      // entry for each change. The address is rebuilt whole: a path like "//index.html" is a
      // host name when read as a relative URL.
      history.replaceState(history.state, "", location.href.split("#")[0]
        + (message.link ? "#" + message.link : ""));
    }
    Object.keys(message.frames).forEach(function (id) {
      pending[id] = pending[id] ? window.pgFrames.merge(pending[id], message.frames[id])
        : message.frames[id];
    });
    Object.keys(message.errors).forEach(function (id) {
      var figure = figures.find(function (f) { return f.id === id; });
      if (!figure) { return; }
      console.error("The figure " + id + " stopped: " + message.errors[id]);
      showError(figure, "The live figure stopped: " + message.errors[id] +
        ". Reload the page to start it again.");
    });
    if (!painting) { painting = requestAnimationFrame(paint); }
  }

  // Once per animation frame: apply the newest frame of each figure, then ask for the next.
  function paint() {
    painting = 0;
    figures.forEach(function (figure) {
      var frame = pending[figure.id];
      if (!frame) { return; }
      delete pending[figure.id];
      if (frame.resume) { figure.resume = frame.resume; }
      if (figure.root.getAttribute("data-state") !== "error") {
        if (figure.root.getAttribute("data-state") !== "ready") {
          figure.root.setAttribute("data-state", "ready");
          figure.root.removeAttribute("data-restarting");
          window.pgFrames.enable(figure.root, true);
        }
        window.pgFrames.apply(figure.root, frame);
      }
    });
    want();
  }

  function start() {
    figures = Array.from(document.querySelectorAll("[data-widget]")).map(function (root) {
      var figure = { root: root, id: root.id, kind: root.getAttribute("data-widget"),
        config: JSON.parse(root.getAttribute("data-config")), resume: null };
      window.pgFrames.wire(root, function (event, interrupts) {
        if (booted && root.getAttribute("data-state") === "ready") {
          post({ type: "event", id: figure.id, event: event }, interrupts);
        }
      });
      return figure;
    });
    if (figures.length) { spawn(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
