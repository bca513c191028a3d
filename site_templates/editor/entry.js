/*! The code figure's editor. CodeMirror 6, Lezer, style-mod, w3c-keyname, find-cluster-break:
 * Copyright (C) 2016-2024 Marijn Haverbeke <marijn@haverbeke.berlin> and others, MIT license.
 */
// The code figure's editor: CodeMirror 6 with Python, bundled by build.py (sitebuild/editor.py)
// into one classic script that defines one global:
//
//   window.pgEditor.create(parent, {doc, label, onChange}) -> {getValue(), setValue(text),
//                                                               focus(), destroy()}
//
// Works under the page's CSP (style-src 'self', no 'unsafe-inline'): every style rule goes into
// a constructed stylesheet adopted by the document, and inline styles are only set through the
// CSSOM (element.style), which the policy allows.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { pythonLanguage } from "@codemirror/lang-python";
import {
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";
import { StyleModule } from "style-mod";

// Token colours: a page may set the --pg-code-* properties; otherwise light-dark() picks the
// shade for the page's colour scheme. Each has a contrast of at least 4.5:1 on the site's light
// (#f7f3ea) and dark (#17181c) paper.
const TOKEN_COLOURS = {
  keyword: "var(--pg-code-keyword, light-dark(#7b2d9a, #d3a6ff))",
  string: "var(--pg-code-string, light-dark(#2b6b39, #8fd49c))",
  number: "var(--pg-code-number, light-dark(#975000, #f2ad6f))",
  comment: "var(--pg-code-comment, light-dark(#6a6458, #a39d91))",
  definition: "var(--pg-code-definition, light-dark(#1f4fb8, #8fb0ff))",
  className: "var(--pg-code-class, light-dark(#8a4a00, #f0c36a))",
  meta: "var(--pg-code-meta, light-dark(#6e5a00, #d9c46a))",
  invalid: "var(--pg-code-invalid, light-dark(#a12623, #f08a86))",
};

// The editor takes the page's ink and paper; "&.cm-editor" outranks the base theme's "&light"
// rules, whose fixed black caret and grey gutter would not follow a dark page.
const pageTheme = EditorView.theme({
  "&.cm-editor": { color: "inherit", backgroundColor: "var(--pg-code-paper, transparent)" },
  "&.cm-editor.cm-focused": {
    outline: "2px solid var(--pg-code-focus, var(--focus, Highlight))",
    outlineOffset: "2px",
  },
  "&.cm-editor .cm-scroller": { fontFamily: "var(--mono, ui-monospace, monospace)" },
  "&.cm-editor .cm-content": { caretColor: "currentColor" },
  "&.cm-editor .cm-gutters": {
    backgroundColor: "transparent",
    color: "color-mix(in srgb, currentColor 60%, transparent)",
    borderRight: "1px solid color-mix(in srgb, currentColor 25%, transparent)",
  },
  "&.cm-editor .cm-matchingBracket": {
    backgroundColor: "color-mix(in srgb, currentColor 15%, transparent)",
    outline: "1px solid color-mix(in srgb, currentColor 50%, transparent)",
  },
  "&.cm-editor .cm-nonmatchingBracket": { color: TOKEN_COLOURS.invalid },
  ".tok-keyword, .tok-operatorKeyword": { color: TOKEN_COLOURS.keyword },
  ".tok-string, .tok-string2": { color: TOKEN_COLOURS.string },
  ".tok-number, .tok-bool, .tok-atom": { color: TOKEN_COLOURS.number },
  ".tok-comment": { color: TOKEN_COLOURS.comment, fontStyle: "italic" },
  ".tok-definition": { color: TOKEN_COLOURS.definition },
  ".tok-className": { color: TOKEN_COLOURS.className },
  ".tok-meta": { color: TOKEN_COLOURS.meta },
  ".tok-invalid": { color: TOKEN_COLOURS.invalid },
});

// style-mod writes its rules into a <style> element for a root that has a head (the document),
// which style-src 'self' refuses, and into an adopted constructed stylesheet for a root without
// one (a shadow root). Mounting once while the document's head is hidden gives the document the
// adopted stylesheet; CodeMirror's later mounts then reuse it.
function adoptStyleSheets(doc) {
  if (!doc.adoptedStyleSheets || Object.hasOwn(doc, "head")) return;
  Object.defineProperty(doc, "head", { value: null, configurable: true });
  try {
    StyleModule.mount(doc, []);
  } finally {
    delete doc.head;
  }
}

// Python's convention: four spaces per level, and a tab shown four columns wide.
const PYTHON_INDENT = "    ";

// Typing over a selection that spans lines: the browser's own editing would merge the lines'
// elements and copy their computed colours into style attributes, which the page's CSP refuses
// (and CodeMirror redraws from its state anyway). So CodeMirror makes that change itself.
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { main } = view.state.selection;
    if (event.inputType !== "insertText" || event.data == null || main.empty) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), {
      scrollIntoView: true,
      userEvent: "input.type",
    });
    return true;
  },
});

function create(parent, { doc = "", label = "Python code", onChange = null } = {}) {
  if (parent?.nodeType !== Node.ELEMENT_NODE) {
    throw new TypeError("pgEditor.create: parent must be an element");
  }
  adoptStyleSheets(parent.ownerDocument);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        indentOnInput(),
        bracketMatching(),
        // The language alone (highlighting, indentation): python() would add completion
        // sources, which nothing here would call.
        pythonLanguage,
        syntaxHighlighting(classHighlighter),
        pageTheme,
        typeOverSelection,
        indentUnit.of(PYTHON_INDENT),
        EditorState.tabSize.of(PYTHON_INDENT.length),
        // Tab indents; Escape then Tab leaves (CodeMirror's tab focus mode, built in).
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  const getValue = () => view.state.doc.toString();
  return {
    getValue,
    // The same text again is no change: no onChange call, no step in the undo history.
    setValue: (text) => {
      if (text !== getValue()) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      }
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

window.pgEditor = { create };
