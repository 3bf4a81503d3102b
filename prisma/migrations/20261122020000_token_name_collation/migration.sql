-- Sort token names the way people read them ("alpha", "Bravo", "charlie"): the database's default
-- collation is "C" on PGlite and on many servers, which puts every capital letter first.
-- "und-x-icu" (ICU's root collation, present in PGlite and in PostgreSQL built with ICU, as Debian's
-- and the official images are) is deterministic, so equality, ILIKE and the trigram index behave
-- as before; the (user_id, name) index is rebuilt with it and still serves the name sort.
ALTER TABLE "tokens" ALTER COLUMN "name" SET DATA TYPE VARCHAR(100) COLLATE "und-x-icu";
