"""The scanner backend contract and its simulated and network (scanner-link) backends."""
