// Live unread badge on the "Notifications" navigation item. On the notifications page itself,
// which has its own socket, mirror that page's live count instead of opening a second socket.
(function () {
  'use strict'
  var badge = document.querySelector('[data-nav-unread]')
  if (!badge) { return }
  var number = badge.querySelector('[data-nav-unread-count]')
  function setUnread (n) {
    n = Number(n) || 0
    if (number) { number.textContent = String(n) }
    badge.hidden = n === 0
  }
  var pageCount = document.querySelector('[data-unread-count]')
  if (pageCount && window.MutationObserver) {
    new window.MutationObserver(function () { setUnread(pageCount.textContent) })
      .observe(pageCount, { childList: true, characterData: true, subtree: true })
    return
  }
  if (!window.ScrutinyRealtime) { return }
  window.ScrutinyRealtime.connect('/ws/notifications/', {
    hello: function (msg) { setUnread(msg.unread) },
    event: function (msg) {
      if (typeof msg.unread === 'number') { setUnread(msg.unread) }
    }
  })
})()
