//! Shared helpers for cairn's fuzz targets (see `fuzz_targets/`).
