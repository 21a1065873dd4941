"""What follows the evaluations (BUD-11…BUD-14): feedback and rectification, reports,
disclosure, accountability and the appraisal of the supervising departments. Models in
``evaluation/result_models.py``, pages in ``evaluation/result_views.py``."""
