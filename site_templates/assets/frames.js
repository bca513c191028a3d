/* The page's side of a figure: apply its frames to the DOM, and turn the reader's actions into
 * events. Generic: it knows the frame format of pgcore.figure and the data-pg attributes of the
 * figure templates, and nothing about any figure. The figure's Python decides what to show.
 *
 *   data-pg="slot"           an element a frame part names (text, attrs, controls, tables, scenes)
 *   data-pg-event="name"     a control whose use sends {name, value} (a canvas: clicks and keys)
 *   data-pg-keys="k1 k2"     on a canvas: the keys it takes (their default action is stopped)
 *   data-pg-interrupt        on a button: pressing it must stop whatever Python is running
 *   data-pg-with="slot"      on a button: its event carries the value of that slot (the code)
 *   data-pg-copy             on a button: copies the page's address, then sends "copied"
 *   data-pg-editor           on a textarea: becomes a code editor when it comes near the
 *                            viewport or gets focus (the editor script at data-pg-editor-src,
 *                            loaded only then); if that script cannot load, the textarea stays
 */
(function () {
  "use strict";

  function each(object, callback) {
    if (object) { Object.keys(object).forEach(function (key) { callback(key, object[key]); }); }
  }

  function slots(root, name) {
    return root.querySelectorAll('[data-pg="' + name + '"]');
  }

  function setAttributes(element, attrs) {
    each(attrs, function (name, value) {
      if (value === null || value === false) { element.removeAttribute(name); }
      else if (element.getAttribute(name) !== String(value)) { element.setAttribute(name, value); }
    });
  }

  var editors = new WeakMap(); // textarea -> its code editor, once loaded

  function setControl(element, props) {
    if (element.type === "radio") {
      element.checked = element.value === String(props.value);
      return;
    }
    var editor = editors.get(element);
    if (editor && "value" in props && editor.getValue() !== props.value) {
      editor.setValue(props.value);
    }
    each(props, function (name, value) {
      if (element[name] !== value) { element[name] = value; }
    });
  }

  // A table cell holds text, or a button that sends an event ({text, event, value}).
  function setCell(cell, spec, enabled) {
    if (typeof spec === "string") {
      if (cell.firstElementChild || cell.textContent !== spec) { cell.textContent = spec; }
      return;
    }
    var old = cell.firstElementChild;
    if (old && old.textContent === spec.text && old.getAttribute("data-pg-event") === spec.event &&
        old.value === spec.value) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "pg-cell-button";
    button.setAttribute("data-pg-event", spec.event);
    button.value = spec.value;
    button.textContent = spec.text;
    button.disabled = !enabled;
    cell.replaceChildren(button);
  }

  // Rows are patched in place, so a focused button keeps its focus while the numbers change.
  function setRows(table, rows, enabled) {
    var body = table.tBodies[0] || table.createTBody();
    while (body.rows.length > rows.length) { body.deleteRow(-1); }
    rows.forEach(function (row, i) {
      var tr = body.rows[i];
      if (!tr) {
        tr = body.insertRow();
        row.cells.forEach(function (_, j) {
          var cell = document.createElement(j === 0 ? "th" : "td");
          if (j === 0) { cell.scope = "row"; }
          tr.appendChild(cell);
        });
      }
      setAttributes(tr, row.attrs);
      row.cells.forEach(function (spec, j) { setCell(tr.cells[j], spec, enabled); });
    });
  }

  // Apply one frame (or several merged) to the figure's root element.
  function apply(root, frame) {
    var enabled = root.getAttribute("data-state") === "ready";
    // Canvases first: drawing reads their sizes, which the text and tables below would make
    // the browser lay out again before it could answer.
    each(frame.scenes, function (slot, scene) {
      slots(root, slot).forEach(function (canvas) { window.pgPainter.paint(canvas, scene); });
    });
    each(frame.root, function (name, value) { root.setAttribute("data-" + name, value); });
    each(frame.text, function (slot, text) {
      slots(root, slot).forEach(function (el) { if (el.textContent !== text) { el.textContent = text; } });
    });
    each(frame.attrs, function (slot, attrs) {
      slots(root, slot).forEach(function (el) { setAttributes(el, attrs); });
    });
    each(frame.controls, function (slot, props) {
      slots(root, slot).forEach(function (el) { setControl(el, props); });
    });
    each(frame.tables, function (slot, rows) {
      slots(root, slot).forEach(function (table) { setRows(table, rows, enabled); });
    });
  }

  // Fold a newer frame into an older one that was not painted yet: per slot, the newer wins.
  function merge(older, newer) {
    each(newer, function (part, value) {
      if (part === "resume" || !older[part]) { older[part] = value; return; }
      each(value, function (slot, content) { older[part][slot] = content; });
    });
    return older;
  }

  function eventOf(element) {
    return element && element.getAttribute("data-pg-event");
  }

  function valueOf(element) {
    var editor = element && editors.get(element);
    return editor ? editor.getValue() : element && element.value;
  }

  // The Copy link button: the address holds the figures' state (pgcore.share).
  function copyLink(root, send) {
    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-pg-copy]");
      if (!button || !root.contains(button)) { return; }
      var done = function (copied) { send({ name: "copied", value: copied }, false); };
      if (!navigator.clipboard) { done(false); return; }
      navigator.clipboard.writeText(location.href).then(function () { done(true); },
        function () { done(false); });
    });
  }

  // A textarea becomes a code editor once it is near the viewport or focused; the editor's
  // script is loaded then, once for the page.
  var editorScript = null;
  function loadEditor(src) {
    if (!editorScript) {
      editorScript = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = function () { resolve(window.pgEditor); };
        tag.onerror = function () { reject(new Error("Could not load " + src)); };
        document.head.appendChild(tag);
      });
    }
    return editorScript;
  }

  function upgrade(textarea) {
    if (editors.has(textarea) || textarea.hasAttribute("data-pg-upgrading")) { return; }
    textarea.setAttribute("data-pg-upgrading", "");
    var src = new URL(textarea.getAttribute("data-pg-editor-src"), document.baseURI).href;
    loadEditor(src).then(function (pgEditor) {
      var parent = document.createElement("div");
      parent.className = "pg-editor";
      textarea.parentNode.insertBefore(parent, textarea);
      var hadFocus = document.activeElement === textarea;
      var editor = pgEditor.create(parent, {
        doc: textarea.value,
        label: textarea.getAttribute("aria-label"),
        onChange: function (text) { textarea.value = text; }
      });
      editors.set(textarea, editor);
      textarea.hidden = true;
      if (hadFocus) { editor.focus(); }
    }, function () {
      textarea.removeAttribute("data-pg-upgrading"); // the plain textarea does the same job
    });
  }

  function watchEditors(root) {
    var textareas = root.querySelectorAll("textarea[data-pg-editor]");
    if (!textareas.length) { return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          upgrade(entry.target);
        }
      });
    }, { rootMargin: "600px 0px" });
    textareas.forEach(function (textarea) {
      observer.observe(textarea);
      textarea.addEventListener("focus", function () { upgrade(textarea); });
    });
  }

  // Send the reader's actions in root as events: send(event, interrupts).
  function wire(root, send) {
    copyLink(root, send);
    watchEditors(root);
    function target(event) {
      var element = event.target.closest("[data-pg-event]");
      return element && root.contains(element) && !element.disabled ? element : null;
    }
    root.addEventListener("click", function (event) {
      var element = target(event);
      if (!element) { return; }
      if (element.hasAttribute("data-pg-copy")) {
        return; // copyLink's, which tells Python whether the browser copied
      } else if (element.tagName === "BUTTON") {
        var message = { name: eventOf(element) };
        var source = element.getAttribute("data-pg-with");
        if (source) {
          message.value = valueOf(root.querySelector('[data-pg="' + source + '"]'));
        } else if (element.value) {
          message.value = element.value;
        }
        send(message, element.hasAttribute("data-pg-interrupt"));
      } else if (element.tagName === "CANVAS") {
        var point = window.pgPainter.toScene(element, event.offsetX, event.offsetY);
        send({ name: eventOf(element), type: "click", x: point.x, y: point.y }, false);
      }
    });
    root.addEventListener("input", function (event) {
      var element = target(event);
      if (element && element.type === "range") {
        send({ name: eventOf(element), value: element.value }, false);
      }
    });
    root.addEventListener("change", function (event) {
      var element = target(event);
      if (!element || element.type === "range") { return; }
      if (element.type === "checkbox") {
        send({ name: eventOf(element), value: element.checked }, false);
      } else if (element.type !== "radio" || element.checked) {
        send({ name: eventOf(element), value: element.value }, false);
      }
    });
    root.addEventListener("keydown", function (event) {
      var element = target(event);
      var keys = element && element.getAttribute("data-pg-keys");
      if (keys && keys.split(" ").indexOf(event.key) >= 0) {
        event.preventDefault();
        send({ name: eventOf(element), type: "key", key: event.key }, false);
      }
    });
  }

  // Enable or disable every control of the figure (they start disabled, before Python runs).
  function enable(root, on) {
    root.querySelectorAll("[data-pg-event]").forEach(function (control) {
      if ("disabled" in control) { control.disabled = !on; }
    });
  }

  // What the figure's text inputs hold (the code editor's text): Python is told at every start,
  // so a restarted worker shows, never loses, what the reader wrote.
  function inputs(root) {
    var values = {};
    root.querySelectorAll("textarea[data-pg]").forEach(function (textarea) {
      values[textarea.getAttribute("data-pg")] = valueOf(textarea);
    });
    return values;
  }

  window.pgFrames = { apply: apply, merge: merge, wire: wire, enable: enable, inputs: inputs };
}());
