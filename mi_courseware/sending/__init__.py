"""Reaching participants: who gets which message, and delivering them exactly once.

``send KIND EVENT`` plans the messages (:mod:`.plan`: the roster, the certificates issued,
the register's record of what went before), has the messages builder write them
(:mod:`mi_courseware.builders.messages`), then puts them in an outbox folder or delivers
them through a mail server (:mod:`.deliver`, :mod:`.server`), signing in with a password or
an OAuth 2.0 token (:mod:`.credentials`, :mod:`.oauth`), and records each one in the
register (:mod:`mi_courseware.register.messages`).
"""
