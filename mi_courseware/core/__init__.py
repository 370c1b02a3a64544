"""The ground floor: plain data every other floor shares, importing nothing above it."""
