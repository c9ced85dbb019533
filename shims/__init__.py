"""The shim source: a POSIX sh script installed by `pyswitch rehash`."""
