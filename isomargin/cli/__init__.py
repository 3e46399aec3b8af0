"""The ``isomargin`` command line."""
