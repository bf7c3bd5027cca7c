"""Evaluations of tmpipe's output quality on labelled data (``make qa-eval``)."""
