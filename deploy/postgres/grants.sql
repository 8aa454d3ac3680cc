-- The application role's rights, run as the owner after every `dangjian migrate` (new tables need them):
--   psql "$OWNER_DATABASE_URL" -v app=dangjian -f deploy/postgres/grants.sql
-- The audit log is read and appended to, never changed: no UPDATE, DELETE or TRUNCATE on core_auditevent.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON core_auditevent FROM :"app";
