// leadseg pre-paint: fills personalized slots before the page's first
// paint, on every page view after the first.
//
//   <head>
//     <script src="/node_modules/leadseg/src/prepaint.js"></script>
//     <script type="module" src="/app.js"></script>   <!-- createEngine(...) -->
//
// A small classic, blocking script (1.4 KB gzipped): it must run before the body is
// parsed, which a module (deferred) cannot. It does not load the engine.
// It reads the variant each slot was last rendered with, which the engine
// saves in localStorage ("leadseg:prepaint", only with storage and
// personalization consent, removed by erase() and when consent is
// withdrawn), and stamps that variant's <template> into each slot as soon
// as the slot has been parsed, in a requestAnimationFrame callback (these
// run before each paint) and at DOMContentLoaded. When the engine has
// loaded, render() adopts the stamped content if it decides the same
// variant, and replaces it otherwise (the profile changed since the last
// page). The default template is never stamped unless it was the decision.
//
// With `data-storage-name="x"` on the script tag it reads "x:prepaint"
// (match createEngine's storageName). No network, no cookies, no eval: it
// runs under a strict Content-Security-Policy as a same-origin script.
(function () {
  'use strict';
  var script = document.currentScript;
  var name = (script && script.getAttribute('data-storage-name')) || 'leadseg';
  var slots;
  try {
    var record = JSON.parse(window.localStorage.getItem(name + ':prepaint') || 'null');
    slots = record && record.v === 1 && record.slots;
  } catch (e) {
    return; // storage blocked or the record unreadable: render() fills the slots
  }
  if (!slots || typeof slots !== 'object') return;

  // Whether the parser is past the element's end tag, so that all of its
  // templates exist: some ancestor-or-self has a following sibling.
  function closed(element) {
    if (document.readyState !== 'loading') return true;
    for (var node = element; node && node !== document.body; node = node.parentNode) {
      if (node.nextSibling) return true;
    }
    return false;
  }

  function stamp(element) {
    var variant = slots[element.getAttribute('data-leadseg-slot')];
    if (typeof variant !== 'string' || !closed(element)) return;
    var children = element.children;
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child.localName === 'template' && child.getAttribute('data-variant') === variant) {
        element.appendChild(child.content.cloneNode(true));
        element.setAttribute('data-leadseg-variant', variant);
        element.setAttribute('data-leadseg-prepaint', '');
        return;
      }
    }
  }

  function pass() {
    var pending = document.querySelectorAll('[data-leadseg-slot]:not([data-leadseg-variant])');
    for (var i = 0; i < pending.length; i++) stamp(pending[i]);
  }

  function frame() {
    pass();
    if (document.readyState === 'loading') window.requestAnimationFrame(frame);
  }
  window.requestAnimationFrame(frame);
  document.addEventListener('DOMContentLoaded', pass);
})();
