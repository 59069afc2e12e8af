"""Speed measured side by side with peer libraries: `make bench`."""
