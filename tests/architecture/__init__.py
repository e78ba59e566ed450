"""Package-wide checks: import direction, no guarded own imports, every module imports, wheel contents."""
