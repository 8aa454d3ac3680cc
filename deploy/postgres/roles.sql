-- Two roles for one dangjian database (SEC-12, issue 11): the owner runs the migrations and owns every table and
-- trigger; the application connects as a role that may read and write the business tables but can only read and
-- append to the audit log, and cannot drop or disable its triggers (only a table's owner can).
-- Run once as a superuser:  psql -v db=dangjian -v owner=dangjian_owner -v app=dangjian -f roles.sql
-- then set the two passwords with \password in psql (never on a command line).
CREATE ROLE :"owner" LOGIN;
CREATE ROLE :"app" LOGIN;
ALTER DATABASE :"db" OWNER TO :"owner";
\connect :"db"
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
