// Small realtime client: connects to a /ws/ path, reconnects with backoff, tracks each group's
// sequence number and asks the page to resynchronise when it sees a gap or reconnects.
(function () {
  'use strict'
  function connect (path, handlers) {
    var lastSeq = {}
    var attempt = 0
    var socket = null
    var stopped = false
    function url () {
      var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://'
      return scheme + window.location.host + path
    }
    function open () {
      socket = new WebSocket(url())
      socket.addEventListener('open', function () { attempt = 0 })
      socket.addEventListener('message', function (e) {
        var msg
        try { msg = JSON.parse(e.data) } catch (err) { return }
        if (msg.kind === 'hello') {
          var gap = false
          Object.keys(msg.seq || {}).forEach(function (g) {
            if (lastSeq[g] !== undefined && lastSeq[g] !== msg.seq[g]) { gap = true }
            lastSeq[g] = msg.seq[g]
          })
          if (handlers.hello) { handlers.hello(msg) }
          if (gap && handlers.resync) { handlers.resync() }
          return
        }
        if (msg.group && typeof msg.seq === 'number') {
          var expected = lastSeq[msg.group]
          lastSeq[msg.group] = msg.seq
          if (expected !== undefined && msg.seq !== expected + 1 && handlers.resync) {
            handlers.resync()
            return
          }
        }
        if (handlers.event) { handlers.event(msg) }
      })
      socket.addEventListener('close', function (e) {
        // 4401/4403: not signed in or not allowed. Do not hammer the server.
        if (stopped || e.code === 4401 || e.code === 4403) { return }
        attempt += 1
        // Capped at 6 s so live updates resume within 10 s of a worker or Redis returning.
        var delay = Math.min(6000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2)
        window.setTimeout(open, delay)
      })
    }
    open()
    return { close: function () { stopped = true; if (socket) { socket.close() } } }
  }
  window.ScrutinyRealtime = { connect: connect }
})()
