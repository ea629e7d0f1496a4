// Touch, the on-screen keyboard and the clipboard for the canvas (loaded after attnlab.js). Emscripten 3.1.6's
// GLFW presses at the previous touch's place and lets the browser click a second time, has no clipboard and
// no text field a phone's keyboard could type into; this takes those events first and hands them to C++
// (src/app/page_input.cpp: a finger becomes one click, a drag, a scroll or a long press there).
(function () {
  'use strict';
  const api = window.attnlab;
  const canvas = document.getElementById('canvas');
  const field = document.getElementById('keys');  // the hidden field the on-screen keyboard types into
  if (!api || !canvas || !field) return;
  const ready = () => typeof api._cmd === 'function' && window.Module && Module._attnlab_call;
  const send = (name, args) => { if (ready()) api._cmd(name, args); };
  const now = () => performance.now() / 1000;

  // --- a finger (the first one down; others are ignored) -----------------------------------------------
  let finger = null, holdTimer = 0;
  const at = (t) => {
    const r = canvas.getBoundingClientRect();
    return { x: t.clientX - r.left, y: t.clientY - r.top };
  };
  const touched = (e) => {
    for (const t of e.changedTouches) if (finger !== null && t.identifier === finger) return t;
    return null;
  };
  let touchLast = false;  // the last pointer was a finger: a text field then raises the on-screen keyboard
  function onTouch(e) {
    if (e.target !== canvas) return;
    touchLast = true;
    // (ours alone: neither GLFW's touch handling nor the browser's mouse events made from the touch)
    e.preventDefault();
    e.stopImmediatePropagation();
    if (e.type === 'touchstart') {
      if (finger !== null) return;
      const t = e.changedTouches[0];
      finger = t.identifier;
      send('pointer', { phase: 'start', ...at(t), t: now() });
      clearTimeout(holdTimer);
      holdTimer = setTimeout(() => send('pointer', { phase: 'hold', t: now() }), 600);
      return;
    }
    const t = touched(e);
    if (!t) return;
    if (e.type === 'touchmove') {
      send('pointer', { phase: 'move', ...at(t), t: now() });
      return;
    }
    clearTimeout(holdTimer);
    send('pointer', { phase: e.type === 'touchend' ? 'end' : 'cancel', ...at(t), t: now() });
    finger = null;
    if (e.type === 'touchend' && document.activeElement !== field) canvas.focus({ preventScroll: true });
  }
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'])
    window.addEventListener(type, onTouch, { capture: true, passive: false });
  // A mouse again: no on-screen keyboard.
  canvas.addEventListener('mousedown', () => {
    if (touchLast) send('pointer', { phase: 'mouse' });
    touchLast = false;
  }, { capture: true });

  // --- the on-screen keyboard -----------------------------------------------------------------------------
  // C++ says when a text field wants text (after each frame); after a touch the hidden field, laid over the
  // text field, takes the focus and the phone or tablet raises its keyboard. What it types goes to C++.
  api._textInput = (on, x, y, w, h) => {
    if (on && touchLast) {
      Object.assign(field.style, { left: `${x}px`, top: `${y}px`, width: `${Math.max(w, 2)}px`, height: `${Math.max(h, 16)}px` });
      field.value = '';
      field.focus({ preventScroll: true });
    } else if (!on && document.activeElement === field) {
      field.blur();
      canvas.focus({ preventScroll: true });
    }
  };
  field.addEventListener('input', (e) => {
    if (e.inputType === 'deleteContentBackward') send('key', { key: 'Backspace' });
    else if (e.inputType === 'insertLineBreak') send('key', { key: 'Enter' });
    else if (field.value) send('text', { text: field.value });
    field.value = '';
  });
  const keysPassedOn = new Set(['Backspace', 'Delete', 'Enter', 'Tab', 'Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp',
                                'ArrowDown', 'Home', 'End']);
  // Keys typed into the hidden field reach C++ once: as text (input events) or as these keys, never also
  // through GLFW's window listeners (registered after these, on the window too).
  for (const type of ['keydown', 'keypress', 'keyup']) {
    window.addEventListener(type, (e) => {
      if (e.target !== field) return;
      e.stopImmediatePropagation();
      if (type !== 'keydown') return;
      const ctrl = e.ctrlKey || e.metaKey;
      if (keysPassedOn.has(e.key)) {
        e.preventDefault();
        send('key', { key: e.key, ctrl });
      } else if (ctrl && ['a', 'c', 'x', 'z'].includes(e.key.toLowerCase())) {
        e.preventDefault();
        send('key', { key: e.key.toLowerCase(), ctrl: true });
      }
    }, { capture: true });
  }

  // --- the clipboard ---------------------------------------------------------------------------------------
  // A copy in the app (Ctrl+C in a field, "copy" on a cell or a formula) goes to the system clipboard; a paste
  // (Ctrl+V, the browser's menu) brings the system clipboard's text to the app before ImGui reads it.
  api._copyText = (text) => {
    api.copied = text;  // (for page scripts and tests)
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(() => {});
  };
  document.addEventListener('paste', (e) => {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (!text) return;
    e.preventDefault();
    send('clipboard', { text });
    if (e.target === field) send('text', { text });  // (typed into the field: no Ctrl+V reached ImGui)
  });
})();
