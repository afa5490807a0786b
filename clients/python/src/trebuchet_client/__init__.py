"""A Python client for Trebuchet's QueryService, over gRPC."""

from trebuchet_client.client import Client

__all__ = ["Client"]
