"""The network canvas: palette, scene, items and view."""
