"""The version of nqengine (one place, read by the package and by ``nqengine plugins``)."""

__version__ = "0.1.0"
