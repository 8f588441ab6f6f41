// Export page: while the export is queued or running, re-read the page every few seconds and swap
// in its progress region (the "Check progress" button does the same without JavaScript).
(function () {
  'use strict'
  var region = document.querySelector('[data-export-progress]')
  if (!region || region.getAttribute('data-pending') !== 'true') { return }
  var delay = 2000
  function poll () {
    window.fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('status ' + response.status) }
        return response.text()
      })
      .then(function (html) {
        var fresh = new window.DOMParser().parseFromString(html, 'text/html').querySelector('[data-export-progress]')
        if (!fresh) { throw new Error('no progress region') }
        var changed = fresh.getAttribute('data-status') !== region.getAttribute('data-status')
        if (changed || fresh.innerHTML !== region.innerHTML) { region.innerHTML = fresh.innerHTML }
        region.setAttribute('data-status', fresh.getAttribute('data-status'))
        region.setAttribute('data-pending', fresh.getAttribute('data-pending'))
        delay = 2000
        if (fresh.getAttribute('data-pending') === 'true') { window.setTimeout(poll, delay) }
      })
      .catch(function () {
        // Signed out, offline or a server error: back off; the button still works.
        delay = Math.min(delay * 2, 30000)
        window.setTimeout(poll, delay)
      })
  }
  window.setTimeout(poll, delay)
})()
