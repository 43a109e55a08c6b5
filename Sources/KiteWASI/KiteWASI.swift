// WASI preview1 for Kite: in progress (issue 4).
