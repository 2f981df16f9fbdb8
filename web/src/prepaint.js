// leadseg pre-paint: shows each personalized slot's right content at the
// page's first paint, before the engine has loaded.
//
//   <head>
//     <script src="/node_modules/leadseg/src/prepaint.js" data-budget="300"></script>
//     <script type="module" src="/app.js"></script>   <!-- createEngine(...) -->
//
// A small classic, blocking script: it must run before the body is parsed,
// which a module (deferred) cannot. It does not load the engine. It reads
// the variant each slot was last rendered with, which the engine saves in
// localStorage ("leadseg:prepaint", only with storage and personalization
// consent, removed by erase() and when consent is withdrawn), and, as soon
// as each slot has been parsed (in requestAnimationFrame callbacks, which
// run before each paint, and at DOMContentLoaded):
//
// - a slot with a remembered variant gets that variant's <template> stamped
//   in (its default content, if any, is parked in a
//   <template data-leadseg-default>); render() adopts it later;
// - a slot the record does not know (the visitor has a stored profile, but
//   this slot was never rendered) may get a personalized decision: it is
//   hidden (visibility, so nothing moves) for at most the budget, counted
//   from the start of navigation (data-budget, ms, default 300), then shows
//   its default content; render() reveals it as soon as it decides;
// - without a record (no consent, no stored profile, a first visit) the
//   decision is known to be the default: nothing is touched, the default
//   content is painted at once.
//
// With `data-storage-name="x"` on the script tag it reads "x:prepaint"
// (match createEngine's storageName). No network, no cookies, no eval: it
// runs under a strict Content-Security-Policy as a same-origin script.
(function () {
  'use strict';
  var script = document.currentScript;
  var name = (script && script.getAttribute('data-storage-name')) || 'leadseg';
  var budgetText = script && script.getAttribute('data-budget');
  var budget = budgetText ? Number(budgetText) : 300;
  if (!(budget >= 0)) budget = 300;
  var expired = false;
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
    if (typeof variant !== 'string') {
      if (!expired && !element.hasAttribute('data-leadseg-pending')) {
        element.setAttribute('data-leadseg-pending', '');
        element.style.visibility = 'hidden';
      }
      return;
    }
    if (!closed(element)) return;
    var children = element.children;
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child.localName === 'template' && child.getAttribute('data-variant') === variant) {
        park(element);
        element.appendChild(child.content.cloneNode(true));
        element.setAttribute('data-leadseg-variant', variant);
        element.setAttribute('data-leadseg-prepaint', '');
        return;
      }
    }
  }

  // Moves the slot's default content (what is not a <template>) into a
  // <template data-leadseg-default>, from which render() can bring it back.
  function park(element) {
    var parked = document.createElement('template');
    parked.setAttribute('data-leadseg-default', '');
    var nodes = Array.prototype.slice.call(element.childNodes);
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.nodeType === 1 && node.localName === 'template') continue;
      if (node.nodeType === 3 && !node.textContent.trim()) continue;
      parked.content.appendChild(node);
    }
    if (parked.content.childNodes.length) element.insertBefore(parked, element.firstChild);
  }

  // The budget is over: what is still hidden shows its default.
  function expire() {
    expired = true;
    var pending = document.querySelectorAll('[data-leadseg-pending]');
    for (var i = 0; i < pending.length; i++) {
      pending[i].removeAttribute('data-leadseg-pending');
      pending[i].style.visibility = '';
    }
  }

  function pass() {
    var pending = document.querySelectorAll('[data-leadseg-slot]:not([data-leadseg-variant]):not([data-leadseg-pending])');
    for (var i = 0; i < pending.length; i++) stamp(pending[i]);
  }

  function frame() {
    pass();
    if (document.readyState === 'loading') window.requestAnimationFrame(frame);
  }
  window.requestAnimationFrame(frame);
  document.addEventListener('DOMContentLoaded', pass);
  window.setTimeout(expire, Math.max(0, budget - (window.performance ? performance.now() : 0)));
})();
