// Progressive enhancement only: every page and form works without this file.
(function () {
  'use strict'
  document.body.classList.add('js-enabled')
  if ('noModule' in HTMLScriptElement.prototype) {
    document.body.classList.add('govuk-frontend-supported')
  }
  if (window.GOVUKFrontend && window.GOVUKFrontend.initAll) {
    window.GOVUKFrontend.initAll()
  }
})()
