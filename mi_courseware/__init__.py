"""mi-courseware: branded Motivational Interviewing courseware from YAML course definitions."""

__version__ = "0.1.0"
