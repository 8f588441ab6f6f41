// Live seat counts for drop-in pages. The page is complete without this script: it only keeps the
// "N of M seats left" and waitlist figures current, and announces changes politely to screen readers.
(function () {
  'use strict'
  var containers = document.querySelectorAll('[data-dropins-live]')
  if (!containers.length || !window.ScrutinyRealtime) { return }
  var ids = {}
  Array.prototype.forEach.call(containers, function (el) {
    (el.getAttribute('data-schedules') || '').split(',').forEach(function (id) {
      if (/^\d+$/.test(id)) { ids[id] = true }
    })
  })
  var scheduleIds = Object.keys(ids)
  if (!scheduleIds.length) { return }
  var status = document.querySelector('[data-dropins-status]')

  function update (counts, announce) {
    var spans = document.querySelectorAll('[data-seats-for="' + counts.session_id + '"]')
    Array.prototype.forEach.call(spans, function (span) {
      var remaining = span.querySelector('[data-remaining]')
      var waitlisted = span.querySelector('[data-waitlisted]')
      var wrap = span.querySelector('[data-waitlisted-wrap]')
      if (remaining) { remaining.textContent = String(counts.remaining) }
      if (waitlisted) { waitlisted.textContent = String(counts.waitlisted) }
      if (wrap) { wrap.hidden = counts.waitlisted === 0 }
    })
    if (announce && status && spans.length) {
      status.textContent = counts.remaining + ' seat' + (counts.remaining === 1 ? '' : 's') + ' left' +
        (counts.waitlisted ? ', ' + counts.waitlisted + ' on the waitlist' : '') + '.'
    }
  }

  function resync () {
    var spans = document.querySelectorAll('[data-seats-for]')
    Array.prototype.forEach.call(spans, function (span) {
      var id = span.getAttribute('data-seats-for')
      window.fetch('/api/v1/dropins/sessions/' + id, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null })
        .then(function (data) { if (data) { update({ session_id: data.id, remaining: data.remaining, waitlisted: data.waitlisted }, false) } })
        .catch(function () {})
    })
  }

  window.ScrutinyRealtime.connect('/ws/dropins/?schedules=' + scheduleIds.join(','), {
    event: function (msg) { if (msg.kind === 'dropins.seats') { update(msg, true) } },
    resync: resync
  })
})()
