// Live state on a pre-trial meeting request's page. The page is complete without this script: it
// only keeps the status tag current and says, politely to screen readers, that the request changed
// (the person reloads to see the new details and forms).
(function () {
  'use strict'
  var root = document.querySelector('[data-pretrial-live]')
  if (!root || !window.ScrutinyRealtime) { return }
  var id = root.getAttribute('data-request')
  if (!/^\d+$/.test(id || '')) { return }
  var tag = document.querySelector('[data-pretrial-status]')
  var notice = document.querySelector('[data-pretrial-notice]')
  var shown = tag ? tag.textContent : ''

  function update (msg) {
    if (tag && msg.status_label && msg.status_label !== shown) {
      shown = msg.status_label
      tag.textContent = msg.status_label
      if (notice) {
        notice.hidden = false
        notice.querySelector('[data-pretrial-notice-text]').textContent =
          'This request has changed: it is now ' + msg.status_label.toLowerCase() + '. Reload the page to see the details.'
      }
    }
  }

  window.ScrutinyRealtime.connect('/ws/pre-trial-meetings/?request=' + id, {
    event: function (msg) { if (msg.kind === 'pretrial.changed') { update(msg) } },
    resync: function () {}
  })
})()
