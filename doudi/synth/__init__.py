"""Synthetic population generator (`doudi synth`): deterministic households and persons for any
Fujian counties, written as Parquet. The generator itself (`generator`, the facade over
`config`, `schema`, `distributions`, `identity`, `households`, `persons`, `run` and `writer`, plus
`names` and `villages`) is pure numpy/pyarrow and does not import Django."""
