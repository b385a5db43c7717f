"""Archival outputs: BagIt bags of a dossier."""
