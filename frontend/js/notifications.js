(function () {
  'use strict'
  var count = document.querySelector('[data-unread-count]')
  var status = document.querySelector('[data-live-status]')
  if (!count || !window.ScrutinyRealtime) { return }
  function setUnread (n) { count.textContent = String(n) }
  window.ScrutinyRealtime.connect('/ws/notifications/', {
    hello: function (msg) { setUnread(msg.unread) },
    event: function (msg) {
      if (msg.kind !== 'notification.created' && msg.kind !== 'notifications.read') { return }
      setUnread(msg.unread)
      if (status && msg.notification) { status.textContent = 'New notification: ' + msg.notification.title }
    },
    resync: function () { window.location.reload() }
  })
})()
