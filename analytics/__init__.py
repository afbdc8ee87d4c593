"""Pure polars analytics of the portfolio: frames in, expressions and frames out (no I/O).

Entry point of the executive overview: :func:`analytics.overview.overview`.
"""
