-- The console's incident index filters by status, service and declaration time, newest first.
CREATE INDEX incidents_status_number ON incidents (status, number DESC);
CREATE INDEX incidents_service ON incidents (lower(body->>'Service'));
CREATE INDEX incidents_declared_at ON incidents (declared_at);
