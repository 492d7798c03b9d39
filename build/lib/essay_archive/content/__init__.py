"""Essays as data: the schema, one essay file's front matter and body, the archive, tags, markup rules.

Nothing here knows about MkDocs; the build, the commands and the tests all read essays through it.
"""
