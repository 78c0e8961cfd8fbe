"""Message catalogues: ``<lang>/<namespace>.toml``, read by :mod:`crmplay.core.i18n`."""
