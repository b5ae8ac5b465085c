"""Reports a clinician reads: the monthly export, ``report`` and ``summary``.

``data`` builds plain, JSON-shaped dictionaries from the month counts, the trials and
the verdicts (no printing, no database); ``terminal``, ``html`` and ``longcsv`` only
render those dictionaries. Everything is computed from the one ``monthly_counts`` pass
that ``evaluate_all`` makes, so a 20-year diary costs about what loading it costs.
"""
