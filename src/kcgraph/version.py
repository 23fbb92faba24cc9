"""The one version source of kcgraph."""

__all__ = ["VERSION"]

VERSION = "0.1.0"
