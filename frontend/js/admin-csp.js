// Wagtail admin under the strict Content-Security-Policy (no inline script). Wagtail's date and
// time widgets and its inline panels initialise themselves with small inline scripts; our
// template overrides (agencies/templates/wagtailadmin/) put the same arguments in data
// attributes instead, and this file makes the same calls. Also covers forms added later (an
// inline panel's "Add" clones a template containing widgets).
(function () {
  'use strict'
  var CALLS = {
    initDateChooser: function (el, config) { window.initDateChooser(el.getAttribute('data-csp-target'), config) },
    initDateTimeChooser: function (el, config) { window.initDateTimeChooser(el.getAttribute('data-csp-target'), config) },
    initTimeChooser: function (el, config) { window.initTimeChooser(el.getAttribute('data-csp-target'), config) },
    InlinePanel: function (el, config) { return new window.InlinePanel(config) },
    MultipleChooserPanel: function (el, config) { return new window.MultipleChooserPanel(config) }
  }

  function run () {
    var nodes = document.querySelectorAll('[data-csp-init]:not([data-csp-done])')
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i]
      // Skip copies inside <template> elements: they run once cloned into the page.
      if (el.closest('template')) { continue }
      var call = CALLS[el.getAttribute('data-csp-init')]
      el.setAttribute('data-csp-done', '')
      if (!call) { continue }
      try {
        call(el, JSON.parse(el.getAttribute('data-csp-config') || '{}'))
      } catch (err) {
        if (window.console) { window.console.error('admin-csp: could not initialise', el, err) }
      }
    }
  }

  function start () {
    run()
    if (window.MutationObserver) {
      new window.MutationObserver(run).observe(document.body, { childList: true, subtree: true })
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start)
  } else {
    start()
  }
})()
