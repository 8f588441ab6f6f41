// Live meeting view: on each event from /ws/scrutiny/meetings/<id>/ re-fetch this person's own
// server-rendered (redacted) fragment of the meeting and swap it in; announce the change politely.
(function () {
  'use strict'
  var live = document.querySelector('[data-meeting-live]')
  var status = document.querySelector('[data-live-status]')
  if (!live || !window.ScrutinyRealtime || !window.fetch) { return }
  var url = live.getAttribute('data-fragment-url')
  var id = live.getAttribute('data-meeting-id')
  var pending = false
  function refetch (announce) {
    if (pending) { return }
    pending = true
    window.fetch(url, { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('status ' + response.status) }
        return response.text()
      })
      .then(function (html) {
        live.innerHTML = html
        if (announce && status) { status.textContent = 'The meeting was updated.' }
      })
      .catch(function () {})
      .then(function () { pending = false })
  }
  window.ScrutinyRealtime.connect('/ws/scrutiny/meetings/' + id + '/', {
    event: function (msg) {
      if (msg.kind === 'scrutiny.meeting_changed' && msg.refetch) { refetch(true) }
    },
    resync: function () { refetch(false) }
  })
})()
