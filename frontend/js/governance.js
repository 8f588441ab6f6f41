// Live governance dashboard: swaps in the figures the server re-rendered for this user on each
// event; on a sequence gap or after reconnecting, re-fetches the figures fragment over HTTP.
(function () {
  'use strict'
  var live = document.querySelector('[data-governance-live]')
  var status = document.querySelector('[data-governance-status]')
  var announce = document.querySelector('[data-governance-announce]')
  if (!live || !window.ScrutinyRealtime) { return }
  var figuresUrl = live.getAttribute('data-figures-url')
  function replace (html) {
    live.innerHTML = html
    live.setAttribute('data-updated', String(Date.now()))
    if (announce) { announce.textContent = 'Figures updated.' }
  }
  function refetch () {
    var request = new window.XMLHttpRequest()
    request.open('GET', figuresUrl)
    request.setRequestHeader('Accept', 'text/html')
    request.addEventListener('load', function () {
      if (request.status === 200) { replace(request.responseText) }
    })
    request.send()
  }
  var connected = false
  window.ScrutinyRealtime.connect(live.getAttribute('data-ws-path'), {
    hello: function () {
      if (status) { status.textContent = 'Live updates are on.' }
      // Figures may have changed while we were away: after a reconnect, fetch them again.
      if (connected) { refetch() }
      connected = true
      live.setAttribute('data-live', 'on')
    },
    event: function (msg) {
      if (msg.kind === 'governance.figures' && typeof msg.html === 'string') { replace(msg.html) }
    },
    resync: refetch
  })
})()
