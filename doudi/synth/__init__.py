"""Synthetic population generator (`doudi synth`): deterministic households and persons for any
Fujian counties, written as Parquet. The generator itself (`generator`, `names`, `villages`) is pure
numpy/pyarrow and does not import Django."""
