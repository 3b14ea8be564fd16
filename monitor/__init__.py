"""report-monitor: watches the bodies that inspect a council and reports what they publish."""

__version__ = "0.1.0"
