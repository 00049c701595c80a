"""Batch re-analysis after legal changes: select the procedures a change touches, re-analyse only those (cached by
content hash, in parallel on local cores or a Dask cluster), and write a dated report."""
