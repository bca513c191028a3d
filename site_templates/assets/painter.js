/* The canvas painter: draws a scene (plain data from pgcore.scene) on a canvas.
 *
 * It decides nothing. Python chooses every primitive and every point (an arrow arrives as a line
 * and a triangle); this file only maps the primitive kinds onto the 2-D canvas API, with colours
 * read from the same --pg-<role> custom properties the SVG pre-render uses. It keeps the last
 * scene of each canvas, so a resize or a theme switch repaints without asking Python, and so a
 * click can be turned into the scene's own coordinates.
 */
(function () {
  "use strict";

  var lastScene = new WeakMap(); // canvas -> scene
  var palettes = new WeakMap(); // canvas -> {get(role), font}

  function palette(canvas) {
    var cached = palettes.get(canvas);
    if (cached) { return cached; }
    var style = getComputedStyle(canvas);
    var colours = {};
    cached = {
      get: function (role) {
        if (!(role in colours)) { colours[role] = style.getPropertyValue("--pg-" + role).trim(); }
        return colours[role];
      },
      font: style.getPropertyValue("--pg-font").trim()
    };
    palettes.set(canvas, cached);
    return cached;
  }

  // Each canvas's width in CSS pixels, kept by a ResizeObserver: reading clientWidth while
  // painting would force a layout on every frame, right after the frame's text was written.
  var widths = new WeakMap(); // canvas -> CSS width
  var sizes = typeof ResizeObserver === "function" ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var canvas = entry.target, before = widths.get(canvas);
      widths.set(canvas, entry.contentRect.width);
      var scene = lastScene.get(canvas);
      if (scene && before !== entry.contentRect.width) { render(canvas, scene); }
    });
  }) : null;

  function widthOf(canvas) {
    if (!widths.has(canvas)) {
      widths.set(canvas, canvas.clientWidth); // once; the observer keeps it from then on
      if (sizes) { sizes.observe(canvas); } else { widths.delete(canvas); }
      return canvas.clientWidth;
    }
    return widths.get(canvas);
  }

  function fitToBox(canvas, scene) {
    var ratio = window.devicePixelRatio || 1;
    var width = widthOf(canvas) || scene.width;
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

  var outline = {
    rect: function (ctx, it) {
      ctx.beginPath();
      if (it.r) { ctx.roundRect(it.x, it.y, it.w, it.h, it.r); } else { ctx.rect(it.x, it.y, it.w, it.h); }
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
      for (var i = 0; i < it.points.length; i++) {
        if (i === 0) { ctx.moveTo(it.points[i][0], it.points[i][1]); } else { ctx.lineTo(it.points[i][0], it.points[i][1]); }
      }
      if (it.closed) { ctx.closePath(); }
    }
  };

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
      if (it.kind === "text") {
        label(ctx, it, colours);
      } else {
        outline[it.kind](ctx, it);
        finish(ctx, it, colours);
      }
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  function paint(canvas, scene) {
    lastScene.set(canvas, scene);
    render(canvas, scene);
  }

  // A point of the canvas's box (CSS pixels) in the coordinates of the scene it shows.
  function toScene(canvas, x, y) {
    var scene = lastScene.get(canvas);
    var scale = scene ? scene.width / Math.max(widthOf(canvas), 1) : 1;
    return { x: x * scale, y: y * scale };
  }

  function repaintAll() {
    document.querySelectorAll("canvas[data-pg]").forEach(function (canvas) {
      palettes.delete(canvas);
      var scene = lastScene.get(canvas);
      if (scene) { render(canvas, scene); }
    });
  }

  window.addEventListener("resize", repaintAll);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", repaintAll);

  window.pgPainter = { paint: paint, toScene: toScene };
}());
