"""Message catalogues: ``<lang>/<namespace>.toml``, read by :mod:`crmplay.i18n`."""
