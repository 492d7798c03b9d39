"""The ``essay`` sub-commands. Each acts on the archive around the current folder (see ``archive_root``)."""
