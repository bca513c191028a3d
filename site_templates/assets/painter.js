/* The canvas painter: draws a scene (JSON from pgcore.scene) and runs the frame loop.
 *
 * It decides nothing. Python chooses every primitive; this file only maps the few primitive kinds
 * onto the 2-D canvas API, with colours read from the same --pg-<role> custom properties the SVG
 * pre-render uses. It keeps the last scene of each canvas so a resize or a theme switch repaints
 * without asking Python.
 */
(function () {
  "use strict";

  var lastScene = new WeakMap(); // canvas -> scene object
  var palettes = new WeakMap(); // canvas -> {role: colour}

  function palette(canvas) {
    var cached = palettes.get(canvas);
    if (cached) return cached;
    var style = getComputedStyle(canvas);
    var colours = {};
    return palettes.set(canvas, {
      get: function (role) {
        if (!(role in colours)) colours[role] = style.getPropertyValue("--pg-" + role).trim() || "#888";
        return colours[role];
      },
      font: style.getPropertyValue("--pg-font").trim() || "system-ui, sans-serif",
    }).get(canvas);
  }

  function fitToBox(canvas, scene) {
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth || scene.width;
    var height = (width * scene.height) / scene.width;
    var w = Math.round(width * ratio), h = Math.round(height * ratio);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    return (width * ratio) / scene.width;
  }

  function finish(ctx, item, colours) {
    ctx.globalAlpha = item.alpha === undefined ? 1 : item.alpha;
    if (item.fill) {
      ctx.fillStyle = colours.get(item.fill);
      ctx.fill();
    }
    if (item.stroke) {
      ctx.strokeStyle = colours.get(item.stroke);
      ctx.lineWidth = item.lw === undefined ? 1 : item.lw;
      ctx.setLineDash(item.dash || []);
      ctx.stroke();
    }
  }

  var draw = {
    rect: function (ctx, it) {
      ctx.beginPath();
      if (it.r) ctx.roundRect(it.x, it.y, it.w, it.h, it.r);
      else ctx.rect(it.x, it.y, it.w, it.h);
    },
    circle: function (ctx, it) {
      ctx.beginPath();
      ctx.arc(it.x, it.y, it.r, 0, 2 * Math.PI);
    },
    ellipse: function (ctx, it) {
      ctx.beginPath();
      ctx.ellipse(it.x, it.y, it.rx, it.ry, 0, 0, 2 * Math.PI);
    },
    path: function (ctx, it) {
      ctx.beginPath();
      it.points.forEach(function (p, i) {
        if (i === 0) ctx.moveTo(p[0], p[1]);
        else ctx.lineTo(p[0], p[1]);
      });
      if (it.closed) ctx.closePath();
    },
  };

  function arrow(ctx, it, colours) {
    var dx = it.x2 - it.x1, dy = it.y2 - it.y1;
    var len = Math.hypot(dx, dy) || 1;
    var ux = dx / len, uy = dy / len;
    var back = Math.min(it.head, len); // the shaft stops where the head begins
    ctx.beginPath();
    ctx.moveTo(it.x1, it.y1);
    ctx.lineTo(it.x2 - ux * back * 0.8, it.y2 - uy * back * 0.8);
    finish(ctx, { stroke: it.stroke, lw: it.lw, alpha: it.alpha, dash: it.dash }, colours);
    ctx.beginPath();
    ctx.moveTo(it.x2, it.y2);
    ctx.lineTo(it.x2 - ux * back - uy * back * 0.55, it.y2 - uy * back + ux * back * 0.55);
    ctx.lineTo(it.x2 - ux * back + uy * back * 0.55, it.y2 - uy * back - ux * back * 0.55);
    ctx.closePath();
    finish(ctx, { fill: it.stroke, alpha: it.alpha }, colours);
  }

  function label(ctx, it, colours) {
    ctx.globalAlpha = it.alpha === undefined ? 1 : it.alpha;
    ctx.font = (it.weight === "bold" ? "600 " : "") + it.size + "px " + colours.font;
    ctx.textAlign = it.anchor === "start" ? "left" : it.anchor === "end" ? "right" : "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = colours.get(it.fill || "ink");
    ctx.fillText(it.text, it.x, it.y);
  }

  function render(canvas, scene) {
    var ctx = canvas.getContext("2d");
    var scale = fitToBox(canvas, scene);
    var colours = palette(canvas);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (var i = 0; i < scene.items.length; i++) {
      var it = scene.items[i];
      if (it.kind === "arrow") arrow(ctx, it, colours);
      else if (it.kind === "text") label(ctx, it, colours);
      else {
        draw[it.kind](ctx, it);
        finish(ctx, it, colours);
      }
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  // Called from Python (pgcore.browser): paint a scene given as a JSON string.
  function paint(canvas, sceneJson) {
    var scene = JSON.parse(sceneJson);
    lastScene.set(canvas, scene);
    render(canvas, scene);
  }

  function repaintAll() {
    document.querySelectorAll("canvas[data-pg]").forEach(function (canvas) {
      palettes.delete(canvas);
      var scene = lastScene.get(canvas);
      if (scene) render(canvas, scene);
    });
  }

  // Called from Python: call frame(now) once per animation frame until stop().
  var loop = { frame: null, handle: 0 };
  function tick(now) {
    loop.handle = 0;
    if (!loop.frame) return;
    loop.frame(now);
    if (loop.frame) loop.handle = requestAnimationFrame(tick);
  }
  function start(frame) {
    loop.frame = frame;
    if (!loop.handle) loop.handle = requestAnimationFrame(tick);
  }
  function stop() {
    loop.frame = null;
    if (loop.handle) cancelAnimationFrame(loop.handle);
    loop.handle = 0;
  }

  window.addEventListener("resize", repaintAll);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", repaintAll);

  window.pgPainter = { paint: paint, start: start, stop: stop };
})();
