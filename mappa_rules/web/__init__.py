"""`mappa serve`: the guided interview, reports, caseloads and the decision record in a browser, and a JSON API.

settings.py (how it was started), guard.py (what every request passes: host, token, size, time,
headers), state.py (an interview carried in the form, never on the server), api.py (JSON),
pages.py (HTML, working without JavaScript), jobs.py (caseload uploads), app.py (putting it together).
"""
