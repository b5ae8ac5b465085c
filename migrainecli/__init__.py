"""migrainecli: a command-line treatment-history tracker for chronic, hard-to-treat migraine."""

__version__ = "0.1.0"
