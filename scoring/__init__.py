"""The judgement: deterministic, explainable risk scores and weekly cards, with no I/O.

Nothing is re-exported here: importing one module of the package (``scoring.errors``, the
exception tree every layer raises) must not load the scorer.
"""
