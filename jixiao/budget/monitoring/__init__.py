"""Double monitoring (双监控, BUD-5): monitoring rounds, the forms units fill, spending pushed by
the budget system, and the warnings computed for a whole round.

- ``warnings``  the warning rules: pure functions, no Django, no database
- ``models``    rounds, forms, indicator progress, spending records, warnings, thresholds
- ``services``  the writes (round_open, form_save, form_submit, spending_record …)
- ``compute``   ``round_compute_warnings``: one set-based pass over a round
- ``queries``   the reads of the pages and dashboards
"""
