"""The register of subscribers in the admin."""
