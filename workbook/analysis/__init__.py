"""Pure analysis functions: plain data in, plain data or DataFrames out; no widgets."""
