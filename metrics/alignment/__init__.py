"""What supports what? Parent links between objectives and key results, coverage, the
alignment tree, strict links and loops."""
