// Idle-timeout warning for case roles. Without JavaScript the page already says when the session
// ends and offers a "Stay signed in" button (a normal form post). With it, the notice turns into a
// live warning shortly before the end, the button extends the session without leaving the page,
// and at the end the page reloads (the server has signed the person out and says why).
(function () {
  'use strict'
  var box = document.querySelector('[data-session-timeout]')
  if (!box || !window.fetch || !window.FormData) { return }
  var text = box.querySelector('[data-session-timeout-text]')
  var form = box.querySelector('form')
  var button = box.querySelector('[data-session-extend]')
  var expiresIn = parseInt(box.getAttribute('data-expires-in'), 10)
  var warnBefore = parseInt(box.getAttribute('data-warn-before'), 10)
  var original = text.textContent
  var deadline = 0
  var warned = false
  var ticker = null

  function describe (seconds) {
    if (seconds >= 120) { return Math.ceil(seconds / 60) + ' minutes' }
    if (seconds >= 60) { return '1 minute' }
    return seconds + ' second' + (seconds === 1 ? '' : 's')
  }

  function tick () {
    var left = Math.round((deadline - Date.now()) / 1000)
    if (left <= 0) {
      window.clearInterval(ticker)
      window.location.reload()
      return
    }
    if (left <= warnBefore) {
      if (!warned) {
        warned = true
        box.classList.add('app-session-timeout--warning')
        text.setAttribute('role', 'alert')
        button.focus()
      }
      text.textContent = 'You will be signed out in ' + describe(left) + ' because you have not done anything for a while. Select "Stay signed in" to carry on.'
    }
  }

  function start (seconds) {
    deadline = Date.now() + seconds * 1000
    warned = false
    box.classList.remove('app-session-timeout--warning')
    text.removeAttribute('role')
    text.textContent = original
    if (ticker) { window.clearInterval(ticker) }
    ticker = window.setInterval(tick, 1000)
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    window.fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) { window.location.reload(); return null }
      return response.json()
    }).then(function (data) {
      if (data) {
        original = 'You are still signed in. For your security, you will be signed out if you do nothing for ' + describe(data.expires_in) + '.'
        start(data.expires_in)
      }
    }).catch(function () { form.submit() })
  })

  start(expiresIn)
})()
