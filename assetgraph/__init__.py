"""assetgraph: a knowledge graph of community assets for social prescribing and ABCD."""

__version__ = "0.1.0"
