"""``isomargin bench``: throughput and latency of the signed hot path against the stack's ceiling."""
