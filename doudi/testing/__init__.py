"""Support for the tests of every context: the clock (`clock`) and logged-in clients (`clients`).
Test code only; no platform module imports it."""
