/* The benchmark's probe, installed before any script of the page (Playwright add_init_script).
 *
 * It only observes, through standard APIs the page already uses, so the page needs no hook:
 * - every data-state change, with its time (time to interactive, the state at first paint);
 * - every requestAnimationFrame callback: its frame timestamp and how long it ran;
 * - long tasks (> 50 ms), from the Long Tasks API;
 * - the Pyodide instance, by wrapping the loadPyodide that pyodide.js defines, and the wasm
 *   memories, by wrapping WebAssembly.instantiate(Streaming).
 * It also drives the mode switches of the memory run from inside the frame loop, so they land
 * on exact frame counts whatever Playwright's latency.
 */
(function () {
  "use strict";

  var bench = (window.__pgBench = {
    states: [], // [time, state]
    recording: false,
    stamps: [], // per recorded callback: the frame's timestamp
    work: [], // per recorded callback: ms it ran
    frames: 0, // callbacks since load
    longTasks: [], // [startTime, duration]
    pyodide: null,
    boot: null, // [called, resolved]: when the page called loadPyodide, when it resolved
    instances: [],
    cycle: null, // {every, modes, frames}: switch modes every `every` frames
  });

  new MutationObserver(function (records) {
    var now = performance.now();
    records.forEach(function (record) {
      bench.states.push([now, record.target.getAttribute("data-state")]);
    });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });

  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (entry) {
        bench.longTasks.push([entry.startTime, entry.duration]);
      });
    }).observe({ type: "longtask", buffered: true });
  } catch (error) {
    bench.longTasks = null; // not supported: the suite reports that instead of zero
  }

  // Choose a view as a reader's click on its radio button does.
  bench.setMode = function (mode) {
    var radio = document.querySelector('input[name="pg-mode"][value="' + mode + '"]');
    if (!radio) throw new Error("no radio button for mode " + mode);
    radio.click();
  };

  function switchMode() {
    var cycle = bench.cycle;
    cycle.frames += 1;
    if (cycle.frames % cycle.every !== 0) return;
    bench.setMode(cycle.modes[(cycle.frames / cycle.every) % cycle.modes.length]);
  }

  var requestFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = function (callback) {
    return requestFrame(function (stamp) {
      var start = performance.now();
      try {
        callback(stamp);
      } finally {
        bench.frames += 1;
        if (bench.recording) {
          bench.stamps.push(stamp);
          bench.work.push(performance.now() - start);
        }
        if (bench.cycle) switchMode();
      }
    });
  };

  ["instantiate", "instantiateStreaming"].forEach(function (name) {
    var original = WebAssembly[name];
    WebAssembly[name] = function () {
      return original.apply(WebAssembly, arguments).then(function (result) {
        bench.instances.push(result.instance || result);
        return result;
      });
    };
  });

  // pyodide.js assigns globalThis.loadPyodide; keep what it assigns, wrapping the function.
  var loader;
  Object.defineProperty(window, "loadPyodide", {
    configurable: true,
    get: function () {
      return loader;
    },
    set: function (value) {
      loader =
        typeof value !== "function"
          ? value
          : function () {
              bench.boot = [performance.now(), null];
              return value.apply(this, arguments).then(function (pyodide) {
                bench.boot[1] = performance.now();
                bench.pyodide = pyodide;
                return pyodide;
              });
            };
    },
  });

  // Bytes of the largest wasm memory the page instantiated (Pyodide's heap).
  bench.wasmBytes = function () {
    var bytes = 0;
    bench.instances.forEach(function (instance) {
      Object.keys(instance.exports || {}).forEach(function (key) {
        var value = instance.exports[key];
        if (value instanceof WebAssembly.Memory) bytes = Math.max(bytes, value.buffer.byteLength);
      });
    });
    return bytes;
  };
})();
