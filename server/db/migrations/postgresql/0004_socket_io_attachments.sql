-- teledx 0004 (PostgreSQL only): the table @socket.io/postgres-adapter uses for payloads too large for NOTIFY,
-- when several teledx instances share this database. Not part of the Prisma schema: it is the adapter's.
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT NOW(),
  payload bytea
);
