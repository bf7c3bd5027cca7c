"""Drivers for real tools the export tests run (OmegaT)."""
