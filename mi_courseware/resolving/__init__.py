"""The resolving floor: course + variant + add-ons + client + event -> Edition, and the
project-level subjects (a practitioner's scores, a scale, the runs of many events)."""
